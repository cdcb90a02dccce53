package io.lakehub.delta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;

/**
 * The bridge between lakehub's schema types ({@link TableSchema}, {@link Column}, {@link ColumnType}) and
 * Delta Kernel's ({@code io.delta.kernel.types}), for the reads and commits that go through Kernel.
 * Package-private: nothing outside {@code io.lakehub.delta} sees a Kernel type.
 *
 * <p>Every type maps one to one, column metadata (column-mapping ids and physical names) included. A Kernel
 * type the Delta protocol adds beyond {@link ColumnType} (variant, ...) is refused with an
 * {@link IllegalArgumentException} naming it; {@link KernelSupport} reports that as an unreadable table.
 */
final class KernelSchemas {

    private KernelSchemas() {
    }

    /** The Kernel schema of a lakehub schema; {@code null} for {@code null}. */
    static StructType toKernel(TableSchema schema) {
        return schema == null ? null : struct(schema.columns());
    }

    /** The lakehub schema of a Kernel schema; {@code null} for {@code null}. */
    static TableSchema fromKernel(StructType schema) {
        return schema == null ? null : new TableSchema(columns(schema));
    }

    /** The Kernel type of a lakehub column type. */
    static DataType toKernel(ColumnType type) {
        if (type instanceof ColumnType.Primitive p) {
            switch (p) {
                case STRING: return StringType.STRING;
                case LONG: return LongType.LONG;
                case INTEGER: return IntegerType.INTEGER;
                case SHORT: return ShortType.SHORT;
                case BYTE: return ByteType.BYTE;
                case DOUBLE: return DoubleType.DOUBLE;
                case FLOAT: return FloatType.FLOAT;
                case BOOLEAN: return BooleanType.BOOLEAN;
                case BINARY: return BinaryType.BINARY;
                case DATE: return DateType.DATE;
                case TIMESTAMP: return TimestampType.TIMESTAMP;
                case TIMESTAMP_NTZ: return TimestampNTZType.TIMESTAMP_NTZ;
                default: throw new IllegalStateException("primitive " + p);
            }
        } else if (type instanceof ColumnType.Decimal d) {
            return new DecimalType(d.precision(), d.scale());
        } else if (type instanceof ColumnType.Array a) {
            return new ArrayType(toKernel(a.element()), a.containsNull());
        } else if (type instanceof ColumnType.Map m) {
            return new MapType(toKernel(m.key()), toKernel(m.value()), m.valueContainsNull());
        } else if (type instanceof ColumnType.Struct s) {
            return struct(s.fields());
        }
        throw new IllegalStateException("type " + type);
    }

    /**
     * The lakehub type of a Kernel type.
     *
     * @throws IllegalArgumentException for a Kernel type lakehub has no column type for (variant, ...)
     */
    static ColumnType fromKernel(DataType type) {
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
        } else if (type instanceof TimestampNTZType) {
            return ColumnType.TIMESTAMP_NTZ;
        } else if (type instanceof DecimalType d) {
            return ColumnType.decimal(d.getPrecision(), d.getScale());
        } else if (type instanceof ArrayType a) {
            return ColumnType.array(fromKernel(a.getElementType()), a.containsNull());
        } else if (type instanceof MapType m) {
            return ColumnType.map(fromKernel(m.getKeyType()), fromKernel(m.getValueType()), m.isValueContainsNull());
        } else if (type instanceof StructType s) {
            return ColumnType.struct(columns(s));
        }
        throw new IllegalArgumentException("column type " + type + " (Delta Kernel type " + type.getClass().getSimpleName()
                + ") has no lakehub column type");
    }

    private static StructType struct(List<Column> columns) {
        List<StructField> fields = new ArrayList<>(columns.size());
        for (Column c : columns) {
            fields.add(new StructField(c.name(), toKernel(c.type()), c.nullable(), metadata(c.metadata())));
        }
        return new StructType(fields);
    }

    private static List<Column> columns(StructType struct) {
        List<Column> out = new ArrayList<>(struct.length());
        for (StructField f : struct.fields()) {
            out.add(new Column(f.getName(), fromKernel(f.getDataType()), f.isNullable(), entries(f.getMetadata())));
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
                b.putFieldMetadata(k, metadata(castMap(m)));
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
            b.putFieldMetadataArray(k, out);
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
        } else if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            return v.toString(); // a Kernel-only entry (metadata column spec): kept as its text
        }
        return v;
    }
}
