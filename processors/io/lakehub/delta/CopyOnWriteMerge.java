package io.lakehub.delta;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.hadoop.fs.Path;

/**
 * The copy-on-write MERGE of a staged load into one table, as one Delta commit ({@link DeltaTable#commitLoad}).
 *
 * <p>Reads: the {@code txn} version of the load's application id, the schema, partition columns and the
 * data files of the snapshot the commit is built on ({@link DeltaCommit#begin}). Files are pruned by the
 * first key column's {@code minValues}/{@code maxValues} statistics (decimals read exactly); a file
 * without statistics is always a candidate. Each candidate is read row by row; rows whose key is
 * incoming are dropped, the rest is written to a new file in the same partition folder, which replaces
 * the original ({@code remove} with {@code dataChange=true}, then {@code add}). A candidate with no
 * incoming key is kept as is; one whose rows are all incoming is removed without a replacement. Rewrites
 * run on up to {@code rewriteThreads} threads; if one fails, the replacements already written are deleted.
 *
 * <p>The first load of a table is a {@code WRITE} (operation metrics {@code numFiles},
 * {@code numOutputRows}, {@code numOutputBytes}); later loads are a {@code MERGE} with parameter
 * {@code predicate} ({@code target.k = source.k AND ...}) and metrics {@code numSourceRows},
 * {@code numTargetRowsInserted}, {@code numTargetRowsUpdated}, {@code numTargetRowsDeleted},
 * {@code numTargetRowsCopied}, {@code numTargetFilesAdded}, {@code numTargetFilesRemoved},
 * {@code numOutputRows}; both report {@code executionTimeMs} (the names of Delta Lake's own commands).
 *
 * <p>A conflict with a concurrent commit (a tag, an OPTIMIZE, another writer) is never rebased: the whole
 * MERGE is planned again from the new snapshot, up to {@link DeltaTable#COMMIT_ATTEMPTS} times, and the
 * rewritten files of the failed attempt are deleted; the {@code txn} check makes a retry of a load that
 * did commit a no-op. Stateless apart from the table handle; thread-safe.
 */
final class CopyOnWriteMerge {

    /** Reads statistics with decimal numbers kept exact: a decimal key rounded to a double would prune wrong files. */
    private static final ObjectMapper STATS_JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final DeltaTable table;

    CopyOnWriteMerge(DeltaTable table) {
        this.table = table;
    }

    /** {@link DeltaTable#commitLoad}: same parameters, outcome and errors. */
    DeltaTable.CommitOutcome commit(StagedLoad load, String appId, long loadVersion, Map<String, String> properties,
                                    List<String> tags, String userMetadata, int rewriteThreads) throws IOException {
        // another commit (a tag, an OPTIMIZE, a concurrent writer) won the race: the MERGE is planned again
        // on the new snapshot (never rebased); the txn check makes a retry of an already committed load a no-op
        return DeltaCommit.withRetry(DeltaTable.COMMIT_ATTEMPTS,
                () -> commitOnce(load, appId, loadVersion, properties, tags, userMetadata, rewriteThreads));
    }

    private DeltaTable.CommitOutcome commitOnce(StagedLoad load, String appId, long loadVersion, Map<String, String> properties,
                                        List<String> tags, String userMetadata, int rewriteThreads) throws IOException {
        DeltaCommit commit = DeltaCommit.begin(table);
        long last = commit.txnVersion(appId);
        if (last >= loadVersion) {
            return new DeltaTable.CommitOutcome(commit.readVersion(), true, "NONE", 0, 0, 0, 0, 0, 0);
        }
        if (last != loadVersion - 1) {
            throw new IllegalStateException("load " + loadVersion + " of " + appId + " expected the table at load "
                    + (loadVersion - 1) + " but found " + last + ": another writer is loading the same source");
        }
        boolean newTable = commit.newTable();
        TableSchema current = newTable ? null : commit.schema();
        if (!newTable && !sameColumns(commit.partitionColumns(), load.partitionColumns())) {
            throw new SchemaMismatchException("table " + table.name() + " is partitioned by " + commit.partitionColumns()
                    + " but the load is partitioned by " + load.partitionColumns() + "; partitioning of an existing table"
                    + " cannot change");
        }
        TableSchema schema = SchemaEvolution.merge(current, load.schema(), table.name());
        Map<String, String> config = new LinkedHashMap<>(properties);
        long expectedVersion = commit.readVersion() + 1;
        for (String tag : tags) {
            config.put(DeltaTable.TAG_PREFIX + tag, Long.toString(expectedVersion));
        }
        if (newTable) {
            commit.create(schema, load.partitionColumns());
        } else {
            commit.schema(schema);
        }
        commit.setProperties(config);

        List<DataFile> rewritten = new ArrayList<>();
        long updated = 0;
        long deleted = 0;
        long copied = 0;
        int removed = 0;
        if (!newTable) {
            List<DataFile> candidates = candidates(commit.files(), load, schema);
            List<Rewrite> results = rewriteAll(candidates, load, schema, rewriteThreads);
            for (Rewrite r : results) {
                if (r.dropped > 0) {
                    commit.remove(r.original, true);
                    removed++;
                    updated += r.dropped - r.droppedDeleted;
                    deleted += r.droppedDeleted;
                    copied += r.kept;
                    if (r.replacement != null) {
                        DeltaTable.add(commit, r.replacement);
                        rewritten.add(r.replacement);
                    }
                }
            }
        }
        load.files().forEach(f -> DeltaTable.add(commit, f));
        commit.txn(appId, loadVersion);

        long inserted = load.rows() - load.deletedRows() - updated;
        int added = load.files().size() + rewritten.size();
        Map<String, String> metrics = new LinkedHashMap<>();
        Map<String, String> params = new LinkedHashMap<>();
        String opName;
        if (newTable) {
            opName = "WRITE";
            params.put("mode", "Append");
            params.put("partitionBy", DeltaTable.json(load.partitionColumns()));
            metrics.put("numFiles", Integer.toString(added));
            metrics.put("numOutputRows", Long.toString(inserted));
            metrics.put("numOutputBytes", Long.toString(DeltaTable.bytes(load.files())));
        } else {
            opName = "MERGE";
            params.put("predicate", predicate(load.keyColumns()));
            metrics.put("numSourceRows", Long.toString(load.rows()));
            metrics.put("numTargetRowsInserted", Long.toString(inserted));
            metrics.put("numTargetRowsUpdated", Long.toString(updated));
            metrics.put("numTargetRowsDeleted", Long.toString(deleted));
            metrics.put("numTargetRowsCopied", Long.toString(copied));
            metrics.put("numTargetFilesAdded", Integer.toString(added));
            metrics.put("numTargetFilesRemoved", Integer.toString(removed));
            metrics.put("numOutputRows", Long.toString(inserted + updated + copied));
        }
        metrics.put("executionTimeMs", Long.toString(commit.elapsedMs()));
        commit.operation(opName, params, metrics, userMetadata);
        try {
            FaultInjection.reach(FaultPoint.DELTA_BEFORE_COMMIT, table.name());
            long version = commit.commit();
            if (!tags.isEmpty() && version != expectedVersion) {
                TableTags retag = new TableTags(table);
                tags.forEach(t -> retag.set(t, version, true));
            }
            return new DeltaTable.CommitOutcome(version, false, opName, inserted, updated, deleted, added, removed, copied);
        } catch (RuntimeException e) {
            for (DataFile f : rewritten) {
                table.deleteQuietly(f);
            }
            throw e;
        }
    }

    private static boolean sameColumns(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** A file's partition values in the table's partition column order (its folder names follow it). */
    private static Map<String, String> inPartitionOrder(DataFile file, StagedLoad load) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String column : load.partitionColumns()) {
            String value = null;
            for (Map.Entry<String, String> e : file.getPartitionValues().entrySet()) {
                if (e.getKey().equalsIgnoreCase(column)) {
                    value = e.getValue();
                }
            }
            ordered.put(column, value);
        }
        return ordered;
    }

    private static String predicate(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (sb.length() > 0) {
                sb.append(" AND ");
            }
            sb.append("target.").append(k).append(" = source.").append(k);
        }
        return sb.toString();
    }

    /** Files of the read snapshot whose first-key range may contain an incoming key. */
    private List<DataFile> candidates(List<DataFile> files, StagedLoad load, TableSchema schema) {
        Column keyField = SchemaEvolution.find(schema, load.keyColumns().get(0));
        LoadKeys keys = load.keys();
        List<DataFile> out = new ArrayList<>();
        for (DataFile file : files) {
            Object[] range = keyRange(file, keyField);
            if (range == null || keys.anyFirstKeyBetween(range[0], range[1])) {
                out.add(file);
            }
        }
        return out;
    }

    /** {min, max} of a column from a file's statistics, or null when unknown. */
    private static Object[] keyRange(DataFile file, Column field) {
        if (file.getStats() == null || field == null) {
            return null;
        }
        try {
            JsonNode stats = STATS_JSON.readTree(FileStats.unquote(file.getStats()));
            JsonNode min = stats.path("minValues").get(field.name());
            JsonNode max = stats.path("maxValues").get(field.name());
            Object lo = ColumnTypes.parseStatsValue(field.type(), min);
            Object hi = ColumnTypes.parseStatsValue(field.type(), max);
            return lo == null || hi == null ? null : new Object[] {lo, hi};
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private record Rewrite(DataFile original, DataFile replacement, long dropped, long droppedDeleted, long kept) {
    }

    private List<Rewrite> rewriteAll(List<DataFile> candidates, StagedLoad load, TableSchema schema, int threads)
            throws IOException {
        List<Rewrite> out = new ArrayList<>();
        if (candidates.isEmpty()) {
            return out;
        }
        int[] keyIndexes = new int[load.keyColumns().size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyIndexes[i] = ParquetRowReader.index(schema, load.keyColumns().get(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, candidates.size())));
        try {
            List<Future<Rewrite>> futures = new ArrayList<>();
            for (DataFile file : candidates) {
                futures.add(pool.submit(() -> rewrite(file, load, schema, keyIndexes)));
            }
            IOException failure = null;
            for (Future<Rewrite> f : futures) {
                try {
                    out.add(f.get());
                } catch (Exception e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (failure == null) {
                        failure = cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
                    }
                }
            }
            if (failure != null) {
                for (Rewrite r : out) {
                    if (r.replacement != null) {
                        table.deleteQuietly(r.replacement);
                    }
                }
                throw failure;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private Rewrite rewrite(DataFile file, StagedLoad load, TableSchema schema, int[] keyIndexes) throws IOException {
        long dropped = 0;
        long droppedDeleted = 0;
        long kept = 0;
        LoadKeys deletes = load.deletedKeys();
        ParquetRowWriter writer = new ParquetRowWriter(table.path(), table.lake().conf(), schema, inPartitionOrder(file, load));
        try (ParquetRowReader reader = new ParquetRowReader(new Path(table.path(), file.getPath()), table.lake().conf(), schema)) {
            Object[] row;
            while ((row = reader.next()) != null) {
                Object key = StagedLoad.key(row, keyIndexes);
                if (load.keys().contains(key)) {
                    dropped++;
                    if (deletes.size() > 0 && deletes.contains(key)) {
                        droppedDeleted++;
                    }
                } else {
                    writer.write(row);
                    kept++;
                }
            }
        } catch (IOException | RuntimeException e) {
            writer.delete();
            throw e;
        }
        if (dropped == 0 || kept == 0) {
            writer.delete();
            return new Rewrite(file, null, dropped, droppedDeleted, kept);
        }
        return new Rewrite(file, writer.finish(), dropped, droppedDeleted, kept);
    }
}
