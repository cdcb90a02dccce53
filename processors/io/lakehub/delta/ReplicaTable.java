package io.lakehub.delta;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.hadoop.fs.Path;

/**
 * A standalone Delta table in a local folder outside the lake: the Delta form of a replica. It is
 * created with one {@code WRITE} commit (version 0, protocol (1,2)) holding data files written by
 * {@link ParquetRowWriter} in that folder ({@link DeltaCommit}, through Delta Kernel), and read back
 * file by file through Kernel for validation. Kept in this
 * package so that all Delta access stays behind one package (DESIGN.md, "Delta Lake"). Stateless.
 */
public final class ReplicaTable {

    private static volatile org.apache.hadoop.conf.Configuration conf;

    private ReplicaTable() {
    }

    /** One Hadoop configuration for all replica folders (loading Hadoop's defaults takes a moment). */
    public static org.apache.hadoop.conf.Configuration conf() {
        org.apache.hadoop.conf.Configuration c = conf;
        if (c == null) {
            c = LakeStorage.hadoopConfiguration();
            conf = c;
        }
        return c;
    }

    /**
     * Why a Delta replica cannot hold these columns, or null if it can: the replica is written at protocol
     * (1,2), which has no {@code timestamp_ntz} (it needs the {@code timestampNtz} table feature, Delta
     * protocol "Timestamp without timezone"); the Kernel writer (issue 13, writes) lifts this.
     */
    public static String unsupported(TableSchema schema) {
        List<String> ntz = new ArrayList<>();
        for (Column f : schema.columns()) {
            if (f.type() == ColumnType.TIMESTAMP_NTZ) {
                ntz.add(f.name());
            }
        }
        return ntz.isEmpty() ? null : "a delta replica is written at protocol (1,2), which cannot hold timestamp_ntz columns ("
                + String.join(", ", ntz) + "); choose format parquet or csv, or leave those columns out";
    }

    /**
     * Creates the table: {@code _delta_log/00000000000000000000.json} with the schema, the files, and
     * {@code commitInfo.userMetadata}.
     *
     * @param folder       the local folder holding the data files (their {@link DataFile#path()}s are relative to it)
     * @param name         the table name recorded in its metadata
     * @param files        the data files
     * @param rows         rows in them (operation metric numOutputRows)
     * @param userMetadata JSON text for {@code commitInfo.userMetadata} (the source and filter of the replica)
     * @throws IllegalStateException if the folder already holds a Delta table
     */
    public static long create(java.nio.file.Path folder, String name, TableSchema schema, List<DataFile> files, long rows,
                              String userMetadata) {
        String unsupported = unsupported(schema);
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported);
        }
        String path = new Path(folder.toUri()).toString();
        boolean exists = java.nio.file.Files.isDirectory(folder.resolve("_delta_log"))
                && hasCommit(folder.resolve("_delta_log"));
        DeltaCommit commit = DeltaCommit.begin(name, path, conf(), exists);
        if (!commit.newTable()) {
            throw new IllegalStateException("a Delta table already exists in " + folder);
        }
        commit.create(schema, List.of());
        long bytes = 0;
        for (DataFile f : files) {
            commit.add(f.getPath(), f.getPartitionValues(), f.getSize(), f.getModificationTime(), f.getStats());
            bytes += f.getSize();
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", "ErrorIfExists");
        params.put("partitionBy", "[]");
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numFiles", Integer.toString(files.size()));
        metrics.put("numOutputRows", Long.toString(rows));
        metrics.put("numOutputBytes", Long.toString(bytes));
        commit.operation("WRITE", params, metrics, userMetadata);
        try {
            return commit.commit();
        } catch (CommitConflictException e) {
            throw new IllegalStateException("a Delta table already exists in " + folder, e);
        }
    }

    private static boolean hasCommit(java.nio.file.Path log) {
        try (var names = java.nio.file.Files.list(log)) {
            return names.anyMatch(p -> p.getFileName().toString().matches("\\d{20}\\.(json|checkpoint.*\\.parquet)"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + log + ": " + e.getMessage(), e);
        }
    }

    /**
     * The schema of the latest version of a Delta table in a local folder.
     *
     * @throws NoSuchElementException if the folder holds no Delta table
     */
    public static TableSchema schema(java.nio.file.Path folder) {
        return latest(folder).schema();
    }

    private static TableSnapshot latest(java.nio.file.Path folder) {
        var engine = KernelSupport.engine(conf());
        String name = folder.getFileName().toString();
        return new TableSnapshot(name, engine, KernelSupport.load(engine, name, new Path(folder.toUri()).toString(), null));
    }

    /**
     * Reads the rows of the latest version of a Delta table in a local folder, file by file, in {@code schema}.
     * Memory is bounded by one row group. Close the iterator.
     *
     * @throws NoSuchElementException if the folder holds no Delta table
     */
    public static ParquetFilesRows rows(java.nio.file.Path folder, TableSchema schema) {
        List<DataFile> files = new ArrayList<>(latest(folder).files());
        files.sort(Comparator.comparing(DataFile::path));
        Path root = new Path(folder.toUri());
        return new ParquetFilesRows(files.stream().map(f -> new Path(root, new Path(java.net.URI.create(f.path()).getPath())))
                .iterator(), conf(), schema);
    }

}
