package io.lakehub.delta;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Streams rows into one Parquet data file of a Delta table and returns its {@link DataFile} with
 * statistics.
 *
 * <p>Rows are {@code Object[]} in the order of the table schema, values as described in
 * {@link ColumnTypes}. Memory is bounded by the Parquet row group ({@value #ROW_GROUP_BYTES} bytes),
 * not by the file. Compression is Snappy, the Delta and Spark default. The file name is
 * {@code part-<uuid>.snappy.parquet} under the table folder, inside {@code <column>=<value>/} folders
 * for a partitioned table, as Spark names them. Not thread-safe; close it (or {@link #finish()}) exactly once.
 */
public final class ParquetRowWriter implements Closeable {

    /** Parquet row group size in bytes. */
    public static final int ROW_GROUP_BYTES = 64 * 1024 * 1024;

    /** Folder name of a null partition value (Hive's, which Spark and Delta use). */
    public static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    private final Path tablePath;
    private final Configuration conf;
    private final String name;
    private final Map<String, String> partitionValues;
    private final ParquetWriter<Object[]> writer;
    private final FileStats stats;
    private boolean closed;

    /**
     * Opens a new data file under {@code tablePath}.
     *
     * @throws IOException if the file cannot be created
     */
    public ParquetRowWriter(Path tablePath, Configuration conf, TableSchema schema) throws IOException {
        this(tablePath, conf, schema, Map.of());
    }

    /**
     * Opens a new data file of one partition: under {@code <column>=<value>/...} folders in the order
     * of {@code partitionValues} (Hive-style, as Spark lays out Delta tables). A null value is the
     * folder {@value #NULL_PARTITION} and a null in {@code partitionValues}, per the Delta protocol.
     * The partition columns stay in the data file too, so every reader finds them in the rows.
     *
     * @param partitionValues partition column to value (text form), in partition column order; empty
     *                        for an unpartitioned table
     * @throws IllegalArgumentException if a value has characters other than {@code [A-Za-z0-9_.-]},
     *                                  which would need escaping in paths (partition by a derived column)
     * @throws IOException              if the file cannot be created
     */
    public ParquetRowWriter(Path tablePath, Configuration conf, TableSchema schema, Map<String, String> partitionValues)
            throws IOException {
        this(tablePath, conf, schema, partitionValues, java.util.Set.of());
    }

    /**
     * Opens a new unpartitioned data file whose {@code plainColumns} are written without a dictionary:
     * for columns whose values hardly repeat (event payloads), where building a dictionary costs time and
     * is abandoned anyway once it outgrows its page.
     *
     * @throws IOException if the file cannot be created
     */
    public ParquetRowWriter(Path tablePath, Configuration conf, TableSchema schema, java.util.Set<String> plainColumns)
            throws IOException {
        this(tablePath, conf, schema, Map.of(), plainColumns);
    }

    private ParquetRowWriter(Path tablePath, Configuration conf, TableSchema schema, Map<String, String> partitionValues,
                             java.util.Set<String> plainColumns) throws IOException {
        this.tablePath = tablePath;
        this.conf = conf;
        this.partitionValues = new java.util.LinkedHashMap<>(partitionValues);
        StringBuilder folder = new StringBuilder();
        for (Map.Entry<String, String> e : partitionValues.entrySet()) {
            String v = e.getValue();
            if (v != null && !v.matches("[A-Za-z0-9_.-]{1,128}")) {
                throw new IllegalArgumentException("partition column " + e.getKey() + " has the value '" + v
                        + "', which needs escaping in a path; partition by a derived column (a year, a code)");
            }
            folder.append(e.getKey()).append('=').append(v == null ? NULL_PARTITION : v).append('/');
        }
        this.name = folder + "part-" + UUID.randomUUID() + ".snappy.parquet";
        this.stats = new FileStats(schema);
        Builder builder = new Builder(new Path(tablePath, name), schema);
        for (Column field : schema.columns()) {
            if (!ColumnTypes.dictionaryEncoded(field.type()) || plainColumns.contains(field.name())) {
                builder.withDictionaryEncoding(ColumnTypes.leafPath(field), false);
            }
        }
        this.writer = builder
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize((long) ROW_GROUP_BYTES)
                .build();
    }

    /** Appends one row. @throws IOException on a write failure */
    public void write(Object[] row) throws IOException {
        writer.write(row);
        stats.add(row);
    }

    /** Rows written so far. */
    public long rows() {
        return stats.numRecords();
    }

    /** Bytes buffered and written so far (an estimate until the file is closed). */
    public long dataSize() {
        return writer.getDataSize();
    }

    /** The statistics of the rows written so far. */
    public FileStats stats() {
        return stats;
    }

    /**
     * Closes the file and describes it: its path relative to the table, partition values, size, modification
     * time and statistics JSON ({@link FileStats#toJson()}), no deletion vector; committed with {@code dataChange=true}.
     *
     * @throws IOException if the file cannot be closed or its size read
     */
    public DataFile finish() throws IOException {
        close();
        Path file = new Path(tablePath, name);
        FileSystem fs = file.getFileSystem(conf);
        long size = fs.getFileStatus(file).getLen();
        return new DataFile(name, java.util.Collections.unmodifiableMap(new HashMap<>(partitionValues)), size,
                System.currentTimeMillis(), stats.toJson(), null);
    }

    /** Closes the file without describing it (used when the file is abandoned). */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            writer.close();
        }
    }

    /** Deletes the file (after {@link #close()}), for a write that is abandoned. */
    public void delete() throws IOException {
        close();
        Path file = new Path(tablePath, name);
        file.getFileSystem(conf).delete(file, false);
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final TableSchema schema;

        Builder(Path path, TableSchema schema) {
            super(path);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return new RowWriteSupport(schema);
        }
    }

    private static final class RowWriteSupport extends WriteSupport<Object[]> {
        private final Column[] fields;
        private final MessageType messageType;
        private final int[] fixedLength;
        private RecordConsumer out;

        RowWriteSupport(TableSchema schema) {
            this.fields = schema.columns().toArray(new Column[0]);
            this.messageType = ColumnTypes.parquetSchema(schema);
            this.fixedLength = new int[fields.length];
            for (int i = 0; i < fields.length; i++) {
                ColumnType.Decimal d = decimalType(fields[i]);
                if (d != null) {
                    fixedLength[i] = ColumnTypes.decimalBytes(d.precision());
                }
            }
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(messageType, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Object[] row) {
            out.startMessage();
            for (int i = 0; i < fields.length; i++) {
                Object v = row[i];
                if (v == null) {
                    continue;
                }
                String field = fields[i].name();
                out.startField(field, i);
                writeValue(i, v);
                out.endField(field, i);
            }
            out.endMessage();
        }

        /** The decimal type of a decimal column or of an array column's elements, else null. */
        private static ColumnType.Decimal decimalType(Column field) {
            if (field.type() instanceof ColumnType.Array array) {
                return array.element() instanceof ColumnType.Decimal d ? d : null;
            }
            return field.type() instanceof ColumnType.Decimal d ? d : null;
        }

        /**
         * One array value in the three-level LIST form of {@link ColumnTypes}: an empty list is the group
         * with no {@code list} field, a null element a {@code list} group with no {@code element} field.
         */
        private void writeList(int i, java.util.List<?> list) {
            out.startGroup();
            if (!list.isEmpty()) {
                out.startField("list", 0);
                for (Object element : list) {
                    out.startGroup();
                    if (element instanceof java.util.List) {
                        throw new IllegalArgumentException("column " + fields[i].name() + ": nested arrays are not supported");
                    } else if (element != null) {
                        out.startField("element", 0);
                        writeValue(i, element);
                        out.endField("element", 0);
                    } else if (!((ColumnType.Array) fields[i].type()).containsNull()) {
                        throw new IllegalArgumentException("column " + fields[i].name()
                                + ": null element in an array whose type does not contain null");
                    }
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
        }

        private void writeValue(int i, Object v) {
            if (v instanceof java.util.List<?> list) {
                if (!(fields[i].type() instanceof ColumnType.Array)) {
                    throw new IllegalArgumentException("column " + fields[i].name() + ": a list for a "
                            + fields[i].type().simpleString() + " column");
                }
                writeList(i, list);
            } else if (v instanceof Long l) {
                out.addLong(l);
            } else if (v instanceof Integer n) {
                out.addInteger(n);
            } else if (v instanceof Double d) {
                out.addDouble(d);
            } else if (v instanceof Float f) {
                out.addFloat(f);
            } else if (v instanceof Boolean b) {
                out.addBoolean(b);
            } else if (v instanceof String s) {
                out.addBinary(Binary.fromString(s));
            } else if (v instanceof byte[] bytes) {
                out.addBinary(Binary.fromConstantByteArray(bytes));
            } else if (v instanceof LocalDate date) {
                out.addInteger((int) date.toEpochDay());
            } else if (v instanceof java.time.LocalDateTime wallClock) {
                out.addLong(ColumnTypes.micros(wallClock));
            } else if (v instanceof Instant instant) {
                out.addBinary(Binary.fromConstantByteArray(ColumnTypes.int96(instant)));
            } else if (v instanceof BigDecimal decimal) {
                out.addBinary(Binary.fromConstantByteArray(fixed(decimal, fixedLength[i], fields[i])));
            } else {
                throw new IllegalArgumentException("column " + fields[i].name() + ": unexpected value class "
                        + v.getClass().getName());
            }
        }

        private static byte[] fixed(BigDecimal decimal, int length, Column field) {
            ColumnType.Decimal type = decimalType(field);
            BigDecimal scaled;
            try {
                scaled = decimal.setScale(type.scale());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("column " + field.name() + ": " + decimal
                        + " does not fit decimal(" + type.precision() + "," + type.scale() + ") without rounding");
            }
            if (scaled.precision() > type.precision()) {
                throw new IllegalArgumentException("column " + field.name() + ": " + decimal
                        + " exceeds decimal(" + type.precision() + "," + type.scale() + ")");
            }
            byte[] out = new byte[length];
            if (type.precision() <= 18) {
                // fits a long: big-endian two's complement straight from it, no BigInteger bytes
                long v = scaled.unscaledValue().longValue();
                for (int j = length - 1; j >= 0; j--) {
                    out[j] = (byte) v;
                    v >>= 8;
                }
                return out;
            }
            BigInteger unscaled = scaled.unscaledValue();
            byte[] raw = unscaled.toByteArray();
            byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0x00);
            int offset = length - raw.length;
            for (int j = 0; j < offset; j++) {
                out[j] = pad;
            }
            System.arraycopy(raw, 0, out, offset, raw.length);
            return out;
        }
    }
}
