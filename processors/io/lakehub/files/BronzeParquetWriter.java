package io.lakehub.files;

import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Streams text rows into one bronze Parquet file: one optional {@code BINARY (STRING)} column per
 * header name, in header order, a null value as a Parquet null.
 *
 * <p>Bronze is raw and is not a Delta table, so this writer keeps no Delta statistics (the Delta
 * package's {@code ParquetRowWriter} computes them per value); it takes the row group size from
 * configuration. Memory is bounded by one row group ({@code rowGroupBytes}) plus one page per column.
 * Compression is Snappy. Not thread-safe; close it exactly once.
 */
public final class BronzeParquetWriter implements Closeable {

    private final ParquetWriter<String[]> writer;
    private long rows;

    /**
     * Creates {@code file}, which must not exist.
     *
     * @param columns       the header names (unique), the Parquet column names
     * @param rowGroupBytes Parquet row group size in bytes
     * @throws IOException if the file cannot be created
     */
    public BronzeParquetWriter(Path file, Configuration conf, List<String> columns, long rowGroupBytes) throws IOException {
        Types.MessageTypeBuilder schema = Types.buildMessage();
        for (String c : columns) {
            schema.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
        }
        MessageType type = schema.named("bronze");
        this.writer = new Builder(file, type)
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(rowGroupBytes)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .build();
    }

    /**
     * Appends one row.
     *
     * @param values one value per column (null for a null); a longer array's extra values are ignored
     * @throws IOException on a write failure
     */
    public void write(String[] values) throws IOException {
        writer.write(values);
        rows++;
    }

    /** Rows written. */
    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    private static final class Builder extends ParquetWriter.Builder<String[], Builder> {
        private final MessageType type;

        Builder(Path file, MessageType type) {
            super(file);
            this.type = type;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<String[]> getWriteSupport(Configuration conf) {
            return new TextWriteSupport(type);
        }
    }

    private static final class TextWriteSupport extends WriteSupport<String[]> {
        private final MessageType type;
        private final String[] names;
        private RecordConsumer out;

        TextWriteSupport(MessageType type) {
            this.type = type;
            this.names = type.getFields().stream().map(org.apache.parquet.schema.Type::getName).toArray(String[]::new);
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(type, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(String[] row) {
            out.startMessage();
            for (int i = 0; i < names.length; i++) {
                String v = row[i];
                if (v != null) {
                    out.startField(names[i], i);
                    out.addBinary(Binary.fromString(v));
                    out.endField(names[i], i);
                }
            }
            out.endMessage();
        }
    }
}
