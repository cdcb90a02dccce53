package io.lakehub.delta;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;


/**
 * Replaces the content of a table with the rows of a JDBC result set, in one Delta commit: the rows
 * stream into Parquet data files ({@link ParquetRowWriter}, with per-file statistics) of at most
 * {@code rowsPerFile} rows, then {@link DeltaTable#commitOverwrite} commits them as one {@code WRITE}
 * (mode Overwrite). Memory is bounded by one Parquet row group, whatever the size of the result. The
 * result's columns map to Delta types as the caller's {@link RowMapping} says ({@code io.lakehub.sql.JdbcColumns}). Used for gold tables, whose rows come
 * from the SQL engine. Stateless.
 */
public final class ResultSetOverwrite {

    private ResultSetOverwrite() {
    }

    /** The table schema of a result's columns and the typed values of its current row. */
    public interface RowMapping {
        /** The Delta schema of the result's columns, in their order. */
        TableSchema schema();

        /**
         * The current row's values, in schema order, as {@link ParquetRowWriter#write} takes them.
         *
         * @throws SQLException if a value cannot be read
         */
        Object[] read(ResultSet rs) throws SQLException;
    }

    /**
     * Writes and commits the rows; the result set is read to its end but not closed.
     *
     * @param table        the table to replace (created on first use)
     * @param rows         the result set, positioned before its first row
     * @param columns      how its columns map to the table's schema and values
     * @param rowsPerFile  most rows per data file
     * @param userMetadata JSON text for {@code commitInfo.userMetadata} (lineage)
     * @param stillValid   asked after the files are written and before the commit: false drops them and
     *                     throws {@link java.util.ConcurrentModificationException} (the caller reads again)
     * @return the version written and the rows and files added
     * @throws SQLException if the result cannot be read (nothing is committed, no file is left behind)
     * @throws IOException  if a data file cannot be written (idem)
     */
    public static DeltaTable.AppendOutcome commit(DeltaTable table, ResultSet rows, RowMapping columns, long rowsPerFile, String userMetadata,
                                                  java.util.function.BooleanSupplier stillValid)
            throws SQLException, IOException {
        List<DataFile> files = new ArrayList<>();
        ParquetRowWriter writer = null;
        long total = 0;
        long inFile = 0;
        try {
            while (rows.next()) {
                if (writer == null) {
                    writer = new ParquetRowWriter(table.path(), table.lake().conf(), columns.schema());
                }
                writer.write(columns.read(rows));
                total++;
                if (++inFile >= rowsPerFile) {
                    files.add(writer.finish());
                    writer = null;
                    inFile = 0;
                }
            }
            if (writer != null) {
                files.add(writer.finish());
                writer = null;
            }
            if (!stillValid.getAsBoolean()) {
                throw new java.util.ConcurrentModificationException("the input of " + table.name()
                        + " changed while it was read; nothing was committed");
            }
            return table.commitOverwrite(files, total, columns.schema(), userMetadata);
        } catch (SQLException | IOException | RuntimeException e) {
            if (writer != null) {
                try {
                    writer.delete();
                } catch (IOException ignored) {
                    // an orphan staged file is harmless: no commit references it, VACUUM removes it
                }
            }
            files.forEach(table::deleteQuietly);
            throw e;
        }
    }
}
