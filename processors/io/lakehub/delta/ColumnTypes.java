package io.lakehub.delta;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The column types lakehub writes, their Java value classes, and their Parquet and text forms.
 *
 * <p>A row is an {@code Object[]} in schema order; each value is {@code null} or, by Delta type:
 * long {@link Long}, integer {@link Integer}, double {@link Double}, float {@link Float}, boolean
 * {@link Boolean}, string {@link String}, binary {@code byte[]}, date {@link LocalDate}, timestamp
 * {@link Instant} (microsecond precision), decimal(p,s) {@link BigDecimal} with scale {@code s}.
 *
 * <p>Parquet physical types are what Apache Spark writes for Delta by default, so that every Delta
 * reader can read them: timestamp is {@code INT96} (nanoseconds of the day and Julian day, UTC;
 * delta-standalone's reader decodes no other timestamp form, delta-io/delta#1685), date INT32
 * {@code DATE}, decimal {@code FIXED_LEN_BYTE_ARRAY} with {@code DECIMAL(p,s)} (Spark's legacy form,
 * readable by every reader), string BINARY {@code STRING}.
 *
 * <p>An array column ({@link ColumnType.Array} of one of the types above, not of another array) holds a
 * {@link List} of element values, elements null only when the type {@code containsNull}. In Parquet it
 * is the standard three-level {@code LIST} (Parquet format spec, LogicalTypes.md "Lists"), as Spark
 * writes it with {@code spark.sql.parquet.writeLegacyFormat=false}:
 * {@code optional group <name> (LIST) { repeated group list { optional|required <type> element; } }}.
 * Array columns get null counts but no min/max statistics (Delta collects those for leaf values only).
 */
public final class ColumnTypes {

    private static final com.fasterxml.jackson.databind.ObjectMapper ARRAY_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static final DateTimeFormatter STATS_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter STATS_TIMESTAMP_NTZ = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    /** Microseconds since 1970-01-01T00:00 of a wall-clock date-time (a {@code timestamp_ntz} value). */
    public static long micros(LocalDateTime wallClock) {
        return micros(wallClock.toInstant(ZoneOffset.UTC));
    }

    private ColumnTypes() {
    }

    /** Whether lakehub can store a column of this Delta type. */
    public static boolean supported(ColumnType type) {
        if (type instanceof ColumnType.Array array) {
            return !(array.element() instanceof ColumnType.Array) && supported(array.element());
        }
        return type == ColumnType.LONG || type == ColumnType.INTEGER || type == ColumnType.DOUBLE
                || type == ColumnType.FLOAT || type == ColumnType.BOOLEAN || type == ColumnType.STRING
                || type == ColumnType.BINARY || type == ColumnType.DATE || type == ColumnType.TIMESTAMP
                || type instanceof ColumnType.Decimal || type == ColumnType.TIMESTAMP_NTZ;
    }

    /**
     * Whether a column of this type is worth Parquet dictionary encoding. Measures (decimal, double,
     * float), timestamps, binary and longs (mostly identifiers) are mostly distinct values: their dictionary fills up, falls back
     * to plain encoding, and costs a hash lookup per value on the way.
     */
    public static boolean dictionaryEncoded(ColumnType type) {
        if (type instanceof ColumnType.Array array) {
            return dictionaryEncoded(array.element());
        }
        return !(type instanceof ColumnType.Decimal || type == ColumnType.DOUBLE || type == ColumnType.FLOAT
                || type == ColumnType.TIMESTAMP || type == ColumnType.BINARY || type == ColumnType.LONG);
    }

    /** Bytes needed for an unscaled decimal of {@code precision} digits in two's complement. */
    static int decimalBytes(int precision) {
        int bytes = 1;
        while (Math.pow(2.0, 8 * bytes - 1) < Math.pow(10.0, precision)) {
            bytes++;
        }
        return bytes;
    }

    /** The Parquet message type for a Delta schema; every column optional (nullable). */
    public static MessageType parquetSchema(TableSchema schema) {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (Column field : schema.columns()) {
            builder.addField(parquetField(field.name(), field.type()));
        }
        return builder.named("spark_schema");
    }

    private static Type parquetField(String name, ColumnType type) {
        if (type instanceof ColumnType.Array array) {
            if (!supported(array)) {
                throw new IllegalArgumentException("unsupported column type " + type.simpleString() + " for column " + name);
            }
            Repetition element = array.containsNull() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            return Types.optionalGroup().as(LogicalTypeAnnotation.listType())
                    .addField(Types.repeatedGroup().addField(primitive(element, "element", array.element(), name))
                            .named("list"))
                    .named(name);
        }
        return primitive(Repetition.OPTIONAL, name, type, name);
    }

    private static Type primitive(Repetition repetition, String name, ColumnType type, String column) {
        if (type == ColumnType.LONG) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
        } else if (type == ColumnType.INTEGER) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
        } else if (type == ColumnType.DOUBLE) {
            return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
        } else if (type == ColumnType.FLOAT) {
            return Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
        } else if (type == ColumnType.BOOLEAN) {
            return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
        } else if (type == ColumnType.STRING) {
            return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
        } else if (type == ColumnType.BINARY) {
            return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
        } else if (type == ColumnType.DATE) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
        } else if (type == ColumnType.TIMESTAMP) {
            return Types.primitive(PrimitiveTypeName.INT96, repetition).named(name);
        } else if (type == ColumnType.TIMESTAMP_NTZ) {
            // Delta protocol "Timestamp without timezone": INT64 microseconds, not adjusted to UTC
            return Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS)).named(name);
        } else if (type instanceof ColumnType.Decimal d) {
            return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(decimalBytes(d.precision()))
                    .as(LogicalTypeAnnotation.decimalType(d.scale(), d.precision())).named(name);
        }
        throw new IllegalArgumentException("unsupported column type " + kind(type) + " for column " + column);
    }

    /**
     * The dotted Parquet column path of a column's values: the column name, or
     * {@code <name>.list.element} for an array (the leaf that per-column writer settings address).
     */
    static String leafPath(Column field) {
        return field.type() instanceof ColumnType.Array ? field.name() + ".list.element" : field.name();
    }

    /** Microseconds since the epoch, the unit of a Delta timestamp. */
    public static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /**
     * The 12-byte Parquet {@code INT96} form of a timestamp, as Spark writes it: nanoseconds of the
     * UTC day (8 bytes), then the Julian day number (4 bytes), both little-endian. Digits below the
     * microsecond, which a Delta timestamp does not have, are dropped.
     */
    static byte[] int96(Instant value) {
        Instant instant = value.truncatedTo(ChronoUnit.MICROS);
        long epochDay = Math.floorDiv(instant.getEpochSecond(), 86_400L);
        long nanosOfDay = Math.floorMod(instant.getEpochSecond(), 86_400L) * 1_000_000_000L + instant.getNano();
        return java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(nanosOfDay).putInt((int) (epochDay + JULIAN_DAY_OF_EPOCH)).array();
    }

    /** The Julian day number of 1970-01-01. */
    static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;

    /** The instant for a count of microseconds since the epoch. */
    public static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /**
     * A source {@code TIMESTAMP} without time zone, read as wall-clock time in UTC: the convention
     * lakehub uses for every timestamp without a zone (set Spark's session time zone to UTC to see
     * the same wall-clock values).
     */
    public static Instant instantOf(LocalDateTime wallClock) {
        return wallClock.toInstant(ZoneOffset.UTC);
    }

    /** The inverse of {@link #instantOf(LocalDateTime)}. */
    public static LocalDateTime wallClockOf(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * The JSON value of a column statistic as the Delta protocol's "Per-file Statistics" section
     * writes it: numbers as numbers, dates {@code yyyy-MM-dd}, timestamps ISO-8601 with milliseconds.
     * {@code roundUp} rounds a timestamp's sub-millisecond part up (for maxValues) so that the
     * statistic stays an upper bound.
     *
     * @return a {@link Number}, {@link String} or {@link Boolean}, or {@code null} when the type has no statistic
     */
    static Object statsValue(Object value, boolean roundUp) {
        if (value instanceof Instant instant) {
            Instant truncated = instant.truncatedTo(ChronoUnit.MILLIS);
            if (roundUp && truncated.isBefore(instant)) {
                truncated = truncated.plusMillis(1);
            }
            return STATS_TIMESTAMP.format(truncated);
        } else if (value instanceof LocalDate date) {
            return date.toString();
        } else if (value instanceof LocalDateTime wallClock) {
            LocalDateTime truncated = wallClock.truncatedTo(ChronoUnit.MILLIS);
            if (roundUp && truncated.isBefore(wallClock)) {
                truncated = truncated.plusNanos(1_000_000);
            }
            return STATS_TIMESTAMP_NTZ.format(truncated);
        } else if (value instanceof byte[] || value instanceof Boolean || value instanceof List) {
            return null;
        }
        return value;
    }

    /**
     * Parses a statistic written by {@link #statsValue} (or by Spark) back to the column's value class.
     *
     * @return the value, or {@code null} if {@code json} is null or the type has no comparable statistic
     */
    public static Object parseStatsValue(ColumnType type, com.fasterxml.jackson.databind.JsonNode json) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (type == ColumnType.LONG) {
            return json.asLong();
        } else if (type == ColumnType.INTEGER) {
            return json.asInt();
        } else if (type == ColumnType.DOUBLE) {
            return json.asDouble();
        } else if (type == ColumnType.FLOAT) {
            return (float) json.asDouble();
        } else if (type == ColumnType.STRING) {
            return json.asText();
        } else if (type == ColumnType.DATE) {
            return LocalDate.parse(json.asText());
        } else if (type == ColumnType.TIMESTAMP) {
            return java.time.OffsetDateTime.parse(json.asText()).toInstant();
        } else if (type == ColumnType.TIMESTAMP_NTZ) {
            return LocalDateTime.parse(json.asText());
        } else if (type instanceof ColumnType.Decimal d) {
            BigDecimal v = json.decimalValue();
            try {
                return v.setScale(d.scale()); // the column's value class: scale s (JSON drops trailing zeros)
            } catch (ArithmeticException e) {
                return v;
            }
        }
        return null;
    }

    /**
     * The text form of a value, used for bronze CSV, CSV exports and watermarks: ISO-8601 for dates
     * and timestamps (timestamps as UTC wall-clock {@code yyyy-MM-ddTHH:mm:ss[.ffffff]}), plain
     * notation for decimals, Base64 for binary, an array as a JSON array of its elements' text forms
     * (numbers and booleans bare, other values quoted); {@code null} stays {@code null}.
     */
    public static String text(Object value) {
        if (value == null) {
            return null;
        } else if (value instanceof List<?> list) {
            com.fasterxml.jackson.databind.node.ArrayNode array = ARRAY_JSON.createArrayNode();
            for (Object element : list) {
                if (element == null) {
                    array.addNull();
                } else if (element instanceof Number || element instanceof Boolean) {
                    array.add(ARRAY_JSON.valueToTree(element));
                } else {
                    array.add(text(element));
                }
            }
            return array.toString();
        } else if (value instanceof Instant instant) {
            return wallClockOf(instant).toString();
        } else if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        } else if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }

    /**
     * Parses the {@link #text(Object)} form back to the value class of {@code type}.
     *
     * @throws IllegalArgumentException if {@code text} is not a value of that type
     */
    public static Object parseText(ColumnType type, String text) {
        if (text == null) {
            return null;
        }
        try {
            if (type instanceof ColumnType.Array array) {
                List<Object> out = new ArrayList<>();
                for (com.fasterxml.jackson.databind.JsonNode element : ARRAY_JSON.readTree(text)) {
                    out.add(element.isNull() ? null : parseText(array.element(), element.asText()));
                }
                return out;
            } else if (type == ColumnType.LONG) {
                return Long.parseLong(text);
            } else if (type == ColumnType.INTEGER) {
                return Integer.parseInt(text);
            } else if (type == ColumnType.DOUBLE) {
                return Double.parseDouble(text);
            } else if (type == ColumnType.FLOAT) {
                return Float.parseFloat(text);
            } else if (type == ColumnType.BOOLEAN) {
                return Boolean.parseBoolean(text);
            } else if (type == ColumnType.DATE) {
                return LocalDate.parse(text);
            } else if (type == ColumnType.TIMESTAMP) {
                return instantOf(LocalDateTime.parse(text));
            } else if (type == ColumnType.TIMESTAMP_NTZ) {
                return LocalDateTime.parse(text);
            } else if (type instanceof ColumnType.Decimal d) {
                return new BigDecimal(text).setScale(d.scale());
            } else if (type == ColumnType.BINARY) {
                return Base64.getDecoder().decode(text);
            }
            return text;
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + kind(type) + " value", e);
        }
    }

    /** A type's name in error messages, as they have always read: {@code long}, {@code date}, {@code decimal}. */
    private static String kind(ColumnType type) {
        return type instanceof ColumnType.Decimal ? "decimal" : type.typeName();
    }

    /** Compares two non-null values of the same column type (their natural order). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }
}
