package io.lakehub.delta;

import io.delta.standalone.types.DataType;

/**
 * The Delta type {@code timestamp_ntz}: a wall-clock date-time without a time zone (Delta protocol,
 * "Timestamp without timezone (TimestampNtz)" table feature). Values are {@link java.time.LocalDateTime}
 * at microsecond precision, never shifted to or from any zone.
 *
 * <p>Only the read path produces it (a table Spark wrote with the {@code timestampNtz} feature); the hub's
 * own tables keep {@code timestamp} so they stay at protocol (1,2). It extends the schema type the hub's
 * schemas are built from today; the Kernel write stage replaces those with lakehub's own schema types.
 */
public final class TimestampNtzType extends DataType {

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
