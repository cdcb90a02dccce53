package io.lakehub.delta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.delta.standalone.types.ArrayType;
import io.delta.standalone.types.BinaryType;
import io.delta.standalone.types.BooleanType;
import io.delta.standalone.types.ByteType;
import io.delta.standalone.types.DataType;
import io.delta.standalone.types.DateType;
import io.delta.standalone.types.DecimalType;
import io.delta.standalone.types.DoubleType;
import io.delta.standalone.types.FieldMetadata;
import io.delta.standalone.types.FloatType;
import io.delta.standalone.types.IntegerType;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.MapType;
import io.delta.standalone.types.ShortType;
import io.delta.standalone.types.StringType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import io.delta.standalone.types.TimestampType;

/**
 * The bridge between lakehub's schema types ({@link TableSchema}, {@link Column}, {@link ColumnType}) and
 * delta-standalone's ({@code io.delta.standalone.types}), for tests that read the hub's tables with
 * delta-standalone as an independent reader (test scope: every read and commit of the hub goes through Delta
 * Kernel). Moved here from the production package when the last standalone commit path moved to Kernel.
 *
 * <p>Every type maps one to one, column metadata included; {@code timestamp_ntz}, which delta-standalone does
 * not define, maps to {@link TimestampNtzType}.
 */
final class StandaloneSchemas {

    private StandaloneSchemas() {
    }

    /** The standalone schema of a lakehub schema; {@code null} for {@code null}. */
    static StructType toStandalone(TableSchema schema) {
        return schema == null ? null : struct(schema.columns());
    }

    /** The lakehub schema of a standalone schema; {@code null} for {@code null}. */
    static TableSchema fromStandalone(StructType schema) {
        return schema == null ? null : new TableSchema(columns(schema));
    }

    /** The standalone type of a lakehub column type. */
    static DataType toStandalone(ColumnType type) {
        if (type instanceof ColumnType.Primitive p) {
            switch (p) {
                case STRING: return new StringType();
                case LONG: return new LongType();
                case INTEGER: return new IntegerType();
                case SHORT: return new ShortType();
                case BYTE: return new ByteType();
                case DOUBLE: return new DoubleType();
                case FLOAT: return new FloatType();
                case BOOLEAN: return new BooleanType();
                case BINARY: return new BinaryType();
                case DATE: return new DateType();
                case TIMESTAMP: return new TimestampType();
                case TIMESTAMP_NTZ: return TimestampNtzType.INSTANCE;
                default: throw new IllegalStateException("primitive " + p);
            }
        } else if (type instanceof ColumnType.Decimal d) {
            return new DecimalType(d.precision(), d.scale());
        } else if (type instanceof ColumnType.Array a) {
            return new ArrayType(toStandalone(a.element()), a.containsNull());
        } else if (type instanceof ColumnType.Map m) {
            return new MapType(toStandalone(m.key()), toStandalone(m.value()), m.valueContainsNull());
        } else if (type instanceof ColumnType.Struct s) {
            return struct(s.fields());
        }
        throw new IllegalStateException("type " + type);
    }

    /**
     * The lakehub type of a standalone type.
     *
     * @throws IllegalArgumentException for a standalone type with no Delta protocol counterpart (null type)
     */
    static ColumnType fromStandalone(DataType type) {
        if (type instanceof StringType) {
            return ColumnType.STRING;
        } else if (type instanceof LongType) {
            return ColumnType.LONG;
        } else if (type instanceof IntegerType) {
            return ColumnType.INTEGER;
        } else if (type instanceof ShortType) {
            return ColumnType.SHORT;
        } else if (type instanceof ByteType) {
            return ColumnType.BYTE;
        } else if (type instanceof DoubleType) {
            return ColumnType.DOUBLE;
        } else if (type instanceof FloatType) {
            return ColumnType.FLOAT;
        } else if (type instanceof BooleanType) {
            return ColumnType.BOOLEAN;
        } else if (type instanceof BinaryType) {
            return ColumnType.BINARY;
        } else if (type instanceof DateType) {
            return ColumnType.DATE;
        } else if (type instanceof TimestampType) {
            return ColumnType.TIMESTAMP;
        } else if (type instanceof TimestampNtzType) {
            return ColumnType.TIMESTAMP_NTZ;
        } else if (type instanceof DecimalType d) {
            return ColumnType.decimal(d.getPrecision(), d.getScale());
        } else if (type instanceof ArrayType a) {
            return ColumnType.array(fromStandalone(a.getElementType()), a.containsNull());
        } else if (type instanceof MapType m) {
            return ColumnType.map(fromStandalone(m.getKeyType()), fromStandalone(m.getValueType()), m.valueContainsNull());
        } else if (type instanceof StructType s) {
            return ColumnType.struct(columns(s));
        }
        throw new IllegalArgumentException("Delta type " + type.getTypeName() + " has no lakehub column type");
    }

    private static StructType struct(List<Column> columns) {
        StructField[] fields = new StructField[columns.size()];
        for (int i = 0; i < fields.length; i++) {
            Column c = columns.get(i);
            fields[i] = new StructField(c.name(), toStandalone(c.type()), c.nullable(), metadata(c.metadata()));
        }
        return new StructType(fields);
    }

    private static List<Column> columns(StructType struct) {
        List<Column> out = new ArrayList<>(struct.length());
        for (StructField f : struct.getFields()) {
            out.add(new Column(f.getName(), fromStandalone(f.getDataType()), f.isNullable(), entries(f.getMetadata())));
        }
        return out;
    }

    private static FieldMetadata metadata(Map<String, Object> entries) {
        FieldMetadata.Builder b = FieldMetadata.builder();
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (v == null) {
                b.putNull(k);
            } else if (v instanceof String s) {
                b.putString(k, s);
            } else if (v instanceof Long l) {
                b.putLong(k, l);
            } else if (v instanceof Double d) {
                b.putDouble(k, d);
            } else if (v instanceof Boolean bool) {
                b.putBoolean(k, bool);
            } else if (v instanceof Map<?, ?> m) {
                b.putMetadata(k, metadata(castMap(m)));
            } else if (v instanceof List<?> l) {
                putArray(b, k, l);
            }
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static void putArray(FieldMetadata.Builder b, String k, List<?> l) {
        Object first = l.stream().filter(o -> o != null).findFirst().orElse(null);
        if (first instanceof Long) {
            b.putLongArray(k, l.toArray(new Long[0]));
        } else if (first instanceof Double) {
            b.putDoubleArray(k, l.toArray(new Double[0]));
        } else if (first instanceof Boolean) {
            b.putBooleanArray(k, l.toArray(new Boolean[0]));
        } else if (first instanceof Map) {
            FieldMetadata[] out = new FieldMetadata[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = metadata(castMap((Map<?, ?>) l.get(i)));
            }
            b.putMetadataArray(k, out);
        } else {
            b.putStringArray(k, l.stream().map(o -> o == null ? null : o.toString()).toArray(String[]::new));
        }
    }

    private static Map<String, Object> entries(FieldMetadata metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metadata.getEntries().entrySet()) {
            out.put(e.getKey(), entry(e.getValue()));
        }
        return out;
    }

    private static Object entry(Object v) {
        if (v instanceof FieldMetadata m) {
            return entries(m);
        } else if (v instanceof Object[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (Object o : a) {
                out.add(entry(o));
            }
            return out;
        }
        return v;
    }
}
