package io.lakehub.delta;

import io.delta.standalone.types.DataType;

/**
 * delta-standalone's missing type for {@link ColumnType#TIMESTAMP_NTZ}: a wall-clock date-time without a time
 * zone (Delta protocol, "Timestamp without timezone (TimestampNtz)" table feature), so that
 * {@link StandaloneSchemas} can map every {@link ColumnType} to a standalone type and back. Package-private:
 * callers use {@link ColumnType#TIMESTAMP_NTZ}; it goes with delta-standalone.
 */
final class TimestampNtzType extends DataType {

    /** The one instance. */
    public static final TimestampNtzType INSTANCE = new TimestampNtzType();

    /** The type name in a Delta schema, {@code timestamp_ntz}. */
    @Override
    public String getTypeName() {
        return "timestamp_ntz";
    }

    @Override
    public String getSimpleString() {
        return "timestamp_ntz";
    }

    @Override
    public String getCatalogString() {
        return "timestamp_ntz";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimestampNtzType;
    }

    @Override
    public int hashCode() {
        return TimestampNtzType.class.hashCode();
    }
}
