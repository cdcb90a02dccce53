package io.lakehub.delta;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.VersionLog;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.RemoveFile;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.delta.standalone.internal.DeltaLogImpl;
import io.delta.standalone.internal.SnapshotImpl;
import io.delta.storage.CloseableIterator;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance of the silver Delta tables: OPTIMIZE (compaction), VACUUM and CHECKPOINT on demand.
 *
 * <h2>Operation names in the log</h2>
 * delta-standalone 3.3.2 writes {@code commitInfo} itself from an {@link Operation}, whose
 * {@link Operation.Name} enum has no OPTIMIZE or VACUUM, and it refuses a custom {@code CommitInfo}
 * in the actions of a commit ({@code OptimisticTransactionImpl.prepareCommit} asserts "Cannot commit
 * a custom CommitInfo in a transaction"). Maintenance commits are therefore written as
 * {@code "operation":"Manual Update"} ({@link Operation.Name#MANUAL_UPDATE}) and name the real
 * operation in {@code operationParameters.operation}: {@value #OPTIMIZE}, {@value #VACUUM_START} or
 * {@value #VACUUM_END}, the names Spark writes as {@code commitInfo.operation}. Parameter values are
 * JSON-encoded, as delta-standalone copies them into the log as raw JSON (its {@code Operation}
 * javadoc). A reader looking for compactions filters on {@code operationParameters.operation}.
 *
 * <h2>OPTIMIZE</h2>
 * Bin-packs the small data files of the latest version: a file is small when its statistics'
 * {@code numRecords} is below {@code targetFileRows} (setting {@code lakehub.maintenance.target-file-rows},
 * default 250,000 rows; a file without statistics is left alone). Small files of one partition
 * (same {@code partitionValues}), ordered by the minimum of the first key column (table property
 * {@code lakehub.keys}) so that neighbouring key ranges share a file and MERGE pruning stays tight, else
 * in the order the table reads them (modification time, then path),
 * are packed greedily into bins of at most {@code targetFileRows} rows; each bin of two or more files
 * is rewritten as one file (same columns, same partition folder) with {@link ParquetRowWriter}, row by
 * row, so memory is bounded by one Parquet row group. All removes and adds go in one commit with
 * {@code dataChange=false}, so streaming readers and change feeds skip it, and the old files are only
 * removed logically: every earlier version stays readable until a VACUUM. Fewer than two small files in
 * any partition: nothing is written and no version is made. A concurrent commit that leaves every
 * compacted file in place (a load that only added files and moved its watermark) does not stop it: it
 * commits on the newer version (up to 5 attempts). A commit that removed one of the compacted files
 * first (a MERGE rewriting it) makes the OPTIMIZE fail with {@link IllegalStateException}; its new files
 * are deleted and the table is unchanged. Metrics: numRemovedFiles, numAddedFiles, numRemovedBytes,
 * numAddedBytes, numBatches, totalConsideredFiles, totalFilesSkipped, numOutputRows, executionTimeMs
 * (Spark's OPTIMIZE metric names where one exists).
 *
 * <h2>VACUUM</h2>
 * Deletes the files under the table folder that no version within the retention can need: a file is
 * deleted when neither the latest version nor a tagged version ({@code lakehub.tag.*}: a named version
 * is kept readable whatever the retention) references it, no {@code remove} action in the available log
 * removed it at or after {@code now - retention} (its {@code deletionTimestamp}), and its modification
 * time is older than {@code now - retention} (so a never-committed file, such as the staged file of a
 * load in flight, is kept for the retention too). This is Spark's VACUUM rule; removal times are read
 * from every commit still in {@code _delta_log}, not only the tombstones the latest snapshot keeps.
 * {@code _delta_log} and every other name starting with {@code _} or {@code .} are never touched;
 * folders left empty are deleted. A retention shorter than {@code minRetention} (setting
 * {@code lakehub.maintenance.min-retention}, default 168 h, Delta's default
 * {@code delta.deletedFileRetentionDuration}) is refused with {@link IllegalArgumentException}, as
 * Spark's {@code retentionDurationCheck} does: a shorter one can delete files that a reader of a recent
 * version or a load in flight still needs. A dry run lists the files and changes nothing. A VACUUM that
 * deletes something is recorded in the Delta log as two commits without file actions, as Spark does:
 * {@value #VACUUM_START} (numFilesToDelete, sizeOfDataToDelete) before deleting and {@value #VACUUM_END}
 * (status COMPLETED or FAILED, numDeletedFiles, numVacuumedDirectories) after; a VACUUM with nothing to
 * delete writes nothing. Versions whose files were deleted can no longer be read.
 *
 * <h2>CHECKPOINT</h2>
 * delta-standalone checkpoints on its own every {@code delta.checkpointInterval} (10) commits; this
 * writes one for the latest version now, through the internal {@code DeltaLogImpl.checkpoint(SnapshotImpl)}
 * of delta-standalone 3.3.2 (no public API exists; kept in this package, per DESIGN.md "Delta Lake", so
 * a swap to Delta Kernel replaces it with {@code Table.checkpoint}). It writes
 * {@code _delta_log/<version>.checkpoint.parquet} and {@code _last_checkpoint}, and, like every
 * checkpoint, lets delta-standalone delete log files older than {@code delta.logRetentionDuration}
 * (30 days). A version that already has the last checkpoint is not written again.
 *
 * <p>Operations on one table run one at a time within this instance (a lock per table); commits from
 * other writers are ordered by Delta's optimistic concurrency. Thread-safe.
 */
public final class TableMaintenance {

    /** {@code operationParameters.operation} of an OPTIMIZE commit. */
    public static final String OPTIMIZE = "OPTIMIZE";
    /** {@code operationParameters.operation} of the commit written before a VACUUM deletes files. */
    public static final String VACUUM_START = "VACUUM START";
    /** {@code operationParameters.operation} of the commit written after a VACUUM deleted files. */
    public static final String VACUUM_END = "VACUUM END";
    /** Default shortest VACUUM retention: 168 h, Delta's default {@code delta.deletedFileRetentionDuration}. */
    public static final Duration DEFAULT_MIN_RETENTION = Duration.ofHours(168);
    /** Default row count OPTIMIZE packs files up to. */
    public static final long DEFAULT_TARGET_FILE_ROWS = 250_000;

    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keeps decimal statistics exact, as {@link DeltaTable} reads them for pruning. */
    private static final ObjectMapper STATS_JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final LakeStorage lake;
    private final Duration minRetention;
    private final long targetFileRows;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Runs between an OPTIMIZE's rewrite and its commit; tests put a concurrent load there. */
    private volatile Runnable beforeCommit = () -> { };

    /** With the defaults: min retention 168 h, target 1,000,000 rows per file. */
    public TableMaintenance(LakeStorage lake) {
        this(lake, DEFAULT_MIN_RETENTION, DEFAULT_TARGET_FILE_ROWS);
    }

    /**
     * @param minRetention   shortest retention VACUUM accepts ({@code lakehub.maintenance.min-retention});
     *                       tests pass zero to vacuum files they just removed
     * @param targetFileRows rows per file OPTIMIZE packs up to ({@code lakehub.maintenance.target-file-rows})
     * @throws IllegalArgumentException if minRetention is negative or targetFileRows is below 2
     */
    public TableMaintenance(LakeStorage lake, Duration minRetention, long targetFileRows) {
        if (minRetention == null || minRetention.isNegative()) {
            throw new IllegalArgumentException("lakehub.maintenance.min-retention must be zero or more, not " + minRetention);
        }
        if (targetFileRows < 2) {
            throw new IllegalArgumentException("lakehub.maintenance.target-file-rows must be at least 2, not " + targetFileRows);
        }
        this.lake = lake;
        this.minRetention = minRetention;
        this.targetFileRows = targetFileRows;
    }

    /** Test seam: {@code hook} runs after an OPTIMIZE has written its files and before it commits. */
    void beforeOptimizeCommit(Runnable hook) {
        this.beforeCommit = hook;
    }

    /** The shortest retention {@link #vacuum} accepts; also its default. */
    public Duration minRetention() {
        return minRetention;
    }

    /** Rows per file OPTIMIZE packs up to. */
    public long targetFileRows() {
        return targetFileRows;
    }

    /**
     * What an OPTIMIZE did.
     *
     * @param table         table name
     * @param committed     whether a version was made (false: fewer than two small files anywhere)
     * @param version       the new version, or the unchanged latest one
     * @param filesRemoved  small files replaced (logically removed, {@code dataChange=false})
     * @param filesAdded    files written
     * @param filesConsidered small files found (below the target)
     * @param rows          rows rewritten (equal in the removed and the added files)
     * @param bytesRemoved  bytes of the removed files
     * @param bytesAdded    bytes of the added files
     * @param targetFileRows the target used
     * @param durationMs    wall time in milliseconds
     */
    public record OptimizeResult(String table, String operation, boolean committed, long version, int filesRemoved,
                                 int filesAdded, int filesConsidered, long rows, long bytesRemoved, long bytesAdded,
                                 long targetFileRows, long durationMs) {
    }

    /**
     * What a VACUUM did or, in a dry run, would do.
     *
     * @param files           table-relative paths of the files deleted (or to delete), at most {@value #LISTED_FILES}
     * @param filesDeleted    number of files deleted (or to delete)
     * @param bytesDeleted    their total size in bytes
     * @param directoriesDeleted empty folders deleted
     * @param startVersion    version of the VACUUM START commit, or null when nothing was recorded
     * @param endVersion      version of the VACUUM END commit, or null
     */
    public record VacuumResult(String table, String operation, boolean dryRun, double retentionHours, long filesDeleted,
                               long bytesDeleted, int directoriesDeleted, List<String> files, Long startVersion,
                               Long endVersion, long durationMs) {
    }

    /** Most file paths a {@link VacuumResult} lists. */
    public static final int LISTED_FILES = 1000;

    /**
     * What a CHECKPOINT did.
     *
     * @param version    the version checkpointed (the latest)
     * @param written    false when that version already was the last checkpoint
     * @param checkpoint the checkpoint file, relative to the table folder
     * @param files      data files of that version (its {@code add} actions in the checkpoint)
     */
    public record CheckpointResult(String table, String operation, long version, boolean written, String checkpoint,
                                   int files, long durationMs) {
    }

    // ------------------------------------------------------------------------------------------ OPTIMIZE

    /**
     * Compacts the small files of the latest version of {@code silver/<table>} (see the class comment).
     *
     * @throws NoSuchElementException   if the table does not exist
     * @throws IllegalArgumentException if the name is not a table name
     * @throws IllegalStateException    if a concurrent commit removed a file being compacted (retry later)
     * @throws IOException              if a data file cannot be read or written
     */
    public OptimizeResult optimize(String table) throws IOException {
        DeltaTable t = existing(table);
        ReentrantLock lock = lock(table);
        lock.lock();
        try {
            return doOptimize(t);
        } finally {
            lock.unlock();
        }
    }

    private OptimizeResult doOptimize(DeltaTable t) throws IOException {
        long started = System.currentTimeMillis();
        DeltaLog log = t.log();
        OptimisticTransaction txn = log.startTransaction();
        // the transaction's own snapshot: startTransaction() just refreshed it and nothing else uses this log
        Snapshot snapshot = log.snapshot();
        if (snapshot.getVersion() != txn.readVersion()) {
            throw new IllegalStateException("table " + t.name() + " changed while OPTIMIZE started; retry");
        }
        TableSchema schema = StandaloneSchemas.fromStandalone(snapshot.getMetadata().getSchema());

        Map<String, List<AddFile>> byPartition = new TreeMap<>();
        int considered = 0;
        for (AddFile f : snapshot.getAllFiles()) {
            long rows = numRecords(f);
            if (rows >= 0 && rows < targetFileRows) {
                byPartition.computeIfAbsent(new TreeMap<>(f.getPartitionValues()).toString(), k -> new ArrayList<>()).add(f);
                considered++;
            }
        }
        Comparator<AddFile> order = packingOrder(snapshot, schema);
        List<List<AddFile>> bins = new ArrayList<>();
        for (List<AddFile> files : byPartition.values()) {
            files.sort(order);
            List<AddFile> bin = new ArrayList<>();
            long binRows = 0;
            for (AddFile f : files) {
                long rows = numRecords(f);
                if (!bin.isEmpty() && binRows + rows > targetFileRows) {
                    bins.add(bin);
                    bin = new ArrayList<>();
                    binRows = 0;
                }
                bin.add(f);
                binRows += rows;
            }
            bins.add(bin);
        }
        bins.removeIf(b -> b.size() < 2);
        if (bins.isEmpty()) {
            return new OptimizeResult(t.name(), OPTIMIZE, false, snapshot.getVersion(), 0, 0, considered, 0, 0, 0,
                    targetFileRows, System.currentTimeMillis() - started);
        }

        long now = System.currentTimeMillis();
        List<Action> actions = new ArrayList<>();
        List<AddFile> written = new ArrayList<>();
        int removed = 0;
        long rows = 0;
        long bytesRemoved = 0;
        long bytesAdded = 0;
        try {
            for (List<AddFile> bin : bins) {
                AddFile out = rewrite(t, bin, schema);
                written.add(out);
                long expected = 0;
                for (AddFile f : bin) {
                    actions.add(f.remove(now, false));
                    expected += numRecords(f);
                    bytesRemoved += f.getSize();
                    removed++;
                }
                long got = numRecords(out);
                if (got != expected) {
                    throw new IllegalStateException("OPTIMIZE of " + t.name() + " read " + got + " rows from files whose "
                            + "statistics say " + expected + "; table left unchanged");
                }
                rows += got;
                bytesAdded += out.getSize();
                actions.add(out);
            }
            Map<String, String> params = new LinkedHashMap<>();
            params.put("operation", DeltaTable.json(OPTIMIZE));
            params.put("predicate", DeltaTable.json("[]"));
            params.put("zOrderBy", DeltaTable.json("[]"));
            params.put("targetFileRows", DeltaTable.json(Long.toString(targetFileRows)));
            Map<String, String> metrics = new LinkedHashMap<>();
            metrics.put(Operation.Metrics.numRemovedFiles, Integer.toString(removed));
            metrics.put(Operation.Metrics.numAddedFiles, Integer.toString(written.size()));
            metrics.put("numRemovedBytes", Long.toString(bytesRemoved));
            metrics.put("numAddedBytes", Long.toString(bytesAdded));
            metrics.put("numBatches", Integer.toString(bins.size()));
            metrics.put("totalConsideredFiles", Integer.toString(considered));
            metrics.put("totalFilesSkipped", Integer.toString(considered - removed));
            metrics.put(Operation.Metrics.numOutputRows, Long.toString(rows));
            metrics.put(Operation.Metrics.executionTimeMs, Long.toString(System.currentTimeMillis() - started));
            beforeCommit.run();
            long version = commitCompaction(log, txn, actions, new Operation(Operation.Name.MANUAL_UPDATE, params, metrics));
            long duration = System.currentTimeMillis() - started;
            LOG.info("OPTIMIZE silver/{} -> version {}: {} files -> {} ({} rows, {} -> {} bytes) in {} ms", t.name(), version,
                    removed, written.size(), rows, bytesRemoved, bytesAdded, duration);
            return new OptimizeResult(t.name(), OPTIMIZE, true, version, removed, written.size(), considered, rows,
                    bytesRemoved, bytesAdded, targetFileRows, duration);
        } catch (DeltaConcurrentModificationException e) {
            written.forEach(f -> t.deleteQuietly(StandaloneActions.file(f)));
            throw new IllegalStateException("OPTIMIZE of " + t.name() + " conflicted with a concurrent commit and changed "
                    + "nothing; retry: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            written.forEach(f -> t.deleteQuietly(StandaloneActions.file(f)));
            throw e;
        }
    }

    /** Attempts to commit a compaction (the first one plus retries) before giving up on concurrent commits. */
    private static final int COMMIT_ATTEMPTS = 5;

    /**
     * Commits the removes and adds of a compaction. When another commit won the version (typically a
     * load, whose watermark is a table property, so delta-standalone reports a metadata change), the
     * compaction is still valid as long as every file it removes is still in the table: the new files
     * hold exactly those files' rows. It is then committed again on a fresh transaction, up to
     * {@value #COMMIT_ATTEMPTS} attempts; a removed file that is gone (a MERGE rewrote it) is a real conflict.
     */
    private static long commitCompaction(DeltaLog log, OptimisticTransaction first, List<Action> actions, Operation op) {
        OptimisticTransaction txn = first;
        for (int attempt = 1; ; attempt++) {
            try {
                return txn.commit(actions, op, DeltaTable.ENGINE).getVersion();
            } catch (DeltaConcurrentModificationException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw e;
                }
                txn = log.startTransaction();
                Set<String> live = new HashSet<>();
                for (AddFile f : log.snapshot().getAllFiles()) {
                    live.add(f.getPath());
                }
                for (Action a : actions) {
                    if (a instanceof RemoveFile r && !live.contains(r.getPath())) {
                        throw e;
                    }
                }
                LOG.debug("OPTIMIZE: {}; its files are all still live, committing on version {}", e.getMessage(),
                        txn.readVersion());
            }
        }
    }

    /**
     * Writes the rows of {@code bin} into one new file in the folder of the first one (the table folder
     * when that path is absolute), described with {@code dataChange=false} and the bin's partition values.
     */
    private AddFile rewrite(DeltaTable t, List<AddFile> bin, TableSchema schema) throws IOException {
        String first = bin.get(0).getPath();
        String folder = "";
        Path dir = t.path();
        try {
            int slash = first.lastIndexOf('/');
            if (slash > 0 && !new URI(first).isAbsolute()) {
                folder = first.substring(0, slash + 1); // as in the log: URI-encoded
                dir = new Path(t.path(), new URI(folder).getPath());
            }
        } catch (URISyntaxException e) {
            folder = "";
        }
        ParquetRowWriter writer = new ParquetRowWriter(dir, lake.conf(), schema);
        DataFile plain;
        try {
            for (AddFile f : bin) {
                try (ParquetRowReader reader = new ParquetRowReader(new Path(t.path(), f.getPath()), lake.conf(), schema)) {
                    Object[] row;
                    while ((row = reader.next()) != null) {
                        writer.write(row);
                    }
                }
            }
            plain = writer.finish();
        } catch (IOException | RuntimeException e) {
            writer.delete();
            throw e;
        }
        return StandaloneActions.add(new DataFile(folder + plain.path(), bin.get(0).getPartitionValues(), plain.size(),
                plain.modificationTime(), plain.stats(), null), false);
    }

    /**
     * The order small files are packed in: by the minimum of the first key column (table property
     * {@value VersionDiff#KEYS_PROPERTY}, from the file statistics), so that neighbouring key ranges end up
     * in the same file and a MERGE, which prunes files by that column's min/max, still touches few of them;
     * files without that statistic last; ties, and tables without keys, in the order the table reads them
     * (modification time, then path).
     */
    private static Comparator<AddFile> packingOrder(Snapshot snapshot, TableSchema schema) {
        Comparator<AddFile> byAge = Comparator.comparingLong(AddFile::getModificationTime).thenComparing(AddFile::getPath);
        String keys = snapshot.getMetadata().getConfiguration().get(VersionDiff.KEYS_PROPERTY);
        Column key = keys == null || keys.isBlank() ? null : SchemaEvolution.find(schema, keys.split(",")[0].trim());
        if (key == null) {
            return byAge;
        }
        Map<String, Object> mins = new HashMap<>();
        for (AddFile f : snapshot.getAllFiles()) {
            Object min = statsMin(f, key);
            if (min != null) {
                mins.put(f.getPath(), min);
            }
        }
        Comparator<AddFile> byKey = (a, b) -> {
            Object x = mins.get(a.getPath());
            Object y = mins.get(b.getPath());
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : 1) : -1;
            }
            return ColumnTypes.compare(x, y);
        };
        return byKey.thenComparing(byAge);
    }

    /** The minimum of {@code field} in a file's statistics, or null when unknown. */
    private static Object statsMin(AddFile f, Column field) {
        if (f.getStats() == null) {
            return null;
        }
        try {
            JsonNode min = STATS_JSON.readTree(FileStats.unquote(f.getStats())).path("minValues").get(field.name());
            return ColumnTypes.parseStatsValue(field.type(), min);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    /** {@code numRecords} of a file's statistics, or -1 when it has none. */
    private static long numRecords(AddFile f) {
        if (f.getStats() == null) {
            return -1;
        }
        try {
            JsonNode n = JSON.readTree(FileStats.unquote(f.getStats())).get("numRecords");
            return n == null || !n.canConvertToLong() ? -1 : n.asLong();
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return -1;
        }
    }

    // -------------------------------------------------------------------------------------------- VACUUM

    /**
     * Deletes the files of {@code silver/<table>} that no version within {@code retention} references
     * (see the class comment).
     *
     * @param retention how long removed and uncommitted files are kept; null for {@link #minRetention()}
     * @param dryRun    list the files only
     * @throws IllegalArgumentException if the retention is shorter than {@link #minRetention()} or the name invalid
     * @throws NoSuchElementException   if the table does not exist
     * @throws IOException              if the table folder cannot be listed or a file not deleted
     */
    public VacuumResult vacuum(String table, Duration retention, boolean dryRun) throws IOException {
        Duration keep = retention == null ? minRetention : retention;
        if (keep.isNegative() || keep.compareTo(minRetention) < 0) {
            throw new IllegalArgumentException("VACUUM retention " + text(keep) + " is shorter than lakehub.maintenance."
                    + "min-retention (" + text(minRetention) + "): it could delete files that readers of recent versions or "
                    + "loads in flight still need; use a retention of at least " + text(minRetention));
        }
        DeltaTable t = existing(table);
        ReentrantLock lock = lock(table);
        lock.lock();
        try {
            return doVacuum(t, keep, dryRun);
        } finally {
            lock.unlock();
        }
    }

    private record Candidate(Path path, String relative, long size) {
    }

    private VacuumResult doVacuum(DeltaTable t, Duration retention, boolean dryRun) throws IOException {
        long started = System.currentTimeMillis();
        long cutoff = started - retention.toMillis();
        DeltaLog log = t.log();
        FileSystem fs = t.path().getFileSystem(lake.conf());
        Path root = fs.makeQualified(t.path());
        String rootPath = root.toUri().getPath();
        Snapshot latest = log.update();
        Set<String> live = new HashSet<>();
        for (AddFile f : latest.getAllFiles()) {
            live.add(relative(f.getPath(), rootPath));
        }
        // a named version is one a data scientist means to read again: its files outlive any retention
        for (TableTags.Tag tag : TableTags.fromProperties(latest.getMetadata().getConfiguration())) {
            try {
                for (AddFile f : log.getSnapshotForVersionAsOf(tag.version()).getAllFiles()) {
                    live.add(relative(f.getPath(), rootPath));
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot read tagged version " + tag.version() + " (" + tag.name() + ") of "
                        + t.name() + "; VACUUM refuses to run rather than delete its files: " + e.getMessage(), e);
            }
        }
        Map<String, Long> removedAt = removalTimes(log, rootPath);
        List<Candidate> candidates = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        collect(fs, root, rootPath, live, removedAt, cutoff, candidates, folders);
        candidates.sort(Comparator.comparing(Candidate::relative));
        long bytes = candidates.stream().mapToLong(Candidate::size).sum();
        List<String> listed = candidates.stream().limit(LISTED_FILES).map(Candidate::relative).toList();
        if (dryRun || candidates.isEmpty()) {
            return new VacuumResult(t.name(), "VACUUM", dryRun, hours(retention), candidates.size(), bytes, 0, listed,
                    null, null, System.currentTimeMillis() - started);
        }

        Map<String, String> startParams = new LinkedHashMap<>();
        startParams.put("operation", DeltaTable.json(VACUUM_START));
        startParams.put("retentionCheckEnabled", DeltaTable.json(Boolean.toString(minRetention.compareTo(Duration.ZERO) > 0)));
        startParams.put("specifiedRetentionMillis", DeltaTable.json(Long.toString(retention.toMillis())));
        startParams.put("defaultRetentionMillis", DeltaTable.json(Long.toString(minRetention.toMillis())));
        Map<String, String> startMetrics = new LinkedHashMap<>();
        startMetrics.put("numFilesToDelete", Integer.toString(candidates.size()));
        startMetrics.put("sizeOfDataToDelete", Long.toString(bytes));
        long startVersion = recordOnly(log, startParams, startMetrics);

        int deleted = 0;
        int folderCount = 0;
        try {
            for (Candidate c : candidates) {
                if (fs.delete(c.path(), false)) {
                    deleted++;
                }
            }
            folders.sort(Comparator.comparing((Path p) -> p.toUri().getPath().length()).reversed());
            for (Path folder : folders) {
                if (fs.listStatus(folder).length == 0 && fs.delete(folder, false)) {
                    folderCount++;
                }
            }
        } catch (IOException | RuntimeException e) {
            long failedAt = recordOnly(log, vacuumEnd("FAILED"), vacuumEndMetrics(deleted, folderCount, started));
            LOG.warn("VACUUM silver/{}: failed after deleting {} of {} files (version {}): {}", t.name(), deleted,
                    candidates.size(), failedAt, e.getMessage());
            throw e;
        }
        long endVersion = recordOnly(log, vacuumEnd("COMPLETED"), vacuumEndMetrics(deleted, folderCount, started));
        long duration = System.currentTimeMillis() - started;
        LOG.info("VACUUM silver/{} (retention {}) -> versions {}-{}: {} files ({} bytes), {} folders deleted in {} ms",
                t.name(), text(retention), startVersion, endVersion, deleted, bytes, folderCount, duration);
        return new VacuumResult(t.name(), "VACUUM", false, hours(retention), deleted, bytes, folderCount, listed,
                startVersion, endVersion, duration);
    }

    private static Map<String, String> vacuumEnd(String status) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("operation", DeltaTable.json(VACUUM_END));
        params.put("status", DeltaTable.json(status));
        return params;
    }

    private static Map<String, String> vacuumEndMetrics(int deleted, int folders, long started) {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numDeletedFiles", Integer.toString(deleted));
        metrics.put("numVacuumedDirectories", Integer.toString(folders));
        metrics.put(Operation.Metrics.executionTimeMs, Long.toString(System.currentTimeMillis() - started));
        return metrics;
    }

    /** Commits a version with no actions but its {@code commitInfo}: how a VACUUM is recorded. */
    private static long recordOnly(DeltaLog log, Map<String, String> params, Map<String, String> metrics) {
        return log.startTransaction().commit(List.<Action>of(), new Operation(Operation.Name.MANUAL_UPDATE, params, metrics),
                DeltaTable.ENGINE).getVersion();
    }

    /** The latest {@code deletionTimestamp} of every path a {@code remove} action in the available log names. */
    private static Map<String, Long> removalTimes(DeltaLog log, String rootPath) throws IOException {
        Map<String, Long> out = new HashMap<>();
        Iterator<VersionLog> versions = log.getChanges(0, false);
        while (versions.hasNext()) {
            try (CloseableIterator<Action> actions = versions.next().getActionsIterator()) {
                while (actions.hasNext()) {
                    if (actions.next() instanceof RemoveFile r && r.getDeletionTimestamp().isPresent()) {
                        out.merge(relative(r.getPath(), rootPath), r.getDeletionTimestamp().get(), Math::max);
                    }
                }
            }
        }
        return out;
    }

    private static void collect(FileSystem fs, Path dir, String rootPath, Set<String> live, Map<String, Long> removedAt,
                                long cutoff, List<Candidate> out, List<Path> folders) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue; // _delta_log, and hidden files of other tools
            }
            if (s.isDirectory()) {
                folders.add(s.getPath());
                collect(fs, s.getPath(), rootPath, live, removedAt, cutoff, out, folders);
                continue;
            }
            String rel = s.getPath().toUri().getPath().substring(rootPath.length() + 1);
            Long removed = removedAt.get(rel);
            boolean recentlyRemoved = removed != null && removed >= cutoff;
            if (!live.contains(rel) && !recentlyRemoved && s.getModificationTime() < cutoff) {
                out.add(new Candidate(s.getPath(), rel, s.getLen()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ CHECKPOINT

    /**
     * Writes a checkpoint of the latest version of {@code silver/<table>} now (see the class comment).
     *
     * @throws NoSuchElementException        if the table does not exist
     * @throws UnsupportedOperationException if the Delta log is not delta-standalone's implementation
     * @throws IOException                   if {@code _last_checkpoint} cannot be read
     */
    public CheckpointResult checkpoint(String table) throws IOException {
        DeltaTable t = existing(table);
        ReentrantLock lock = lock(table);
        lock.lock();
        try {
            long started = System.currentTimeMillis();
            if (!(t.log() instanceof DeltaLogImpl impl)) {
                throw new UnsupportedOperationException("checkpoint on demand needs delta-standalone's DeltaLogImpl, not "
                        + t.log().getClass().getName());
            }
            SnapshotImpl latest = impl.update();
            long version = latest.getVersion();
            String file = String.format("_delta_log/%020d.checkpoint.parquet", version);
            boolean written = lastCheckpointVersion(t) != version;
            if (written) {
                impl.checkpoint(latest);
            }
            long duration = System.currentTimeMillis() - started;
            if (written) {
                LOG.info("CHECKPOINT silver/{} at version {} in {} ms", t.name(), version, duration);
            }
            return new CheckpointResult(t.name(), "CHECKPOINT", version, written, file, latest.getAllFiles().size(), duration);
        } finally {
            lock.unlock();
        }
    }

    /** The version in {@code _delta_log/_last_checkpoint} (Delta protocol, "Last Checkpoint File"), or -1. */
    private long lastCheckpointVersion(DeltaTable t) throws IOException {
        Path p = new Path(t.path(), "_delta_log/_last_checkpoint");
        FileSystem fs = p.getFileSystem(lake.conf());
        try (InputStream in = fs.open(p)) {
            JsonNode v = JSON.readTree(in).get("version");
            return v == null ? -1 : v.asLong();
        } catch (FileNotFoundException e) {
            return -1;
        } catch (JsonProcessingException e) {
            return -1; // a partial file: write a new checkpoint
        }
    }

    // -------------------------------------------------------------------------------------------- helpers

    private DeltaTable existing(String table) {
        DeltaTable t = new DeltaTable(lake, table);
        t.snapshot(null);
        t.requireWritable();
        return t;
    }

    private ReentrantLock lock(String table) {
        return locks.computeIfAbsent(table, k -> new ReentrantLock());
    }

    /**
     * A data file path as the table folder sees it: an {@code add}/{@code remove} path is a URI
     * (Delta protocol, "Add File and Remove File"), relative to the table or absolute; decoded here.
     */
    private static String relative(String path, String rootPath) {
        try {
            URI uri = new URI(path);
            if (!uri.isAbsolute()) {
                return uri.getPath();
            }
            String p = uri.getPath();
            return p.startsWith(rootPath + "/") ? p.substring(rootPath.length() + 1) : p;
        } catch (URISyntaxException e) {
            return path;
        }
    }

    /** {@code 168h}, or {@code 1.5h}, or {@code 90s} for less than an hour. */
    private static String text(Duration d) {
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        return d.toMillis() >= 3_600_000 ? hours(d) + "h" : d.toMillis() / 1000.0 + "s";
    }

    private static double hours(Duration d) {
        return d.toMillis() / 3_600_000.0;
    }

}
