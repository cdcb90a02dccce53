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
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance of the silver Delta tables: OPTIMIZE (compaction), VACUUM and CHECKPOINT on demand.
 *
 * <h2>Operation names in the log</h2>
 * Maintenance commits are written as {@code "operation":"Manual Update"} and name the real operation in
 * {@code operationParameters.operation}: {@value #OPTIMIZE}, {@value #VACUUM_START} or {@value #VACUUM_END},
 * the names Spark writes as {@code commitInfo.operation}. That is how the hub wrote them with delta-standalone,
 * whose {@code Operation.Name} had no such names, and Delta Kernel's {@code Operation} enum has none either;
 * the hub writes its own {@code commitInfo} ({@link KernelActions}) and keeps the old form so that a table's
 * history reads the same across the upgrade. A reader looking for compactions filters on
 * {@code operationParameters.operation}.
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
 * Every commit of the hub checkpoints on its own every {@code delta.checkpointInterval} (10) commits (Kernel's
 * post-commit hook, {@link DeltaCommit}); this writes one for the latest version now, through Kernel's public
 * {@code Snapshot.writeCheckpoint}: {@code _delta_log/<version>.checkpoint.parquet} and {@code _last_checkpoint}.
 * A version that already has the last checkpoint is not written again.
 *
 * <p>Operations on one table run one at a time within this instance (a lock per table); commits from
 * other writers are ordered by Delta's optimistic concurrency, never rebased ({@link DeltaCommit}). Thread-safe.
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
        DeltaCommit commit = DeltaCommit.begin(t);
        if (commit.newTable()) {
            throw new NoSuchElementException("table " + t.name() + " does not exist");
        }
        TableSchema schema = commit.schema();
        List<DataFile> all = commit.files();

        Map<String, List<DataFile>> byPartition = new TreeMap<>();
        int considered = 0;
        for (DataFile f : all) {
            long rows = f.numRecords();
            if (rows >= 0 && rows < targetFileRows) {
                byPartition.computeIfAbsent(new TreeMap<>(f.partitionValues()).toString(), k -> new ArrayList<>()).add(f);
                considered++;
            }
        }
        Comparator<DataFile> order = packingOrder(all, commit.properties(), schema);
        List<List<DataFile>> bins = new ArrayList<>();
        for (List<DataFile> files : byPartition.values()) {
            files.sort(order);
            List<DataFile> bin = new ArrayList<>();
            long binRows = 0;
            for (DataFile f : files) {
                long rows = f.numRecords();
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
            return new OptimizeResult(t.name(), OPTIMIZE, false, commit.readVersion(), 0, 0, considered, 0, 0, 0,
                    targetFileRows, System.currentTimeMillis() - started);
        }

        List<DataFile> removes = new ArrayList<>();
        List<DataFile> written = new ArrayList<>();
        int removed = 0;
        long rows = 0;
        long bytesRemoved = 0;
        long bytesAdded = 0;
        try {
            for (List<DataFile> bin : bins) {
                DataFile out = rewrite(t, bin, schema);
                written.add(out);
                long expected = 0;
                for (DataFile f : bin) {
                    removes.add(f);
                    expected += f.numRecords();
                    bytesRemoved += f.size();
                    removed++;
                }
                long got = out.numRecords();
                if (got != expected) {
                    throw new IllegalStateException("OPTIMIZE of " + t.name() + " read " + got + " rows from files whose "
                            + "statistics say " + expected + "; table left unchanged");
                }
                rows += got;
                bytesAdded += out.size();
            }
            Map<String, String> params = new LinkedHashMap<>();
            params.put("operation", OPTIMIZE);
            params.put("predicate", "[]");
            params.put("zOrderBy", "[]");
            params.put("targetFileRows", Long.toString(targetFileRows));
            Map<String, String> metrics = new LinkedHashMap<>();
            metrics.put("numRemovedFiles", Integer.toString(removed));
            metrics.put("numAddedFiles", Integer.toString(written.size()));
            metrics.put("numRemovedBytes", Long.toString(bytesRemoved));
            metrics.put("numAddedBytes", Long.toString(bytesAdded));
            metrics.put("numBatches", Integer.toString(bins.size()));
            metrics.put("totalConsideredFiles", Integer.toString(considered));
            metrics.put("totalFilesSkipped", Integer.toString(considered - removed));
            metrics.put("numOutputRows", Long.toString(rows));
            metrics.put("executionTimeMs", Long.toString(System.currentTimeMillis() - started));
            FaultInjection.reach(FaultPoint.OPTIMIZE_BEFORE_COMMIT, t.name());
            long version = commitCompaction(t, commit, removes, written, params, metrics);
            long duration = System.currentTimeMillis() - started;
            LOG.info("OPTIMIZE silver/{} -> version {}: {} files -> {} ({} rows, {} -> {} bytes) in {} ms", t.name(), version,
                    removed, written.size(), rows, bytesRemoved, bytesAdded, duration);
            return new OptimizeResult(t.name(), OPTIMIZE, true, version, removed, written.size(), considered, rows,
                    bytesRemoved, bytesAdded, targetFileRows, duration);
        } catch (CommitConflictException e) {
            written.forEach(f -> deleteQuietly(t, f));
            throw new IllegalStateException("OPTIMIZE of " + t.name() + " conflicted with a concurrent commit and changed "
                    + "nothing; retry: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            written.forEach(f -> deleteQuietly(t, f));
            throw e;
        }
    }

    /** Attempts to commit a compaction (the first one plus retries) before giving up on concurrent commits. */
    private static final int COMMIT_ATTEMPTS = 5;

    /**
     * Commits the removes and adds of a compaction ({@code "Manual Update"}, see the class comment), all with
     * {@code dataChange=false}. When another commit won the version (typically a load that added files and
     * moved its watermark), the compaction is planned again on the new version: it is still valid as long as
     * every file it removes is still in the table, since the new files hold exactly those files' rows; it is
     * committed on that version, up to {@value #COMMIT_ATTEMPTS} attempts. A removed file that is gone (a
     * MERGE rewrote it) is a real conflict: {@link CommitConflictException}.
     */
    private static long commitCompaction(DeltaTable t, DeltaCommit first, List<DataFile> removes, List<DataFile> adds,
                                         Map<String, String> params, Map<String, String> metrics) {
        DeltaCommit commit = first;
        for (int attempt = 1; ; attempt++) {
            for (DataFile f : removes) {
                commit.remove(f, false);
            }
            for (DataFile f : adds) {
                commit.add(f.path(), f.partitionValues(), f.size(), f.modificationTime(), f.stats(), false);
            }
            commit.operation("Manual Update", params, metrics, null);
            try {
                return commit.commit();
            } catch (CommitConflictException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw e;
                }
                commit = DeltaCommit.begin(t);
                Set<String> live = new HashSet<>();
                for (DataFile f : commit.files()) {
                    live.add(f.path());
                }
                for (DataFile r : removes) {
                    if (!live.contains(r.path())) {
                        throw e;
                    }
                }
                LOG.debug("OPTIMIZE: {}; its files are all still live, committing on version {}", e.getMessage(),
                        commit.readVersion());
            }
        }
    }

    private static void deleteQuietly(DeltaTable t, DataFile f) {
        try {
            Path p = new Path(t.path(), new URI(f.path()).getPath());
            p.getFileSystem(t.lake().conf()).delete(p, false);
        } catch (IOException | URISyntaxException | RuntimeException ignored) {
            // an orphan data file is harmless: no commit references it, VACUUM removes it
        }
    }

    /**
     * Writes the rows of {@code bin} into one new file in the folder of the first one (the table folder
     * when that path is absolute), described with {@code dataChange=false} and the bin's partition values.
     */
    private DataFile rewrite(DeltaTable t, List<DataFile> bin, TableSchema schema) throws IOException {
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
        String plainPath;
        long plainSize;
        long plainTime;
        String plainStats;
        try {
            for (DataFile f : bin) {
                try (ParquetRowReader reader = new ParquetRowReader(new Path(t.path(), f.getPath()), lake.conf(), schema)) {
                    Object[] row;
                    while ((row = reader.next()) != null) {
                        writer.write(row);
                    }
                }
            }
            var plain = writer.finish();
            plainPath = plain.getPath();
            plainSize = plain.getSize();
            plainTime = plain.getModificationTime();
            plainStats = FileStats.unquote(plain.getStats());
        } catch (IOException | RuntimeException e) {
            writer.delete();
            throw e;
        }
        return new DataFile(folder + plainPath, bin.get(0).partitionValues(), plainSize, plainTime, plainStats, null);
    }

    /**
     * The order small files are packed in: by the minimum of the first key column (table property
     * {@value VersionDiff#KEYS_PROPERTY}, from the file statistics), so that neighbouring key ranges end up
     * in the same file and a MERGE, which prunes files by that column's min/max, still touches few of them;
     * files without that statistic last; ties, and tables without keys, in the order the table reads them
     * (modification time, then path).
     */
    private static Comparator<DataFile> packingOrder(List<DataFile> all, Map<String, String> properties, TableSchema schema) {
        Comparator<DataFile> byAge = Comparator.comparingLong(DataFile::modificationTime).thenComparing(DataFile::path);
        String keys = properties.get(VersionDiff.KEYS_PROPERTY);
        Column key = keys == null || keys.isBlank() ? null : SchemaEvolution.find(schema, keys.split(",")[0].trim());
        if (key == null) {
            return byAge;
        }
        Map<String, Object> mins = new HashMap<>();
        for (DataFile f : all) {
            Object min = statsMin(f, key);
            if (min != null) {
                mins.put(f.path(), min);
            }
        }
        Comparator<DataFile> byKey = (a, b) -> {
            Object x = mins.get(a.path());
            Object y = mins.get(b.path());
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : 1) : -1;
            }
            return ColumnTypes.compare(x, y);
        };
        return byKey.thenComparing(byAge);
    }

    /** The minimum of {@code field} in a file's statistics, or null when unknown. */
    private static Object statsMin(DataFile f, Column field) {
        JsonNode stats = f.statsJson();
        if (stats == null) {
            return null;
        }
        try {
            return ColumnTypes.parseStatsValue(field.type(), stats.path("minValues").get(field.name()));
        } catch (RuntimeException e) {
            return null;
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
        FileSystem fs = t.path().getFileSystem(lake.conf());
        Path root = fs.makeQualified(t.path());
        String rootPath = root.toUri().getPath();
        TableSnapshot head = t.latest();
        Set<String> live = new HashSet<>();
        for (DataFile f : head.files()) {
            live.add(relative(f.path(), rootPath));
        }
        // a named version is one a data scientist means to read again: its files outlive any retention
        for (TableTags.Tag tag : TableTags.fromProperties(head.properties())) {
            try {
                for (DataFile f : t.snapshot(tag.version()).files()) {
                    live.add(relative(f.path(), rootPath));
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot read tagged version " + tag.version() + " (" + tag.name() + ") of "
                        + t.name() + "; VACUUM refuses to run rather than delete its files: " + e.getMessage(), e);
            }
        }
        Map<String, Long> removedAt = removalTimes(t, rootPath);
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
        startParams.put("operation", VACUUM_START);
        startParams.put("retentionCheckEnabled", Boolean.toString(minRetention.compareTo(Duration.ZERO) > 0));
        startParams.put("specifiedRetentionMillis", Long.toString(retention.toMillis()));
        startParams.put("defaultRetentionMillis", Long.toString(minRetention.toMillis()));
        Map<String, String> startMetrics = new LinkedHashMap<>();
        startMetrics.put("numFilesToDelete", Integer.toString(candidates.size()));
        startMetrics.put("sizeOfDataToDelete", Long.toString(bytes));
        long startVersion = recordOnly(t, startParams, startMetrics);

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
            long failedAt = recordOnly(t, vacuumEnd("FAILED"), vacuumEndMetrics(deleted, folderCount, started));
            LOG.warn("VACUUM silver/{}: failed after deleting {} of {} files (version {}): {}", t.name(), deleted,
                    candidates.size(), failedAt, e.getMessage());
            throw e;
        }
        long endVersion = recordOnly(t, vacuumEnd("COMPLETED"), vacuumEndMetrics(deleted, folderCount, started));
        long duration = System.currentTimeMillis() - started;
        LOG.info("VACUUM silver/{} (retention {}) -> versions {}-{}: {} files ({} bytes), {} folders deleted in {} ms",
                t.name(), text(retention), startVersion, endVersion, deleted, bytes, folderCount, duration);
        return new VacuumResult(t.name(), "VACUUM", false, hours(retention), deleted, bytes, folderCount, listed,
                startVersion, endVersion, duration);
    }

    private static Map<String, String> vacuumEnd(String status) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("operation", VACUUM_END);
        params.put("status", status);
        return params;
    }

    private static Map<String, String> vacuumEndMetrics(int deleted, int folders, long started) {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numDeletedFiles", Integer.toString(deleted));
        metrics.put("numVacuumedDirectories", Integer.toString(folders));
        metrics.put("executionTimeMs", Long.toString(System.currentTimeMillis() - started));
        return metrics;
    }

    /** Commits a version with no actions but its {@code commitInfo}: how a VACUUM is recorded. */
    private static long recordOnly(DeltaTable t, Map<String, String> params, Map<String, String> metrics) {
        return DeltaCommit.withRetry(COMMIT_ATTEMPTS, () -> {
            DeltaCommit commit = DeltaCommit.begin(t);
            commit.operation("Manual Update", params, metrics, null);
            return commit.commit();
        });
    }

    /**
     * The latest {@code deletionTimestamp} of every path a {@code remove} action in the available log names:
     * every commit file still in {@code _delta_log} (Delta protocol, "Delta Log Entries"), read line by line.
     */
    private static Map<String, Long> removalTimes(DeltaTable t, String rootPath) throws IOException {
        Map<String, Long> out = new HashMap<>();
        CommitFiles.forEachFileAction(t, (kind, r) -> {
            if (kind.equals("remove") && r.hasNonNull("path") && r.hasNonNull("deletionTimestamp")) {
                out.merge(relative(r.get("path").asText(), rootPath), r.get("deletionTimestamp").asLong(), Math::max);
            }
        });
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
     * @throws IOException                   if {@code _last_checkpoint} cannot be read
     */
    public CheckpointResult checkpoint(String table) throws IOException {
        DeltaTable t = existing(table);
        ReentrantLock lock = lock(table);
        lock.lock();
        try {
            long started = System.currentTimeMillis();
            TableSnapshot head = t.latest();
            long version = head.version();
            String file = String.format("_delta_log/%020d.checkpoint.parquet", version);
            boolean written = lastCheckpointVersion(t) != version;
            if (written) {
                written = head.writeCheckpoint();
            }
            long duration = System.currentTimeMillis() - started;
            if (written) {
                LOG.info("CHECKPOINT silver/{} at version {} in {} ms", t.name(), version, duration);
            }
            return new CheckpointResult(t.name(), "CHECKPOINT", version, written, file, head.files().size(), duration);
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
