package io.lakehub.delta;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.exceptions.UnsupportedProtocolVersionException;
import io.delta.kernel.exceptions.UnsupportedTableFeatureException;
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
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import org.apache.hadoop.conf.Configuration;

/**
 * The one place the hub touches Delta Kernel's read API: the engine, loading a snapshot, and turning
 * Kernel's types, values and exceptions into the hub's. Package-private: callers outside
 * {@code io.lakehub.delta} see {@link TableSnapshot}, {@link DataFile} and {@link VersionRows} only.
 */
final class KernelSupport {

    /** Column metadata key of a column's physical name (Delta protocol, "Column Mapping"). */
    static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

    private KernelSupport() {
    }

    /**
     * The Kernel engine over a Hadoop configuration: the lake's {@link LakeStorage#conf()} (raw local
     * files, no {@code .crc}) is what every read goes through. Cheap to create; it holds no state.
     */
    static Engine engine(Configuration conf) {
        return DefaultEngine.create(conf);
    }

    /**
     * Loads a snapshot: the latest, or {@code version}.
     *
     * @throws NoSuchElementException     if the table does not exist
     * @throws UnreadableTableException   if the log uses a feature Kernel does not read, or cannot be replayed
     */
    static Snapshot load(Engine engine, String table, String path, Long version) {
        try {
            var builder = TableManager.loadSnapshot(path);
            if (version != null) {
                builder = builder.atVersion(version);
            }
            return builder.build(engine);
        } catch (RuntimeException e) {
            throw translate(table, e);
        }
    }

    /**
     * The hub's exception for one Kernel threw while replaying a log or reading a file: a missing table
     * is a {@link NoSuchElementException}, an unsupported feature or protocol and any other failure of
     * the log an {@link UnreadableTableException}.
     */
    static RuntimeException translate(String table, RuntimeException e) {
        if (e instanceof NoSuchElementException || e instanceof UnreadableTableException) {
            return e;
        }
        if (e instanceof TableNotFoundException) {
            return new NoSuchElementException("table " + table + " does not exist");
        }
        if (e instanceof UnsupportedTableFeatureException f) {
            return new UnreadableTableException(table, UnreadableTableException.Reason.UNSUPPORTED_FEATURE,
                    "table features " + f.getUnsupportedFeatures(), e);
        }
        if (e instanceof UnsupportedProtocolVersionException p) {
            return new UnreadableTableException(table, UnreadableTableException.Reason.UNSUPPORTED_FEATURE,
                    p.getVersionType().toString().toLowerCase(java.util.Locale.ROOT) + " protocol version " + p.getVersion(), e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Unsupported") || message.contains("unsupported")) {
            return new UnreadableTableException(table, UnreadableTableException.Reason.UNSUPPORTED_FEATURE, firstLine(message), e);
        }
        StringBuilder detail = new StringBuilder(firstLine(message));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !detail.toString().contains(t.getMessage())) {
                detail.append(": ").append(firstLine(t.getMessage()));
            }
        }
        return new UnreadableTableException(table, UnreadableTableException.Reason.BROKEN_LOG, detail.toString(), e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * The hub's schema of a Kernel schema: the same logical names and types, column metadata (physical
     * names, column-mapping ids) left out, as the hub's readers and writers address columns by logical name.
     *
     * @throws UnreadableTableException if a column has a type the hub does not read (variant, …)
     */
    static TableSchema schema(String table, StructType kernel) {
        try {
            TableSchema full = KernelSchemas.fromKernel(kernel);
            List<Column> out = new ArrayList<>(full.size());
            for (Column c : full) {
                out.add(c.withMetadata(Map.of()));
            }
            return new TableSchema(out);
        } catch (IllegalArgumentException e) {
            throw new UnreadableTableException(table, UnreadableTableException.Reason.UNSUPPORTED_FEATURE,
                    e.getMessage(), e);
        }
    }

    /** Logical column name by physical name, for a table with column mapping (identity without). */
    static Map<String, String> logicalNames(StructType kernel) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StructField f : kernel.fields()) {
            Object physical = f.getMetadata().get(PHYSICAL_NAME);
            out.put(physical == null ? f.getName() : physical.toString(), f.getName());
        }
        return out;
    }

    /**
     * The value at {@code row} of a column vector, in the value classes of {@link ColumnTypes}: long
     * {@link Long}, int {@link Integer}, short {@link Short}, byte {@link Byte}, double, float, boolean,
     * string, binary {@code byte[]}, decimal {@link BigDecimal}, date {@link LocalDate} (days since the
     * epoch in the file), timestamp {@link java.time.Instant} (microseconds since the epoch, UTC),
     * timestamp_ntz {@link LocalDateTime} (microseconds since 1970-01-01T00:00 wall-clock, Delta protocol
     * "Primitive Types"), array {@link List}, map and struct {@link LinkedHashMap}.
     */
    static Object value(ColumnVector v, int row) {
        if (v.isNullAt(row)) {
            return null;
        }
        DataType t = v.getDataType();
        if (t instanceof LongType) {
            return v.getLong(row);
        } else if (t instanceof IntegerType) {
            return v.getInt(row);
        } else if (t instanceof StringType) {
            return v.getString(row);
        } else if (t instanceof DecimalType) {
            return v.getDecimal(row);
        } else if (t instanceof DoubleType) {
            return v.getDouble(row);
        } else if (t instanceof DateType) {
            return LocalDate.ofEpochDay(v.getInt(row));
        } else if (t instanceof TimestampType) {
            return ColumnTypes.fromMicros(v.getLong(row));
        } else if (t instanceof TimestampNTZType) {
            long micros = v.getLong(row);
            return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        } else if (t instanceof BooleanType) {
            return v.getBoolean(row);
        } else if (t instanceof FloatType) {
            return v.getFloat(row);
        } else if (t instanceof ShortType) {
            return v.getShort(row);
        } else if (t instanceof ByteType) {
            return v.getByte(row);
        } else if (t instanceof BinaryType) {
            return v.getBinary(row);
        } else if (t instanceof ArrayType) {
            ArrayValue a = v.getArray(row);
            ColumnVector elements = a.getElements();
            List<Object> out = new ArrayList<>(a.getSize());
            for (int i = 0; i < a.getSize(); i++) {
                out.add(value(elements, i));
            }
            return out;
        } else if (t instanceof MapType) {
            MapValue m = v.getMap(row);
            Map<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < m.getSize(); i++) {
                out.put(value(m.getKeys(), i), value(m.getValues(), i));
            }
            return out;
        } else if (t instanceof StructType s) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < s.length(); i++) {
                out.put(s.at(i).getName(), value(v.getChild(i), row));
            }
            return out;
        }
        throw new IllegalStateException("no value class for Delta type " + t);
    }
}
