package io.lakehub.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.hadoop.fs.Path;

/**
 * One Delta table of the lake: history, time travel reads, and the single-commit MERGE of a load.
 *
 * <p>All Delta access of the hub goes through this package (DESIGN.md, "Delta Lake"): reads through Delta
 * Kernel ({@link TableSnapshot}), every commit through one builder, {@link DeltaCommit} (Kernel's transaction
 * API, plus {@link KernelActions} for what Kernel has no public API for). Tables are created with protocol
 * (1,2); a checkpoint is written every {@code delta.checkpointInterval} commits (10 by default). A commit is
 * never rebased over a concurrent one: it is planned again on the new version. The MERGE of a load is
 * {@link CopyOnWriteMerge}, the history {@link TableHistory}. Thread-safe: every call reads its own snapshot.
 */
public final class DeltaTable {

    /** Table property prefix of a named version: {@code lakehub.tag.<tag>} = version number. */
    public static final String TAG_PREFIX = "lakehub.tag.";

    /** Written as {@code commitInfo.engineInfo}. */
    public static final String ENGINE = "lakehub/0.1.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LakeStorage lake;
    private final String name;
    private final Path path;

    /**
     * @param lake the lake
     * @param name the table name; the table lives at {@code silver/<name>}
     * @throws IllegalArgumentException if the name is not {@code [A-Za-z0-9_]+}
     */
    public DeltaTable(LakeStorage lake, String name) {
        if (name == null || !name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("table name must match [A-Za-z0-9_]+: " + name);
        }
        this.lake = lake;
        this.name = name;
        this.path = lake.silverTable(name);
    }

    /**
     * A gold table: {@code gold/<name>}, a table the hub materializes from SQL over silver (DESIGN.md,
     * "SQL over the lake").
     *
     * @throws IllegalArgumentException if the name is not {@code [A-Za-z0-9_]+}
     */
    public static DeltaTable gold(LakeStorage lake, String name) {
        return new DeltaTable(lake, name, "gold");
    }

    private DeltaTable(LakeStorage lake, String name, String layer) {
        if (name == null || !name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("table name must match [A-Za-z0-9_]+: " + name);
        }
        this.lake = lake;
        this.name = name;
        this.path = lake.path(layer + "/" + name);
    }

    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    /**
     * Whether the table has at least one commit: a commit file or a checkpoint in {@code _delta_log}
     * (a listing, so also true for a table the hub cannot read).
     *
     * @throws UncheckedIOException if the log folder cannot be listed
     */
    public boolean exists() {
        Path logPath = new Path(path, "_delta_log");
        try {
            org.apache.hadoop.fs.FileSystem fs = logPath.getFileSystem(lake.conf());
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(logPath)) {
                String n = f.getPath().getName();
                if (n.matches("\\d{20}\\.json") || n.matches("\\d{20}\\.checkpoint.*\\.parquet")) {
                    return true;
                }
            }
            return false;
        } catch (java.io.FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the log of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The latest version, read through Delta Kernel.
     *
     * @throws NoSuchElementException   if the table does not exist
     * @throws UnreadableTableException if Kernel cannot read its log
     */
    public TableSnapshot latest() {
        return snapshot(null);
    }

    /**
     * A version, read through Delta Kernel (every reader feature Kernel reads; {@link TableSnapshot}).
     *
     * @param version a version number, or {@code null} for the latest
     * @throws NoSuchElementException   if the table or that version does not exist (or its log was cleaned up)
     * @throws UnreadableTableException if the log uses a feature Kernel does not read or cannot be replayed
     */
    public TableSnapshot snapshot(Long version) {
        var engine = KernelSupport.engine(lake.conf());
        if (!exists()) {
            throw new NoSuchElementException("table " + name + " does not exist");
        }
        io.delta.kernel.Snapshot head = KernelSupport.load(engine, name, path.toString(), null);
        if (version == null || version == head.getVersion()) {
            return new TableSnapshot(name, engine, head);
        }
        if (version < 0 || version > head.getVersion()) {
            throw new NoSuchElementException("table " + name + " has versions 0.." + head.getVersion() + ", not " + version);
        }
        io.delta.kernel.Snapshot at;
        try {
            at = KernelSupport.load(engine, name, path.toString(), version);
        } catch (UnreadableTableException e) {
            if (e.reason() == UnreadableTableException.Reason.UNSUPPORTED_FEATURE) {
                throw e;
            }
            throw new NoSuchElementException("version " + version + " of " + name + " can no longer be read: "
                    + e.getMessage());
        }
        return new TableSnapshot(name, engine, at);
    }

    /**
     * Checks that the hub's writer can commit to this table: protocol reader 1 / writer at most 2 (or no
     * table yet).
     *
     * @throws UnwritableTableException if the table needs a newer protocol
     * @throws UnreadableTableException if its log cannot be read
     */
    public void requireWritable() {
        if (!exists()) {
            return;
        }
        Map<String, Object> protocol = snapshot(null).protocol();
        if (((Number) protocol.get("minReaderVersion")).intValue() > 1 || ((Number) protocol.get("minWriterVersion")).intValue() > 2) {
            throw new UnwritableTableException(name, protocol);
        }
    }

    /** The table properties ({@code metaData.configuration}) of the latest version; empty if none. */
    public Map<String, String> properties() {
        return exists() ? snapshot(null).properties() : Map.of();
    }

    /** The {@code txn} version recorded for {@code appId}, or -1 if none (Delta protocol "Transaction Identifiers"). */
    public long txnVersion(String appId) {
        return exists() ? latest().txnVersion(appId) : -1;
    }

    /**
     * The commit history, newest first, as maps (see {@link HistoryEntry#toMap()}).
     *
     * @param limit most entries to return
     */
    public List<Map<String, Object>> history(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HistoryEntry e : historyEntries(limit)) {
            out.add(e.toMap());
        }
        return out;
    }

    /**
     * The commit history, newest first: the {@code commitInfo} of each commit file still in the log
     * (older ones are cleaned up after a checkpoint; the history stops there).
     *
     * @param limit most entries to return
     * @throws UncheckedIOException if the log cannot be listed or a commit file cannot be read
     */
    public List<HistoryEntry> historyEntries(int limit) {
        return new TableHistory(this).entries(limit);
    }

    /**
     * Iterates the rows of a version, file by file, in its schema, deletion vectors applied. Memory is
     * bounded by one batch of one file. Close the iterator when done early.
     */
    public RowIterator rows(TableSnapshot snapshot) {
        return new RowIterator(snapshot);
    }

    /**
     * The rows of a version ({@link VersionRows}) under the name callers of {@link #rows} use; kept so
     * they need not change while the Delta package moves to Kernel.
     */
    public static final class RowIterator extends VersionRows {
        RowIterator(TableSnapshot snapshot) {
            super(snapshot, snapshot.entries());
        }
    }

    /**
     * What a {@link #commitLoad} did.
     *
     * @param version          the table version the load became, or the existing version if it was already committed
     * @param alreadyCommitted the {@code txn} of this load was already in the log (a replay); nothing was written
     * @param operation        {@code WRITE} for the first load of a table, else {@code MERGE}
     * @param inserted         rows whose key was new
     * @param updated          rows that replaced a row with the same key
     * @param deleted          rows removed because the source flagged their key deleted (soft delete)
     * @param filesAdded       data files added (staged plus rewritten)
     * @param filesRemoved     data files removed (rewritten)
     */
    public record CommitOutcome(long version, boolean alreadyCommitted, String operation, long inserted, long updated,
                                long deleted, int filesAdded, int filesRemoved, long copiedRows) {
    }

    /**
     * Commits a staged load as one Delta commit: copy-on-write MERGE by key, the {@code txn} action
     * {@code (appId, loadVersion)}, the given table properties (e.g. the watermark) and
     * {@code userMetadata} (lineage of the load).
     *
     * <p>Existing files are pruned by the first key column's min/max statistics; a file that may hold
     * an incoming key is read, rows whose key is incoming are dropped, and the rest is written to a
     * new file, which replaces it in the same commit. A file that turns out to hold no incoming key is
     * kept as is. Rewrites of several files run on up to {@code rewriteThreads} threads.
     *
     * @param appId       the {@code txn} application id of the load's source, e.g. {@code lakehub-sql-loans}
     * @param loadVersion this load's sequence number: exactly one more than the last committed one
     * @param properties  table properties to set in the same commit
     * @param tags        named versions to point at the version this commit becomes (table properties
     *                    {@code lakehub.tag.<tag>}); if a concurrent commit made it land on another
     *                    version than expected, a follow-up SET_TABLE_PROPERTIES commit corrects them
     * @param userMetadata JSON text for {@code commitInfo.userMetadata}
     * @return the outcome; {@code alreadyCommitted} when {@code txnVersion(appId) >= loadVersion}
     * @throws SchemaMismatchException if the staged schema cannot evolve the table's
     * @throws IllegalStateException   if another writer committed a later load of the same source
     * @throws CommitConflictException if concurrent commits conflicted {@value #COMMIT_ATTEMPTS}
     *                                  times in a row (each conflict restarts the MERGE on the new snapshot)
     * @throws IOException             if a data file cannot be read or written
     */
    public CommitOutcome commitLoad(StagedLoad load, String appId, long loadVersion, Map<String, String> properties,
                                    List<String> tags, String userMetadata, int rewriteThreads) throws IOException {
        // planning, file rewriting, metrics and the re-plan on a conflict: CopyOnWriteMerge
        return new CopyOnWriteMerge(this).commit(load, appId, loadVersion, properties, tags, userMetadata, rewriteThreads);
    }

    /** Attempts of {@link #commitLoad}, {@link #commitRewrite} and table property commits against concurrent commits before the conflict is reported. */
    public static final int COMMIT_ATTEMPTS = 5;

    /**
     * Attempts of {@link #commitAppend} against concurrent commits. Higher than {@link #COMMIT_ATTEMPTS}: an
     * append's re-plan only re-reads the {@code txn} versions (no data file is rewritten), and writers that
     * share a table (the partitions of one topic) race for every next version; delta-standalone resolved
     * those races inside its commit without a bound.
     */
    public static final int APPEND_ATTEMPTS = 30;

    /** Adds a data file written under this table to {@code commit}. */
    static void add(DeltaCommit commit, DataFile f) {
        commit.add(f.getPath(), f.getPartitionValues(), f.getSize(), f.getModificationTime(), f.getStats());
    }

    /**
     * A value as JSON text, for an {@code operationParameters} entry that holds JSON as Spark writes it
     * (e.g. {@code partitionBy} {@code ["a"]}, SET TBLPROPERTIES' {@code properties} object).
     */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Total size in bytes of {@code files}. */
    static long bytes(List<DataFile> files) {
        long total = 0;
        for (DataFile f : files) {
            total += f.getSize();
        }
        return total;
    }

    /**
     * Deletes those of {@code files} that the latest version does not reference (best effort): the
     * staged files of a load that failed, or of a replayed load whose {@code txn} was already committed.
     * A file the table references is never deleted, so replaying a commit with the very files it
     * committed is harmless; if the log cannot be read, nothing is deleted.
     */
    public void deleteUnreferenced(Collection<DataFile> files) {
        Set<String> live = new HashSet<>();
        try {
            if (exists()) {
                for (DataFile f : latest().files()) {
                    live.add(f.path());
                }
            }
        } catch (RuntimeException e) {
            return; // an orphan is harmless, a deleted live file is not
        }
        for (DataFile f : files) {
            if (!live.contains(f.path())) {
                deleteQuietly(f);
            }
        }
    }

    /** Deletes staged or rewritten files that will not be committed (best effort). */
    public void deleteQuietly(DataFile file) {
        try {
            Path p = new Path(path, file.path());
            p.getFileSystem(lake.conf()).delete(p, false);
        } catch (IOException | RuntimeException ignored) {
            // an orphan data file is harmless: no commit references it, VACUUM removes it
        }
    }

    /** The lake this table lives in; its Hadoop configuration opens the table's data files. */
    LakeStorage lake() {
        return lake;
    }

    /**
     * What a {@link #commitAppend} did.
     *
     * @param version      the table version the append became
     * @param rows         rows added
     * @param filesAdded   data files added
     */
    public record AppendOutcome(long version, long rows, int filesAdded) {
    }

    /**
     * Appends data files in one Delta commit ({@code STREAMING UPDATE}, output mode Append) that also
     * carries one {@code txn} action per entry of {@code txns}: the progress of several independent
     * sources (e.g. the partitions of a Kafka topic) committed with the rows that cover it (DESIGN.md
     * invariant 2). Creates the table with {@code schema} on first use; an existing table must have the
     * same columns. Same as {@link #commitAppend(List, long, TableSchema, Map, Map, String)} with no
     * expected versions: each app id only has to be below its new version.
     *
     * @throws IllegalStateException   if an app id is already at or above its new version
     * @throws SchemaMismatchException if the existing table has other columns
     * @throws CommitConflictException if concurrent commits conflicted {@value #APPEND_ATTEMPTS} times in a row
     */
    public AppendOutcome commitAppend(List<DataFile> files, long rows, TableSchema schema, Map<String, Long> txns,
                                      String userMetadata) {
        return commitAppend(files, rows, schema, txns, Map.of(), userMetadata);
    }

    /**
     * Appends data files in one Delta commit ({@code STREAMING UPDATE}, output mode Append) that also
     * carries one {@code txn} action per entry of {@code txns}, for writers that share the table: the
     * hub instances of one consumer group, each committing the partitions it owns.
     *
     * <p>The caller read each app id's version ({@link #txnVersion}) before it chose its rows and passes
     * it in {@code expected}: rows above that version are new. The commit re-checks every app id inside
     * its transaction; if one moved (another writer committed the same source, e.g. a partition that a
     * consumer group rebalance gave to another instance while this batch was in flight), the rows may
     * overlap what is committed and nothing is written. A concurrent commit that touches other app ids
     * (a disjoint append, or the creation of the table by another writer) is not a conflict: Delta's
     * optimistic concurrency (PROTOCOL.md, "Optimistic Concurrency Control") makes this commit fail with
     * a {@link CommitConflictException}, and it starts over on the new snapshot, re-checking
     * the app ids there, up to {@value #APPEND_ATTEMPTS} attempts.
     *
     * @param files        staged data files under this table (may be empty: a commit of progress only)
     * @param rows         rows in those files (operation metric numOutputRows)
     * @param schema       the table schema (the files' schema)
     * @param txns         app id to the new version of that app id; each must be above the committed one
     * @param expected     app id to the version the caller read before choosing its rows (-1: none);
     *                     an app id missing here only has to be below its new version
     * @param userMetadata JSON text for {@code commitInfo.userMetadata} (lineage)
     * @return the version the append became
     * @throws IllegalStateException   if an app id is not at its expected version, or is already at or above
     *                                 its new version: another writer committed the same source
     * @throws SchemaMismatchException if the existing table has other columns
     * @throws CommitConflictException if concurrent commits conflicted {@value #APPEND_ATTEMPTS} times in a row
     */
    public AppendOutcome commitAppend(List<DataFile> files, long rows, TableSchema schema, Map<String, Long> txns,
                                      Map<String, Long> expected, String userMetadata) {
        // a concurrent commit won the race: start over on the new snapshot, where the txn check decides
        // whether this append still holds only new rows
        return DeltaCommit.withRetry(APPEND_ATTEMPTS, () -> commitAppendOnce(files, rows, schema, txns, expected, userMetadata));
    }

    private AppendOutcome commitAppendOnce(List<DataFile> files, long rows, TableSchema schema, Map<String, Long> txns,
                                           Map<String, Long> expected, String userMetadata) {
        DeltaCommit commit = DeltaCommit.begin(this);
        for (Map.Entry<String, Long> e : txns.entrySet()) {
            long last = commit.txnVersion(e.getKey());
            Long read = expected.get(e.getKey());
            if (last >= e.getValue() || (read != null && last != read)) {
                throw new IllegalStateException(e.getKey() + " is at version " + last + " in " + name + " (expected "
                        + (read == null ? "below " + e.getValue() : read) + "): another writer committed the same source");
            }
        }
        if (commit.newTable()) {
            commit.create(schema, List.of());
        } else if (!commit.schema().equals(schema)) {
            throw new SchemaMismatchException("table " + name + " has schema " + commit.schema().treeString()
                    + " but the append has " + schema.treeString());
        }
        files.forEach(f -> add(commit, f));
        txns.forEach(commit::txn);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("outputMode", "Append");
        params.put("queryId", name);
        params.put("epochId", Long.toString(commit.readVersion() + 1));
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numOutputRows", Long.toString(rows));
        metrics.put("numAddedFiles", Integer.toString(files.size()));
        metrics.put("numRemovedFiles", "0");
        metrics.put("numOutputBytes", Long.toString(bytes(files)));
        metrics.put("executionTimeMs", Long.toString(commit.elapsedMs()));
        commit.operation("STREAMING UPDATE", params, metrics, userMetadata);
        FaultInjection.reach(FaultPoint.DELTA_BEFORE_COMMIT, name);
        return new AppendOutcome(commit.commit(), rows, files.size());
    }

    /**
     * Replaces the whole content of the table with {@code files} in one Delta commit ({@code WRITE},
     * mode Overwrite, as Spark's {@code df.write.mode("overwrite")}): every file of the read version is
     * removed ({@code dataChange=true}) and the new ones added, so readers see either the old content
     * or the new one, and the old one stays readable by version (time travel) until VACUUM. For sources
     * that deliver full snapshots (IMDB dumps). Creates the table with {@code schema} on first use; a
     * different schema replaces the table's schema (Spark's {@code overwriteSchema}), keeping its id and
     * properties. A concurrent commit that adds or removes files makes this one fail
     * ({@link CommitConflictException}) rather than lose them; one that leaves the files as they were (a tag,
     * a VACUUM record) makes it commit again on the new version, up to {@value #COMMIT_ATTEMPTS} attempts.
     *
     * @param files        staged data files under this table (may be empty: the table becomes empty)
     * @param rows         rows in those files (operation metric numOutputRows)
     * @param userMetadata JSON text for {@code commitInfo.userMetadata} (lineage)
     * @return the version written, the rows and the files added
     */
    public AppendOutcome commitOverwrite(List<DataFile> files, long rows, TableSchema schema, String userMetadata) {
        return commitOverwrite(files, rows, schema, Map.of(), userMetadata);
    }

    /**
     * {@link #commitOverwrite(List, long, TableSchema, String)} that also sets table properties in the same
     * commit (e.g. {@link VersionDiff#KEYS_PROPERTY}); other properties are kept.
     *
     * @param properties table properties to set; empty for none
     */
    public AppendOutcome commitOverwrite(List<DataFile> files, long rows, TableSchema schema, Map<String, String> properties,
                                         String userMetadata) {
        DeltaCommit commit = DeltaCommit.begin(this);
        Set<String> planned = paths(commit.files());
        for (int attempt = 1; ; attempt++) {
            try {
                return overwriteOnce(commit, files, rows, schema, properties, userMetadata);
            } catch (CommitConflictException e) {
                // planned again only when the winner left the file set as it was (a tag, a VACUUM record):
                // an overwrite over rows another writer added would lose them
                commit = DeltaCommit.begin(this);
                if (attempt >= COMMIT_ATTEMPTS || commit.newTable() || !paths(commit.files()).equals(planned)) {
                    throw e;
                }
            }
        }
    }

    private static Set<String> paths(List<DataFile> files) {
        Set<String> out = new HashSet<>();
        files.forEach(f -> out.add(f.identity()));
        return out;
    }

    private AppendOutcome overwriteOnce(DeltaCommit commit, List<DataFile> files, long rows, TableSchema schema,
                                        Map<String, String> properties, String userMetadata) {
        int removed = 0;
        if (commit.newTable()) {
            commit.create(schema, List.of());
        } else {
            commit.schema(schema);
            for (DataFile old : commit.files()) {
                commit.remove(old, true);
                removed++;
            }
        }
        commit.setProperties(properties);
        files.forEach(f -> add(commit, f));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", "Overwrite");
        params.put("partitionBy", "[]");
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numFiles", Integer.toString(files.size()));
        metrics.put("numOutputRows", Long.toString(rows));
        metrics.put("numOutputBytes", Long.toString(bytes(files)));
        metrics.put("numRemovedFiles", Integer.toString(removed));
        metrics.put("executionTimeMs", Long.toString(commit.elapsedMs()));
        commit.operation("WRITE", params, metrics, userMetadata);
        return new AppendOutcome(commit.commit(), rows, files.size());
    }

    /**
     * What a {@link Rewriter} decided: the files to remove and add and the progress to record, all in
     * one commit. Added files are written under {@link #path()} (e.g. by {@link ParquetRowWriter}).
     *
     * @param removes      files of the read snapshot to remove (copy-on-write: their rows are in {@code adds})
     * @param adds         new data files
     * @param rows         rows in {@code adds} (operation metric numOutputRows)
     * @param txns         app id to its new {@code txn} version
     * @param properties   table properties to set (e.g. a watermark)
     * @param userMetadata JSON text for {@code commitInfo.userMetadata}, or null
     */
    public record RewritePlan(List<DataFile> removes, List<DataFile> adds, long rows, Map<String, Long> txns,
                              Map<String, String> properties, String userMetadata) {
    }

    /** The state a {@link Rewriter} plans against: read inside the transaction that commits the plan. */
    public interface RewriteView {
        /** The snapshot version read, -1 for a table without commits. */
        long readVersion();

        /** Every data file of that snapshot, with its statistics. */
        List<DataFile> files();

        /** The table properties of that snapshot (empty for a new table). */
        Map<String, String> properties();

        /** The {@code txn} version of an app id in that snapshot, -1 if none. */
        long txnVersion(String appId);
    }

    /** Plans a read-modify-write; called again on a fresh snapshot when a concurrent commit wins. */
    @FunctionalInterface
    public interface Rewriter {
        /**
         * @return the plan, or null when there is nothing to commit
         * @throws IOException if a data file cannot be read or written
         */
        RewritePlan plan(RewriteView view) throws IOException;
    }

    /**
     * A read-modify-write of a small table in one {@code MERGE} commit: copy-on-write of the files the
     * plan removes, new files, a {@code txn} per source and table properties together (DESIGN.md
     * invariant 2). Unlike {@link #commitLoad}, which replaces rows by key for one source whose loads
     * are numbered one by one, the planner computes the new rows from the old ones (e.g. counts added
     * to counts) and may advance several independent {@code txn}s at once. The whole table is marked read, so any concurrent commit makes this one fail
     * (Delta's optimistic concurrency, "ConcurrentAppendException"); the planner then runs again on the
     * new snapshot, up to {@value #COMMIT_ATTEMPTS} times, and the files of the lost attempt are deleted.
     * Creates the table with {@code schema} on first use.
     *
     * @param schema  the table schema; an existing table must have the same columns
     * @param planner decides removes, adds and txns from the snapshot it is given
     * @return the version written, or -1 when the planner had nothing to commit
     * @throws SchemaMismatchException if the existing table has other columns
     * @throws CommitConflictException if concurrent commits won {@value #COMMIT_ATTEMPTS} times in a row
     * @throws IOException from the planner
     */
    public long commitRewrite(TableSchema schema, Rewriter planner) throws IOException {
        return DeltaCommit.withRetry(COMMIT_ATTEMPTS, () -> rewriteOnce(schema, planner));
    }

    private long rewriteOnce(TableSchema schema, Rewriter planner) throws IOException {
        DeltaCommit commit = DeltaCommit.begin(this);
        if (!commit.newTable() && !commit.schema().equals(schema)) {
            throw new SchemaMismatchException("table " + name + " has schema " + commit.schema().treeString()
                    + " but the rewrite has " + schema.treeString());
        }
        Map<String, DataFile> byPath = new LinkedHashMap<>();
        List<DataFile> files = commit.files();
        for (DataFile f : files) {
            byPath.put(f.path(), f);
        }
        Map<String, String> current = commit.properties();
        long readVersion = commit.readVersion();
        RewritePlan plan = planner.plan(new RewriteView() {
            public long readVersion() {
                return readVersion;
            }

            public List<DataFile> files() {
                return files;
            }

            public Map<String, String> properties() {
                return current;
            }

            public long txnVersion(String appId) {
                return commit.txnVersion(appId);
            }
        });
        if (plan == null) {
            return -1;
        }
        if (commit.newTable()) {
            commit.create(schema, List.of());
        }
        commit.setProperties(plan.properties());
        for (DataFile f : plan.removes()) {
            DataFile read = byPath.get(f.getPath());
            if (read == null) {
                throw new IllegalArgumentException("the rewrite of " + name + " removes " + f.getPath()
                        + ", which version " + readVersion + " does not hold");
            }
            commit.remove(read, true);
        }
        plan.adds().forEach(f -> add(commit, f));
        plan.txns().forEach(commit::txn);
        Map<String, String> params = new LinkedHashMap<>();
        if (commit.newTable()) {
            params.put("mode", "Append");
            params.put("partitionBy", "[]");
        } else {
            params.put("predicate", "rewrite of " + plan.removes().size() + " files");
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("numTargetFilesRemoved", Integer.toString(plan.removes().size()));
        metrics.put("numTargetFilesAdded", Integer.toString(plan.adds().size()));
        metrics.put("numOutputRows", Long.toString(plan.rows()));
        metrics.put("executionTimeMs", Long.toString(commit.elapsedMs()));
        commit.operation(commit.newTable() ? "WRITE" : "MERGE", params, metrics, plan.userMetadata());
        try {
            return commit.commit();
        } catch (RuntimeException e) {
            plan.adds().forEach(this::deleteQuietly);
            throw e;
        }
    }
}
