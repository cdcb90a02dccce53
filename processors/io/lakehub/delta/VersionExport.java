package io.lakehub.delta;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.hadoop.fs.Path;

/**
 * Writes every row of one table version as a single CSV stream or a single Parquet file, for a data
 * scientist who wants "version N" outside the lake.
 *
 * <p>Rows come file by file, so memory is bounded by one Parquet row group of the table plus, for
 * Parquet, the row group being written ({@link ParquetRowWriter#ROW_GROUP_BYTES}), whatever the size
 * of the version. A data file that disappears while it is being read (a concurrent VACUUM) fails the
 * export with {@link VersionGoneException}. Stateless and thread-safe.
 */
public final class VersionExport {

    /** Media type of a Parquet file (IANA registration, 2024). */
    public static final String PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet";

    private VersionExport() {
    }

    /**
     * Streams a version as RFC 4180 CSV, UTF-8: a header with the column names, then one line per row,
     * values in the text form of {@link ColumnTypes#text} (null as an empty field). Does not close {@code out}.
     *
     * @throws VersionGoneException if a data file is missing
     * @throws IOException          if a data file cannot be read or {@code out} written
     */
    public static void csv(DeltaTable table, TableSnapshot snapshot, OutputStream out) throws IOException {
        CSVPrinter csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                CSVFormat.RFC4180.builder().setHeader(snapshot.schema().names().toArray(String[]::new)).get());
        try (VersionRows it = table.rows(snapshot)) {
            while (it.hasNext()) {
                for (Object v : it.next()) {
                    csv.print(ColumnTypes.text(v));
                }
                csv.println();
            }
        } catch (UncheckedIOException e) {
            throw gone(table, snapshot, e);
        }
        csv.flush();
    }

    /**
     * Writes a version as one Parquet file (Snappy, the table's schema and Parquet types, see
     * {@link ColumnTypes}) in {@code folder}, a local folder.
     *
     * @return the file written, {@code part-<uuid>.snappy.parquet} in {@code folder}; the caller deletes it
     * @throws VersionGoneException if a data file is missing
     * @throws IOException          if a data file cannot be read or the file written (nothing is left behind)
     */
    public static java.nio.file.Path parquet(DeltaTable table, TableSnapshot snapshot, java.nio.file.Path folder)
            throws IOException {
        ParquetRowWriter writer = new ParquetRowWriter(new Path(folder.toUri()), table.lake().conf(),
                snapshot.schema());
        DataFile written;
        try (VersionRows it = table.rows(snapshot)) {
            while (it.hasNext()) {
                writer.write(it.next());
            }
            written = writer.finish();
        } catch (IOException | RuntimeException e) {
            writer.delete();
            if (e instanceof UncheckedIOException u) {
                throw gone(table, snapshot, u);
            }
            throw e;
        }
        java.nio.file.Path file = folder.resolve(written.getPath());
        if (!Files.exists(file)) {
            throw new IOException("the Parquet export of " + table.name() + " was not written to " + file);
        }
        return file;
    }

    private static RuntimeException gone(DeltaTable table, TableSnapshot snapshot, UncheckedIOException e) {
        if (VersionGoneException.isMissingFile(e)) {
            return new VersionGoneException(table.name(), snapshot.version(),
                    Math.max(1, new TableVersions(table).missingFiles(snapshot.files()).size()));
        }
        return e;
    }
}
