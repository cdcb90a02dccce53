package io.lakehub.delta;

import io.delta.standalone.types.DataType;

/**
 * The Delta type {@code timestamp_ntz}: a wall-clock date-time without a time zone (Delta protocol,
 * "Timestamp without timezone (TimestampNtz)" table feature). Values are {@link java.time.LocalDateTime}
 * at microsecond precision, never shifted to or from any zone.
 *
 * <p>delta-standalone 3.3.2 defines no such type; {@link StandaloneSchemas} (test scope, for delta-standalone as
 * an independent reader) maps lakehub's {@code ColumnType.TIMESTAMP_NTZ} to this one.
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
