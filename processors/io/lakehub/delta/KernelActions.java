package io.lakehub.delta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.delta.kernel.commit.CommitFailedException;
import io.delta.kernel.commit.CommitMetadata;
import io.delta.kernel.commit.CommitResponse;
import io.delta.kernel.commit.Committer;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.Metadata;
import io.delta.kernel.internal.actions.RemoveFile;
import io.delta.kernel.internal.actions.SetTransaction;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.commit.DefaultFileSystemManagedTableOnlyCommitter;
import io.delta.kernel.internal.data.GenericRow;
import io.delta.kernel.internal.util.VectorUtils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;

/**
 * The one adapter over Delta Kernel's <em>internal</em> action classes ({@code io.delta.kernel.internal.actions.*},
 * {@link SingleAction}, {@link GenericRow}): what the hub writes that Kernel 4.4.0 has no public API for.
 * Everything else of a commit (the transaction, table creation with protocol (1,2), table properties, the first
 * {@code txn}, put-if-absent log writes, checkpoints) is Kernel's public API, used by {@link DeltaCommit}.
 *
 * <p>What this class builds, and what to replace when Kernel's public API has it:
 * <ul>
 *   <li>{@link #remove}: {@code remove} actions of a copy-on-write commit (MERGE, overwrite, OPTIMIZE). Kernel
 *       has no public API for them yet (delta-io/delta#3988); Delta's own Kernel-based Flink sink builds them
 *       the same way (from {@code RemoveFile.FULL_SCHEMA} rows wrapped by
 *       {@code SingleAction.createRemoveFileSingleAction}). Replace with the public remove-file API.</li>
 *   <li>{@link #add}: {@code add} actions carrying the statistics JSON exactly as {@link FileStats} wrote it.
 *       Kernel's public {@code Transaction.generateAppendActions} takes the statistics as typed
 *       {@code DataFileStatistics} literals and re-serialises them (timestamps, decimals and the U+FFFF-capped
 *       string prefixes the MERGE pruning reads would be re-formatted); replace when the hub's statistics are
 *       collected as Kernel {@code DataFileStatistics}.</li>
 *   <li>{@link #txn}: the second and further {@code txn} actions of one commit (an events batch advances one
 *       app id per partition); Kernel's {@code withTransactionId} takes one. Replace with a multi-id API.</li>
 *   <li>{@link Committer}: the {@code commitInfo} Kernel writes is replaced by the hub's own, because Kernel's
 *       {@code Operation} enum has no MERGE, SET TBLPROPERTIES, OPTIMIZE or VACUUM, and Kernel writes no
 *       {@code operationMetrics} and no {@code userMetadata} (lineage, watermark). A schema change of a table
 *       without column mapping (adding columns, {@code overwriteSchema}) is written as a new {@code metaData}
 *       here, because Kernel's {@code withUpdatedSchema} accepts one only under column mapping. The file is
 *       still written by Kernel's default committer, put-if-absent through the lake's log store.</li>
 * </ul>
 * Internal classes change between Kernel releases: the Kernel version is pinned exactly in the pom
 * ({@code delta-kernel.version} 4.4.0). Package-private; no Kernel type leaves {@code io.lakehub.delta}.
 */
final class KernelActions {

    /** The {@code commitInfo} the hub writes (Delta protocol "Commit Provenance Information"). */
    static final StructType COMMIT_INFO = new StructType()
            .add("inCommitTimestamp", LongType.LONG, true)
            .add("timestamp", LongType.LONG)
            .add("operation", StringType.STRING)
            .add("operationParameters", new MapType(StringType.STRING, StringType.STRING, true))
            .add("readVersion", LongType.LONG, true)
            .add("isolationLevel", StringType.STRING)
            .add("isBlindAppend", BooleanType.BOOLEAN)
            .add("operationMetrics", new MapType(StringType.STRING, StringType.STRING, true))
            .add("userMetadata", StringType.STRING, true)
            .add("engineInfo", StringType.STRING)
            .add("txnId", StringType.STRING);

    private static final StructType COMMIT_INFO_ACTION = new StructType().add("commitInfo", COMMIT_INFO);

    private KernelActions() {
    }

    /**
     * An {@code add} action.
     *
     * @param path            relative to the table root, URI-encoded as in the log
     * @param partitionValues partition column to its serialized value (null for a null partition)
     * @param size            bytes
     * @param modificationTime milliseconds since the epoch
     * @param stats           the statistics JSON text (not quoted), or null
     * @param dataChange      false for a rearrangement of rows already in the table (OPTIMIZE)
     */
    static Row add(String path, Map<String, String> partitionValues, long size, long modificationTime, String stats,
                   boolean dataChange) {
        Map<Integer, Object> v = new HashMap<>();
        v.put(AddFile.FULL_SCHEMA.indexOf("path"), path);
        v.put(AddFile.FULL_SCHEMA.indexOf("partitionValues"), VectorUtils.stringStringMapValue(partitionValues));
        v.put(AddFile.FULL_SCHEMA.indexOf("size"), size);
        v.put(AddFile.FULL_SCHEMA.indexOf("modificationTime"), modificationTime);
        v.put(AddFile.FULL_SCHEMA.indexOf("dataChange"), dataChange);
        if (stats != null) {
            v.put(AddFile.FULL_SCHEMA.indexOf("stats"), stats);
        }
        return SingleAction.createAddFileSingleAction(new GenericRow(AddFile.FULL_SCHEMA, v));
    }

    /**
     * A {@code remove} action of a file of the read version, {@code dataChange} given, with its partition
     * values, size and statistics ({@code extendedFileMetadata}, as Spark writes them).
     *
     * @param deletionTimestamp milliseconds since the epoch (VACUUM's retention counts from it)
     * @param dataChange        false for a rearrangement with the same rows (OPTIMIZE)
     */
    static Row remove(DataFile file, long deletionTimestamp, boolean dataChange) {
        Map<Integer, Object> v = new HashMap<>();
        v.put(RemoveFile.FULL_SCHEMA.indexOf("path"), file.path());
        v.put(RemoveFile.FULL_SCHEMA.indexOf("deletionTimestamp"), deletionTimestamp);
        v.put(RemoveFile.FULL_SCHEMA.indexOf("dataChange"), dataChange);
        v.put(RemoveFile.FULL_SCHEMA.indexOf("extendedFileMetadata"), true);
        v.put(RemoveFile.FULL_SCHEMA.indexOf("partitionValues"), VectorUtils.stringStringMapValue(
                file.partitionValues() == null ? Map.of() : file.partitionValues()));
        v.put(RemoveFile.FULL_SCHEMA.indexOf("size"), file.size());
        if (file.stats() != null) {
            v.put(RemoveFile.FULL_SCHEMA.indexOf("stats"), FileStats.unquote(file.stats()));
        }
        return SingleAction.createRemoveFileSingleAction(new GenericRow(RemoveFile.FULL_SCHEMA, v));
    }

    /** A {@code txn} action (protocol "Transaction Identifiers"). */
    static Row txn(String appId, long version, long lastUpdated) {
        return SingleAction.createTxnSingleAction(new SetTransaction(appId, version, Optional.of(lastUpdated)).toRow());
    }

    /**
     * What {@link Committer} writes in place of Kernel's own {@code commitInfo} and {@code metaData}.
     * Set by {@link DeltaCommit} before it commits.
     */
    static final class Provenance {
        String operation;
        Map<String, String> parameters = Map.of();
        Map<String, String> metrics = Map.of();
        String userMetadata;
        long readVersion = -1;
        boolean blindAppend;
        /** A new schema for the {@code metaData} action, or null to keep Kernel's (or none). */
        StructType schema;
        /** Table properties of that new {@code metaData} (merged into the read ones), when {@link #schema} is set. */
        Map<String, String> properties = Map.of();
        /** The read version's metadata, the base of a new {@code metaData}. */
        Metadata readMetadata;
    }

    /**
     * Kernel's default file-system committer (put-if-absent through the log store of the lake's Hadoop
     * configuration) with the {@code commitInfo} and, for a schema change, the {@code metaData} of
     * {@code provenance}.
     */
    static Committer committer(Provenance provenance) {
        Committer delegate = DefaultFileSystemManagedTableOnlyCommitter.INSTANCE;
        return new Committer() {
            @Override
            public CommitResponse commit(Engine engine, CloseableIterator<Row> actions, CommitMetadata metadata)
                    throws CommitFailedException {
                List<Row> rows = new ArrayList<>();
                Row kernelInfo = null;
                boolean metadataWritten = false;
                try (actions) {
                    while (actions.hasNext()) {
                        Row r = actions.next();
                        if (!r.isNullAt(SingleAction.COMMIT_INFO_ORDINAL)) {
                            kernelInfo = r.getStruct(SingleAction.COMMIT_INFO_ORDINAL);
                        } else if (!r.isNullAt(SingleAction.METADATA_ORDINAL) && provenance.schema != null) {
                            Metadata m = Metadata.fromRow(r.getStruct(SingleAction.METADATA_ORDINAL));
                            rows.add(SingleAction.createMetadataSingleAction(m.withNewSchema(provenance.schema).toRow()));
                            metadataWritten = true;
                        } else {
                            rows.add(r);
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (provenance.schema != null && !metadataWritten && provenance.readMetadata != null) {
                    Metadata m = provenance.readMetadata.withMergedConfiguration(provenance.properties)
                            .withNewSchema(provenance.schema);
                    rows.add(0, SingleAction.createMetadataSingleAction(m.toRow()));
                }
                rows.add(0, commitInfo(kernelInfo, metadata));
                return delegate.commit(engine, io.delta.kernel.internal.util.Utils.toCloseableIterator(rows.iterator()),
                        metadata);
            }

            private Row commitInfo(Row kernelInfo, CommitMetadata metadata) {
                var info = metadata.getCommitInfo();
                Map<Integer, Object> v = new HashMap<>();
                info.getInCommitTimestamp().ifPresent(t -> v.put(COMMIT_INFO.indexOf("inCommitTimestamp"), t));
                v.put(COMMIT_INFO.indexOf("timestamp"), info.getTimestamp());
                v.put(COMMIT_INFO.indexOf("operation"), provenance.operation);
                v.put(COMMIT_INFO.indexOf("operationParameters"), VectorUtils.stringStringMapValue(provenance.parameters));
                if (provenance.readVersion >= 0) {
                    v.put(COMMIT_INFO.indexOf("readVersion"), provenance.readVersion);
                }
                v.put(COMMIT_INFO.indexOf("isolationLevel"), "Serializable");
                v.put(COMMIT_INFO.indexOf("isBlindAppend"), provenance.blindAppend);
                v.put(COMMIT_INFO.indexOf("operationMetrics"), VectorUtils.stringStringMapValue(provenance.metrics));
                if (provenance.userMetadata != null) {
                    v.put(COMMIT_INFO.indexOf("userMetadata"), provenance.userMetadata);
                }
                v.put(COMMIT_INFO.indexOf("engineInfo"), DeltaTable.ENGINE);
                v.put(COMMIT_INFO.indexOf("txnId"), info.getTxnId().orElse(java.util.UUID.randomUUID().toString()));
                return new GenericRow(COMMIT_INFO_ACTION, Map.of(0, new GenericRow(COMMIT_INFO, v)));
            }
        };
    }
}
