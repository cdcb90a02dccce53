package io.lakehub.delta;

import java.util.List;
import java.util.Objects;

/**
 * The type of a column in a Delta table, as lakehub sees it: one of the Delta protocol's data types
 * (Delta protocol, "Schema Serialization Format": primitive types, {@code decimal(p,s)}, array, map and
 * struct). This is the type callers of {@code io.lakehub.delta} build schemas from and read schemas as;
 * no Delta library type crosses the package's surface.
 *
 * <p>Primitive types are the constants of {@link Primitive} (also reachable as {@link #STRING},
 * {@link #LONG}, ...); the others are records: {@link Decimal}, {@link Array}, {@link Map} and
 * {@link Struct}. Values in rows use the Java classes listed in {@link ColumnTypes}.
 *
 * <p>Two names are kept per type: {@link #typeName()} is the name in the protocol's schema JSON
 * ({@code long}, {@code decimal(10,2)}, {@code array} ...) and {@link #simpleString()} the short SQL name
 * the hub has always shown in {@code GET /api/tables/...} ({@code bigint}, {@code int}, {@code decimal} ...).
 */
public sealed interface ColumnType permits ColumnType.Primitive, ColumnType.Decimal, ColumnType.Array, ColumnType.Map,
        ColumnType.Struct {

    /** {@code string}: UTF-8 text, value class {@link String}. */
    ColumnType STRING = Primitive.STRING;
    /** {@code long}: 8-byte signed integer, value class {@link Long}. */
    ColumnType LONG = Primitive.LONG;
    /** {@code integer}: 4-byte signed integer, value class {@link Integer}. */
    ColumnType INTEGER = Primitive.INTEGER;
    /** {@code short}: 2-byte signed integer, value class {@link Short}. */
    ColumnType SHORT = Primitive.SHORT;
    /** {@code byte}: 1-byte signed integer, value class {@link Byte}. */
    ColumnType BYTE = Primitive.BYTE;
    /** {@code double}: IEEE 754 double precision, value class {@link Double}. */
    ColumnType DOUBLE = Primitive.DOUBLE;
    /** {@code float}: IEEE 754 single precision, value class {@link Float}. */
    ColumnType FLOAT = Primitive.FLOAT;
    /** {@code boolean}, value class {@link Boolean}. */
    ColumnType BOOLEAN = Primitive.BOOLEAN;
    /** {@code binary}: bytes, value class {@code byte[]}. */
    ColumnType BINARY = Primitive.BINARY;
    /** {@code date}: a calendar date without time zone, value class {@link java.time.LocalDate}. */
    ColumnType DATE = Primitive.DATE;
    /** {@code timestamp}: microseconds since the epoch, UTC, value class {@link java.time.Instant}. */
    ColumnType TIMESTAMP = Primitive.TIMESTAMP;
    /**
     * {@code timestamp_ntz}: a wall-clock date-time without time zone at microsecond precision, value
     * class {@link java.time.LocalDateTime} (Delta protocol, "Timestamp without timezone (TimestampNtz)").
     */
    ColumnType TIMESTAMP_NTZ = Primitive.TIMESTAMP_NTZ;

    /**
     * The type's name in the Delta schema JSON: a primitive's name ({@code long}, {@code timestamp_ntz}),
     * {@code decimal(p,s)}, or {@code array}, {@code map}, {@code struct} for the nested types (whose JSON is
     * an object, see {@link TableSchema#toJson()}).
     */
    String typeName();

    /**
     * The short SQL name of the type as delta-standalone's {@code getSimpleString()} printed it, which is
     * what {@code GET /api/tables/...} has always answered: {@code string}, {@code bigint}, {@code int},
     * {@code smallint}, {@code tinyint}, {@code double}, {@code float}, {@code boolean}, {@code binary},
     * {@code date}, {@code timestamp}, {@code timestamp_ntz}, and {@code decimal}, {@code array},
     * {@code map}, {@code struct} without their parameters.
     */
    String simpleString();

    /** A {@code decimal(precision, scale)}; see {@link Decimal}. */
    static Decimal decimal(int precision, int scale) {
        return new Decimal(precision, scale);
    }

    /** An array of {@code element}; see {@link Array}. */
    static Array array(ColumnType element, boolean containsNull) {
        return new Array(element, containsNull);
    }

    /** A map from {@code key} to {@code value}; see {@link Map}. */
    static Map map(ColumnType key, ColumnType value, boolean valueContainsNull) {
        return new Map(key, value, valueContainsNull);
    }

    /** A struct of the given fields in order; see {@link Struct}. */
    static Struct struct(List<Column> fields) {
        return new Struct(fields);
    }

    /** The Delta primitive types, named as in the schema JSON. */
    enum Primitive implements ColumnType {
        /** See {@link ColumnType#STRING}. */
        STRING("string", "string"),
        /** See {@link ColumnType#LONG}. */
        LONG("long", "bigint"),
        /** See {@link ColumnType#INTEGER}. */
        INTEGER("integer", "int"),
        /** See {@link ColumnType#SHORT}. */
        SHORT("short", "smallint"),
        /** See {@link ColumnType#BYTE}. */
        BYTE("byte", "tinyint"),
        /** See {@link ColumnType#DOUBLE}. */
        DOUBLE("double", "double"),
        /** See {@link ColumnType#FLOAT}. */
        FLOAT("float", "float"),
        /** See {@link ColumnType#BOOLEAN}. */
        BOOLEAN("boolean", "boolean"),
        /** See {@link ColumnType#BINARY}. */
        BINARY("binary", "binary"),
        /** See {@link ColumnType#DATE}. */
        DATE("date", "date"),
        /** See {@link ColumnType#TIMESTAMP}. */
        TIMESTAMP("timestamp", "timestamp"),
        /** See {@link ColumnType#TIMESTAMP_NTZ}. */
        TIMESTAMP_NTZ("timestamp_ntz", "timestamp_ntz");

        private final String typeName;
        private final String simpleString;

        Primitive(String typeName, String simpleString) {
            this.typeName = typeName;
            this.simpleString = simpleString;
        }

        @Override
        public String typeName() {
            return typeName;
        }

        @Override
        public String simpleString() {
            return simpleString;
        }

        /**
         * The primitive of a schema JSON name ({@code long}, {@code timestamp_ntz}, ...).
         *
         * @throws IllegalArgumentException if {@code name} is not a Delta primitive type
         */
        public static Primitive named(String name) {
            for (Primitive p : values()) {
                if (p.typeName.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("'" + name + "' is not a Delta primitive type");
        }

        @Override
        public String toString() {
            return typeName;
        }
    }

    /**
     * {@code decimal(precision, scale)}: an exact number of {@code precision} digits, {@code scale} of them
     * after the point; value class {@link java.math.BigDecimal} with that scale. The Delta protocol allows
     * precision 1 to 38 and a scale from 0 to the precision.
     *
     * @param precision total digits, 1..38
     * @param scale     digits after the point, 0..precision
     */
    record Decimal(int precision, int scale) implements ColumnType {

        /** The largest precision the Delta protocol allows. */
        public static final int MAX_PRECISION = 38;

        /** @throws IllegalArgumentException if precision is not 1..38 or scale not 0..precision */
        public Decimal {
            if (precision < 1 || precision > MAX_PRECISION) {
                throw new IllegalArgumentException("decimal precision " + precision + " is not between 1 and " + MAX_PRECISION);
            }
            if (scale < 0 || scale > precision) {
                throw new IllegalArgumentException("decimal scale " + scale + " is not between 0 and the precision " + precision);
            }
        }

        @Override
        public String typeName() {
            return "decimal(" + precision + "," + scale + ")";
        }

        @Override
        public String simpleString() {
            return "decimal";
        }

        @Override
        public String toString() {
            return typeName();
        }
    }

    /**
     * An array of {@code element} values, value class {@link List}; elements may be null only when
     * {@code containsNull}.
     */
    record Array(ColumnType element, boolean containsNull) implements ColumnType {

        /** @throws NullPointerException if {@code element} is null */
        public Array {
            Objects.requireNonNull(element, "element type");
        }

        @Override
        public String typeName() {
            return "array";
        }

        @Override
        public String simpleString() {
            return "array";
        }

        @Override
        public String toString() {
            return "array<" + element + (containsNull ? "" : " not null") + ">";
        }
    }

    /**
     * A map from non-null {@code key} values to {@code value} values (null only when
     * {@code valueContainsNull}); value class {@link java.util.Map}.
     */
    record Map(ColumnType key, ColumnType value, boolean valueContainsNull) implements ColumnType {

        /** @throws NullPointerException if a type is null */
        public Map {
            Objects.requireNonNull(key, "key type");
            Objects.requireNonNull(value, "value type");
        }

        @Override
        public String typeName() {
            return "map";
        }

        @Override
        public String simpleString() {
            return "map";
        }

        @Override
        public String toString() {
            return "map<" + key + "," + value + (valueContainsNull ? "" : " not null") + ">";
        }
    }

    /**
     * A nested struct of named fields in order, value class {@link java.util.Map} from field name to
     * value. A table's top-level schema is a {@link TableSchema}, not a {@code Struct}.
     *
     * @param fields the fields in order, copied; names unique
     */
    record Struct(List<Column> fields) implements ColumnType {

        /** @throws IllegalArgumentException if two fields have the same name */
        public Struct {
            fields = List.copyOf(fields);
            TableSchema.requireUniqueNames(fields);
        }

        @Override
        public String typeName() {
            return "struct";
        }

        @Override
        public String simpleString() {
            return "struct";
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("struct<");
            for (int i = 0; i < fields.size(); i++) {
                s.append(i == 0 ? "" : ",").append(fields.get(i).name()).append(':').append(fields.get(i).type());
            }
            return s.append('>').toString();
        }
    }
}
