package io.lakehub.delta;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import org.apache.hadoop.fs.Path;

/**
 * A standalone Delta table in a local folder outside the lake: the Delta form of a replica. It is
 * created with one {@code WRITE} commit (version 0, protocol (1,2)) holding data files written by
 * {@link ParquetRowWriter} in that folder, and read back file by file for validation. Kept in this
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
        DeltaLog log = DeltaLog.forTable(conf(), new Path(folder.toUri()));
        OptimisticTransaction txn = log.startTransaction();
        if (txn.readVersion() >= 0) {
            throw new IllegalStateException("a Delta table already exists in " + folder);
        }
        txn.updateMetadata(Metadata.builder().id(UUID.randomUUID().toString()).name(name).schema(StandaloneSchemas.toStandalone(schema))
                .partitionColumns(List.of()).createdTime(System.currentTimeMillis()).build());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", DeltaTable.json("ErrorIfExists"));
        params.put("partitionBy", DeltaTable.json("[]"));
        long bytes = 0;
        for (DataFile f : files) {
            bytes += f.size();
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put(Operation.Metrics.numFiles, Integer.toString(files.size()));
        metrics.put(Operation.Metrics.numOutputRows, Long.toString(rows));
        metrics.put(Operation.Metrics.numOutputBytes, Long.toString(bytes));
        return txn.commit(new ArrayList<Action>(StandaloneActions.adds(files)), new Operation(Operation.Name.WRITE, params, metrics,
                Optional.ofNullable(userMetadata)), DeltaTable.ENGINE).getVersion();
    }

    /**
     * The schema of the latest version of a Delta table in a local folder.
     *
     * @throws NoSuchElementException if the folder holds no Delta table
     */
    public static TableSchema schema(java.nio.file.Path folder) {
        return StandaloneSchemas.fromStandalone(latest(folder).getMetadata().getSchema());
    }

    private static Snapshot latest(java.nio.file.Path folder) {
        Snapshot s = DeltaLog.forTable(conf(), new Path(folder.toUri())).update();
        if (s.getVersion() < 0) {
            throw new NoSuchElementException("no Delta table in " + folder);
        }
        return s;
    }

    /**
     * Reads the rows of the latest version of a Delta table in a local folder, file by file, in {@code schema}.
     * Memory is bounded by one row group. Close the iterator.
     *
     * @throws NoSuchElementException if the folder holds no Delta table
     */
    public static ParquetFilesRows rows(java.nio.file.Path folder, TableSchema schema) {
        Snapshot s = latest(folder);
        List<AddFile> files = new ArrayList<>(s.getAllFiles());
        files.sort(Comparator.comparing(AddFile::getPath));
        Path root = new Path(folder.toUri());
        return new ParquetFilesRows(files.stream().map(f -> new Path(root, f.getPath())).iterator(), conf(), schema);
    }

}
