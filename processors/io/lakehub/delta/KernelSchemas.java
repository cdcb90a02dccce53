package io.lakehub.delta;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;

/**
 * The hub's schema as a Kernel schema, for the {@code metaData} of a commit ({@link DeltaCommit}): same
 * names, types, nullability and order, no column metadata, so the {@code schemaString} Kernel writes is the
 * one the hub wrote before (Delta protocol, "Schema Serialization Format"). The inverse of
 * {@link KernelSupport#schema}. Package-private.
 */
final class KernelSchemas {

    private KernelSchemas() {
    }

    /**
     * @throws IllegalArgumentException for a type Delta has no name for
     */
    static StructType toKernel(io.delta.standalone.types.StructType schema) {
        StructType out = new StructType();
        for (io.delta.standalone.types.StructField f : schema.getFields()) {
            out = out.add(f.getName(), type(f.getDataType()), f.isNullable());
        }
        return out;
    }

    private static DataType type(io.delta.standalone.types.DataType t) {
        if (t instanceof io.delta.standalone.types.LongType) {
            return LongType.LONG;
        } else if (t instanceof io.delta.standalone.types.IntegerType) {
            return IntegerType.INTEGER;
        } else if (t instanceof io.delta.standalone.types.ShortType) {
            return ShortType.SHORT;
        } else if (t instanceof io.delta.standalone.types.ByteType) {
            return ByteType.BYTE;
        } else if (t instanceof io.delta.standalone.types.DoubleType) {
            return DoubleType.DOUBLE;
        } else if (t instanceof io.delta.standalone.types.FloatType) {
            return FloatType.FLOAT;
        } else if (t instanceof io.delta.standalone.types.BooleanType) {
            return BooleanType.BOOLEAN;
        } else if (t instanceof io.delta.standalone.types.StringType) {
            return StringType.STRING;
        } else if (t instanceof io.delta.standalone.types.BinaryType) {
            return BinaryType.BINARY;
        } else if (t instanceof io.delta.standalone.types.DateType) {
            return DateType.DATE;
        } else if (t instanceof io.delta.standalone.types.TimestampType) {
            return TimestampType.TIMESTAMP;
        } else if (t instanceof TimestampNtzType) {
            return TimestampNTZType.TIMESTAMP_NTZ;
        } else if (t instanceof io.delta.standalone.types.DecimalType d) {
            return new DecimalType(d.getPrecision(), d.getScale());
        } else if (t instanceof io.delta.standalone.types.ArrayType a) {
            return new ArrayType(type(a.getElementType()), a.containsNull());
        } else if (t instanceof io.delta.standalone.types.MapType m) {
            return new MapType(type(m.getKeyType()), type(m.getValueType()), m.valueContainsNull());
        } else if (t instanceof io.delta.standalone.types.StructType s) {
            return toKernel(s);
        }
        throw new IllegalArgumentException("no Delta type for " + t);
    }
}
