package io.lakehub.delta;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.transaction.CreateTableTransactionBuilder;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.transaction.UpdateTableTransactionBuilder;
import io.delta.kernel.utils.CloseableIterable;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Delta commit of the hub, through Delta Kernel 4.4.0: the builder every write path uses (loads, MERGE,
 * appends with {@code txn}, overwrite, table properties, OPTIMIZE, VACUUM).
 *
 * <p>{@link #begin} reads the latest version (or none: the commit creates the table); the caller plans on
 * what it read ({@link #readVersion}, {@link #schema}, {@link #files}, {@link #txnVersion}, {@link #properties}),
 * then states the commit: {@link #create} (schema and partition columns of a new table), {@link #schema}
 * (evolution or {@code overwriteSchema}), {@link #setProperties} / {@link #unsetProperties}, {@link #txn},
 * {@link #add}, {@link #remove}, and {@link #operation} (the {@code commitInfo} operation name, parameters,
 * metrics and {@code userMetadata}), and calls {@link #commit} once.
 *
 * <p>What is Kernel's public API: loading the read version, {@code TableManager.buildCreateTableTransaction}
 * (protocol (1,2) for a table without features: minReader 1 / minWriter 2), {@code buildUpdateTableTransaction}
 * with {@code withTablePropertiesAdded/Removed} and {@code withTransactionId} for the first {@code txn}, the
 * commit through the log store of the lake's Hadoop configuration ({@link AtomicLocalLogStore} on local disk:
 * put-if-absent across processes, raw local files so no {@code .crc} appears), and the post-commit
 * checkpoint every {@code delta.checkpointInterval} (10) commits and log compaction if configured. What is
 * not (removes, adds with the hub's statistics text, further {@code txn}s, {@code commitInfo}, schema
 * changes without column mapping) is in {@link KernelActions}, the one adapter over Kernel internals.
 *
 * <p>A commit is never rebased: Kernel's automatic conflict resolution is off ({@code withMaxRetries(0)}),
 * so a concurrent commit of the same version makes {@link #commit} throw {@link CommitConflictException}
 * and the caller starts again from {@link #begin} on the new version, re-planning (a MERGE re-reads the
 * files that hold its keys, an append re-checks its {@code txn} versions). Not thread-safe: one per attempt.
 */
final class DeltaCommit {

    private static final Logger LOG = LoggerFactory.getLogger(DeltaCommit.class);

    private final String name;
    private final String path;
    private final Engine engine;
    private final KernelActions.Provenance provenance;
    private final Snapshot read;
    private final TableSnapshot readSnapshot;
    private final long started = System.currentTimeMillis();
    private TableSchema createSchema;
    private List<String> createPartitions = List.of();
    private TableSchema newSchema;
    private final Map<String, String> set = new LinkedHashMap<>();
    private final Set<String> unset = new LinkedHashSet<>();
    private final Map<String, Long> txns = new LinkedHashMap<>();
    private final List<Row> actions = new ArrayList<>();
    private long bytesAdded;
    private boolean removes;

    private DeltaCommit(String name, String path, Engine engine, Snapshot read, KernelActions.Provenance provenance) {
        this.name = name;
        this.path = path;
        this.engine = engine;
        this.read = read;
        this.provenance = provenance;
        this.readSnapshot = read == null ? null : new TableSnapshot(name, engine, read);
    }

    /**
     * Reads the latest version of {@code table} to plan a commit on.
     *
     * @throws UnreadableTableException if Kernel cannot read its log
     */
    static DeltaCommit begin(DeltaTable table) {
        return begin(table.name(), table.path().toString(), table.lake().conf(), table.exists());
    }

    /**
     * Reads the latest version of the Delta table at {@code path} (a Delta replica outside the lake).
     *
     * @param name   the table name in errors and meters
     * @param exists whether its log has a commit (a new table is created by the commit)
     * @throws UnreadableTableException if Kernel cannot read its log
     */
    static DeltaCommit begin(String name, String path, org.apache.hadoop.conf.Configuration conf, boolean exists) {
        Engine engine = KernelSupport.engine(conf);
        KernelActions.Provenance provenance = new KernelActions.Provenance();
        if (!exists) {
            return new DeltaCommit(name, path, engine, null, provenance);
        }
        try {
            // the snapshot's committer writes the commitInfo this commit states with operation(...)
            Snapshot snapshot = TableManager.loadSnapshot(path)
                    .withCommitter(KernelActions.committer(provenance)).build(engine);
            return new DeltaCommit(name, path, engine, snapshot, provenance);
        } catch (io.delta.kernel.exceptions.TableNotFoundException e) {
            return new DeltaCommit(name, path, engine, null, provenance);
        } catch (RuntimeException e) {
            throw KernelSupport.translate(name, e);
        }
    }

    private KernelActions.Provenance provenance() {
        return provenance;
    }

    /** The version read, -1 when the table does not exist yet. */
    long readVersion() {
        return read == null ? -1 : read.getVersion();
    }

    /** Whether this commit creates the table. */
    boolean newTable() {
        return read == null;
    }

    /** The read version (null for a new table). */
    TableSnapshot snapshot() {
        return readSnapshot;
    }

    /** The schema of the read version, null for a new table. */
    TableSchema schema() {
        return readSnapshot == null ? null : readSnapshot.schema();
    }

    /** The partition columns of the read version, empty for a new table. */
    List<String> partitionColumns() {
        return readSnapshot == null ? List.of() : readSnapshot.partitionColumns();
    }

    /** The table properties of the read version, empty for a new table. */
    Map<String, String> properties() {
        return readSnapshot == null ? Map.of() : readSnapshot.properties();
    }

    /** The data files of the read version, with statistics; empty for a new table. */
    List<DataFile> files() {
        return readSnapshot == null ? List.of() : readSnapshot.files();
    }

    /** The {@code txn} version of {@code appId} in the read version, -1 if none. */
    long txnVersion(String appId) {
        return readSnapshot == null ? -1 : readSnapshot.txnVersion(appId);
    }

    /** The schema and partition columns of the table this commit creates (ignored for an existing table). */
    DeltaCommit create(TableSchema schema, List<String> partitionColumns) {
        this.createSchema = schema;
        this.createPartitions = partitionColumns == null ? List.of() : partitionColumns;
        return this;
    }

    /** A new schema for an existing table (added columns, or an overwrite's schema); same schema: no change. */
    DeltaCommit schema(TableSchema schema) {
        if (read != null && !schema.equals(schema())) {
            this.newSchema = schema;
        }
        return this;
    }

    /** Table properties to set (others kept); a value equal to the current one is no change. */
    DeltaCommit setProperties(Map<String, String> properties) {
        Map<String, String> current = properties();
        properties.forEach((k, v) -> {
            if (!v.equals(current.get(k))) {
                set.put(k, v);
            }
        });
        return this;
    }

    /** Table property keys to remove (keys the table does not have are ignored). */
    DeltaCommit unsetProperties(Collection<String> keys) {
        for (String k : keys) {
            if (properties().containsKey(k)) {
                unset.add(k);
            }
        }
        return this;
    }

    /** A {@code txn} action: {@code appId} is at {@code version} after this commit. */
    DeltaCommit txn(String appId, long version) {
        txns.put(appId, version);
        return this;
    }

    /** An {@code add} of a data file written under the table ({@code stats} quoted or not, or null), {@code dataChange} true. */
    DeltaCommit add(String path, Map<String, String> partitionValues, long size, long modificationTime, String stats) {
        return add(path, partitionValues, size, modificationTime, stats, true);
    }

    /** An {@code add}; {@code dataChange} false for OPTIMIZE's rearrangement of rows already in the table. */
    DeltaCommit add(String path, Map<String, String> partitionValues, long size, long modificationTime, String stats,
                    boolean dataChange) {
        actions.add(KernelActions.add(path, partitionValues == null ? Map.of() : partitionValues, size, modificationTime,
                FileStats.unquote(stats), dataChange));
        bytesAdded += size;
        if (!dataChange) {
            removes = true; // not a blind append
        }
        return this;
    }

    /** A {@code remove} of a file of the read version ({@code dataChange} false for OPTIMIZE's rearrangement). */
    DeltaCommit remove(DataFile file, boolean dataChange) {
        actions.add(KernelActions.remove(file, System.currentTimeMillis(), dataChange));
        removes = true;
        return this;
    }

    /**
     * The {@code commitInfo}: operation name as Spark names it ({@code WRITE}, {@code MERGE},
     * {@code STREAMING UPDATE}, {@code SET TBLPROPERTIES}, …), parameters and metrics as text values (Spark's
     * {@code operationParameters} / {@code operationMetrics} are string maps), and {@code userMetadata}.
     */
    DeltaCommit operation(String name, Map<String, String> parameters, Map<String, String> metrics, String userMetadata) {
        KernelActions.Provenance p = provenance();
        p.operation = name;
        p.parameters = parameters;
        p.metrics = metrics;
        p.userMetadata = userMetadata;
        return this;
    }

    /** Milliseconds since {@link #begin}, for the {@code executionTimeMs} metric. */
    long elapsedMs() {
        return System.currentTimeMillis() - started;
    }

    /**
     * Writes the commit: one new version, the read version plus one.
     *
     * @return the version written
     * @throws CommitConflictException if another writer committed that version first (plan again from {@link #begin})
     * @throws IllegalStateException   if {@link #operation} was not given
     */
    long commit() {
        KernelActions.Provenance p = provenance();
        if (p.operation == null) {
            throw new IllegalStateException("a Delta commit needs its operation name");
        }
        p.readVersion = readVersion();
        p.blindAppend = read == null || (!removes && newSchema == null && set.isEmpty() && unset.isEmpty());
        long t0 = System.nanoTime();
        String outcome = "committed";
        try {
            Transaction txn;
            List<Row> rows = new ArrayList<>(actions);
            long now = System.currentTimeMillis();
            if (read == null) {
                if (createSchema == null) {
                    throw new IllegalStateException("table " + name + " does not exist and the commit has no schema");
                }
                CreateTableTransactionBuilder b = TableManager.buildCreateTableTransaction(path,
                        KernelSchemas.toKernel(createSchema), DeltaTable.ENGINE)
                        .withMaxRetries(0).withCommitter(KernelActions.committer(p));
                Map<String, String> props = new LinkedHashMap<>(set);
                if (!props.isEmpty()) {
                    b = b.withTableProperties(props);
                }
                if (!createPartitions.isEmpty()) {
                    List<Column> cols = new ArrayList<>();
                    createPartitions.forEach(c -> cols.add(new Column(c)));
                    b = b.withDataLayoutSpec(DataLayoutSpec.partitioned(cols));
                }
                txn = b.build(engine);
                txns.forEach((appId, version) -> rows.add(KernelActions.txn(appId, version, now)));
            } else {
                UpdateTableTransactionBuilder b = read.buildUpdateTableTransaction(DeltaTable.ENGINE, Operation.WRITE)
                        .withMaxRetries(0);
                if (!set.isEmpty()) {
                    b = b.withTablePropertiesAdded(set);
                }
                if (!unset.isEmpty()) {
                    b = b.withTablePropertiesRemoved(unset);
                }
                boolean first = true;
                for (Map.Entry<String, Long> e : txns.entrySet()) {
                    if (first) {
                        b = b.withTransactionId(e.getKey(), e.getValue());
                        first = false;
                    } else {
                        rows.add(KernelActions.txn(e.getKey(), e.getValue(), now));
                    }
                }
                if (newSchema != null) {
                    p.schema = KernelSchemas.toKernel(newSchema);
                    p.properties = set;
                    p.readMetadata = read.getMetadata();
                }
                txn = b.build(engine);
            }
            TransactionCommitResult result = txn.commit(engine,
                    CloseableIterable.inMemoryIterable(io.delta.kernel.internal.util.Utils.toCloseableIterator(rows.iterator())));
            Metrics.counter("lakehub.delta.bytes.written", "table", name).increment(bytesAdded);
            runHooks(result);
            return result.getVersion();
        } catch (ConcurrentWriteException | MaxCommitRetryLimitReachedException | TableAlreadyExistsException e) {
            outcome = "conflict";
            throw new CommitConflictException(name, readVersion(), e);
        } catch (RuntimeException e) {
            outcome = "failed";
            if (e.getCause() instanceof java.nio.file.FileAlreadyExistsException) {
                outcome = "conflict";
                throw new CommitConflictException(name, readVersion(), e);
            }
            throw e;
        } finally {
            Timer.builder("lakehub.delta.commit").description("Delta commit calls: log write and conflict check")
                    .tags("table", name, "operation", p.operation, "outcome", outcome)
                    .register(Metrics.globalRegistry).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Kernel's post-commit hooks the hub runs: the checkpoint every {@code delta.checkpointInterval} commits
     * and log compaction (only when a table configures it). Version checksum files ({@code <v>.crc}) are not
     * written, as before. A failed hook is logged: the commit stands, the next checkpoint covers it.
     */
    private void runHooks(TransactionCommitResult result) {
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            if (hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT
                    || hook.getType() == PostCommitHook.PostCommitHookType.LOG_COMPACTION) {
                try {
                    hook.threadSafeInvoke(engine);
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warn("{} of {} at version {} failed (the commit stands): {}", hook.getType(), name,
                            result.getVersion(), e.toString());
                }
            }
        }
    }

    /**
     * Runs {@code attempt} (which begins, plans and commits) until it commits or returns, starting again on
     * a {@link CommitConflictException}, at most {@code attempts} times, after a random pause of 5 ms up to
     * 50 ms (growing with the attempt number).
     *
     * @throws CommitConflictException the last conflict, when every attempt lost
     */
    static <T, E extends Exception> T withRetry(int attempts, Attempt<T, E> attempt) throws E {
        for (int i = 1; ; i++) {
            try {
                return attempt.run();
            } catch (CommitConflictException e) {
                if (i >= attempts) {
                    throw e;
                }
                // a random pause before planning again breaks the lock-step of writers that keep racing for
                // the same next version (Kernel's own retry would rebase instead, which the hub never does)
                try {
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, Math.min(50L, 5L + 10L * i)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** One planning-and-commit attempt. */
    @FunctionalInterface
    interface Attempt<T, E extends Exception> {
        T run() throws E;
    }
}
