package io.lakehub.replication;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import io.lakehub.delta.DataFile;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.ColumnTypes;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.delta.ParquetFilesRows;
import io.lakehub.delta.ReplicaTable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * The file formats of a replica, how rows are written into a staging folder and read back for validation.
 *
 * <ul>
 *   <li>{@code csv}: one file {@code part-00000.csv}, RFC 4180, UTF-8, a header line; every non-null value
 *   quoted and a null an unquoted empty field, so null and the empty string stay apart; values in the
 *   text form of {@link ColumnTypes#text} (ISO dates, UTC wall-clock timestamps, plain decimals).</li>
 *   <li>{@code parquet}: {@code part-<uuid>.snappy.parquet} files of at most {@code rowsPerFile} rows,
 *   with the table's Parquet types ({@link ColumnTypes}).</li>
 *   <li>{@code delta}: the same Parquet files plus {@code _delta_log/00000000000000000000.json}, a Delta
 *   table with one {@code WRITE} commit ({@link ReplicaTable}), readable by Spark and delta-standalone.</li>
 * </ul>
 */
public enum ReplicaFormat {
    CSV, PARQUET, DELTA;

    /** CSV as written: RFC 4180, non-null values quoted, null as an unquoted empty field. */
    static final CSVFormat CSV_FORMAT = CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.ALL_NON_NULL)
            .setNullString("").get();

    /**
     * The format named {@code text}, case-insensitively.
     *
     * @throws IllegalArgumentException if it is none of csv, parquet, delta
     */
    public static ReplicaFormat of(String text) {
        if (text == null || text.isBlank()) {
            return PARQUET;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format must be csv, parquet or delta, not '" + text + "'");
        }
    }

    /** Lower-case name as used in requests and records. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Opens a writer of this format into a staging folder.
     *
     * @throws IOException if the first file cannot be created
     */
    public Writer writer(Path folder, TableSchema schema, long rowsPerFile) throws IOException {
        return this == CSV ? new CsvWriter(folder, schema) : new ParquetFilesWriter(folder, schema, rowsPerFile);
    }

    /** Streams rows into the files of one replica. Not thread-safe. */
    public abstract static sealed class Writer permits CsvWriter, ParquetFilesWriter {
        /** Appends a row (values in schema order). @throws IOException on a write failure */
        public abstract void write(Object[] row) throws IOException;

        /**
         * Closes the data files.
         *
         * @return the data files written, relative names
         * @throws IOException if a file cannot be closed
         */
        public abstract List<String> finish() throws IOException;

        /** The data files as Delta {@code add} actions (Parquet formats only; empty for CSV). */
        public List<DataFile> addFiles() {
            return List.of();
        }

        /** Closes without finishing (the staging folder is discarded by the caller). */
        public abstract void abort();
    }

    static final class CsvWriter extends Writer {
        static final String FILE = "part-00000.csv";
        private final CSVPrinter printer;

        CsvWriter(Path folder, TableSchema schema) throws IOException {
            this.printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(folder.resolve(FILE)),
                    StandardCharsets.UTF_8), 1 << 16), CSV_FORMAT.builder().setHeader(schema.names().toArray(String[]::new)).get());
        }

        @Override
        public void write(Object[] row) throws IOException {
            for (Object v : row) {
                printer.print(ColumnTypes.text(v));
            }
            printer.println();
        }

        @Override
        public List<String> finish() throws IOException {
            printer.close(true);
            return List.of(FILE);
        }

        @Override
        public void abort() {
            try {
                printer.close();
            } catch (IOException ignored) {
                // the staging folder is deleted anyway
            }
        }
    }

    static final class ParquetFilesWriter extends Writer {
        private final org.apache.hadoop.fs.Path folder;
        private final TableSchema schema;
        private final long rowsPerFile;
        private final List<DataFile> done = new ArrayList<>();
        private ParquetRowWriter current;

        ParquetFilesWriter(Path folder, TableSchema schema, long rowsPerFile) {
            this.folder = new org.apache.hadoop.fs.Path(folder.toUri());
            this.schema = schema;
            this.rowsPerFile = Math.max(1, rowsPerFile);
        }

        @Override
        public void write(Object[] row) throws IOException {
            if (current == null) {
                current = new ParquetRowWriter(folder, ReplicaTable.conf(), schema);
            }
            current.write(row);
            if (current.rows() >= rowsPerFile) {
                done.add(current.finish());
                current = null;
            }
        }

        @Override
        public List<String> finish() throws IOException {
            if (current != null || done.isEmpty()) {
                // an empty selection still gets one (empty) file, so the replica shows its schema
                if (current == null) {
                    current = new ParquetRowWriter(folder, ReplicaTable.conf(), schema);
                }
                done.add(current.finish());
                current = null;
            }
            List<String> names = new ArrayList<>();
            for (DataFile f : done) {
                names.add(f.getPath());
            }
            return names;
        }

        @Override
        public List<DataFile> addFiles() {
            return List.copyOf(done);
        }

        @Override
        public void abort() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException ignored) {
                    // the staging folder is deleted anyway
                }
            }
        }
    }

    /**
     * Reads a replica back from a local folder (the target's files, or local copies of them) and checks
     * its schema against {@code schema}.
     *
     * @param dataFiles the data files of the replica (relative names), in any order
     * @return the rows, typed as in {@link ColumnTypes}; close it
     * @throws SchemaException if the replica's columns or types differ from {@code schema}
     * @throws IOException     if a file cannot be read
     */
    public RowSource read(Path folder, List<String> dataFiles, TableSchema schema) throws IOException {
        switch (this) {
            case CSV:
                return csvRows(folder.resolve(dataFiles.get(0)), schema);
            case DELTA:
                TableSchema actual = ReplicaTable.schema(folder);
                if (!actual.equals(schema)) {
                    throw new SchemaException("the Delta log has schema " + actual.treeString() + " instead of "
                            + schema.treeString());
                }
                ParquetFilesRows rows = ReplicaTable.rows(folder, schema);
                return new RowSource(rows, rows);
            default:
                MessageType expected = io.lakehub.delta.ColumnTypes.parquetSchema(schema);
                for (String f : dataFiles) {
                    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(folder.resolve(f).toUri());
                    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, ReplicaTable.conf()))) {
                        MessageType actualType = r.getFooter().getFileMetaData().getSchema();
                        if (!actualType.equals(expected)) {
                            throw new SchemaException(f + " has Parquet schema " + actualType + " instead of " + expected);
                        }
                    }
                }
                ParquetFilesRows it = new ParquetFilesRows(dataFiles.stream()
                        .map(f -> new org.apache.hadoop.fs.Path(folder.resolve(f).toUri())).iterator(), ReplicaTable.conf(), schema);
                return new RowSource(it, it);
        }
    }

    private static RowSource csvRows(Path file, TableSchema schema) throws IOException {
        Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8);
        CSVParser parser = CSV_FORMAT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader);
        List<String> header = parser.getHeaderNames();
        if (!header.equals(schema.names())) {
            parser.close();
            throw new SchemaException("the CSV header is " + header + " instead of " + schema.names());
        }
        Iterator<CSVRecord> records = parser.iterator();
        io.lakehub.delta.Column[] fields = schema.columns().toArray(new io.lakehub.delta.Column[0]);
        Iterator<Object[]> rows = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Object[] next() {
                CSVRecord r = records.next();
                if (r.size() != fields.length) {
                    throw new SchemaException("CSV line " + r.getRecordNumber() + " has " + r.size() + " fields instead of "
                            + fields.length);
                }
                Object[] row = new Object[fields.length];
                for (int i = 0; i < fields.length; i++) {
                    try {
                        row[i] = ColumnTypes.parseText(fields[i].type(), r.get(i));
                    } catch (IllegalArgumentException e) {
                        throw new SchemaException("CSV line " + r.getRecordNumber() + ", column " + fields[i].name() + ": "
                                + e.getMessage());
                    }
                }
                return row;
            }
        };
        return new RowSource(rows, parser);
    }

    /**
     * Rows read back from a replica, with what must be closed after.
     *
     * @param rows      the rows
     * @param closeable the open files
     */
    public record RowSource(Iterator<Object[]> rows, AutoCloseable closeable) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closeable.close();
        }
    }

    /** The replica's columns or types are not the source selection's. */
    public static final class SchemaException extends RuntimeException {
        SchemaException(String message) {
            super(message);
        }
    }
}
