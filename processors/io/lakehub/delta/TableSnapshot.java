package io.lakehub.delta;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.delta.kernel.Scan;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.actions.Protocol;
import io.delta.kernel.utils.CloseableIterator;

/**
 * One version of a Delta table as Delta Kernel reads it: its schema with logical column names, its
 * table properties, its data files with statistics, partition values and deletion vectors, and its rows.
 *
 * <p>Every reader feature Kernel reads is read here (Delta protocol, "Table Features"): deletion vectors
 * (deleted rows never appear in {@link #rows()}), column mapping (logical names of this version, so a
 * column renamed or dropped later reads as it was), {@code timestampNtz}, partition columns, classic and
 * v2 checkpoints and log compaction files. Obtained from {@link DeltaTable#snapshot(Long)}; immutable;
 * the file list is read on first use. Thread-safe.
 */
public final class TableSnapshot {

    /** A data file and Kernel's scan-file row of it (what {@link VersionRows} reads it with). */
    record ScanEntry(DataFile file, Row scanFile) {
    }

    private final String table;
    private final Engine engine;
    private final io.delta.kernel.Snapshot kernel;
    private final TableSchema schema;
    private volatile Scan scan;
    private volatile List<ScanEntry> entries;

    TableSnapshot(String table, Engine engine, io.delta.kernel.Snapshot kernel) {
        this.table = table;
        this.engine = engine;
        this.kernel = kernel;
        this.schema = KernelSupport.schema(table, kernel.getSchema());
    }

    /** The table name. */
    public String table() {
        return table;
    }

    /** The version number, 0 for the first commit. */
    public long version() {
        return kernel.getVersion();
    }

    /**
     * The version number: {@link #version()} under the name callers written against delta-standalone's
     * {@code Snapshot} use, so that they need not change while both engines coexist.
     */
    public long getVersion() {
        return version();
    }

    /**
     * The commit timestamp of this version in milliseconds since the epoch, as Kernel reads it: the
     * in-commit timestamp when the table has them (protocol "In-Commit Timestamps"), else the modification
     * time of the commit file.
     */
    public long timestamp() {
        try {
            return kernel.getTimestamp(engine);
        } catch (RuntimeException e) {
            throw KernelSupport.translate(table, e);
        }
    }

    /** {@link #files()}, under delta-standalone's name (see {@link #getVersion()}). */
    public List<DataFile> getAllFiles() {
        return files();
    }

    /** Schema, properties and partition columns, under delta-standalone's names (see {@link #getVersion()}). */
    public Metadata getMetadata() {
        return new Metadata(schema, properties(), partitionColumns());
    }

    /**
     * The {@code metaData} of a version, under the accessor names of delta-standalone's {@code Metadata}.
     *
     * @param schema           the schema, logical names
     * @param configuration    the table properties
     * @param partitionColumns the partition columns, logical names
     */
    public record Metadata(TableSchema schema, Map<String, String> configuration, List<String> partitionColumns) {
        /** The schema. */
        public TableSchema getSchema() {
            return schema;
        }

        /** The table properties. */
        public Map<String, String> getConfiguration() {
            return configuration;
        }

        /** The partition columns. */
        public List<String> getPartitionColumns() {
            return partitionColumns;
        }
    }

    /** The schema, logical column names in table order. */
    public TableSchema schema() {
        return schema;
    }

    /** The partition columns (logical names), empty for an unpartitioned table. */
    public List<String> partitionColumns() {
        return kernel.getPartitionColumnNames();
    }

    /** The table properties ({@code metaData.configuration}); empty if none. */
    public Map<String, String> properties() {
        return kernel.getTableProperties() == null ? Map.of() : kernel.getTableProperties();
    }

    /**
     * The protocol, e.g. {@code {"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],
     * "writerFeatures":[...]}} (features only from reader 3 / writer 7 on).
     */
    public Map<String, Object> protocol() {
        Protocol p = kernel.getProtocol();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minReaderVersion", p.getMinReaderVersion());
        m.put("minWriterVersion", p.getMinWriterVersion());
        if (p.supportsReaderFeatures()) {
            m.put("readerFeatures", new java.util.TreeSet<>(p.getReaderFeatures()));
        }
        if (p.supportsWriterFeatures()) {
            m.put("writerFeatures", new java.util.TreeSet<>(p.getWriterFeatures()));
        }
        return m;
    }

    /**
     * Writes a classic checkpoint of this version ({@code _delta_log/<version>.checkpoint.parquet} and
     * {@code _last_checkpoint}) through Kernel's public {@code Snapshot.writeCheckpoint}.
     *
     * @return false when a checkpoint of this version already exists
     * @throws java.io.IOException if it cannot be written
     */
    boolean writeCheckpoint() throws java.io.IOException {
        try {
            kernel.writeCheckpoint(engine);
            return true;
        } catch (io.delta.kernel.exceptions.CheckpointAlreadyExistsException e) {
            return false;
        }
    }

    /** The {@code txn} version recorded for {@code appId} (protocol "Transaction Identifiers"), or -1. */
    public long txnVersion(String appId) {
        try {
            return kernel.getLatestTransactionVersion(engine, appId).orElse(-1L);
        } catch (RuntimeException e) {
            throw KernelSupport.translate(table, e);
        }
    }

    /** The data files of this version, in the order rows are read (modification time, then path). */
    public List<DataFile> files() {
        List<DataFile> out = new ArrayList<>();
        for (ScanEntry e : entries()) {
            out.add(e.file());
        }
        return out;
    }

    /**
     * The rows of this version, file by file in {@link #files()} order, deletion vectors applied, in
     * {@link #schema()} order. Close the iterator when done early.
     */
    public VersionRows rows() {
        return new VersionRows(this, entries());
    }

    /**
     * The rows of some of this version's files only (matched by {@link DataFile#identity()}), deletion
     * vectors applied.
     */
    public VersionRows rows(Collection<DataFile> only) {
        Set<String> wanted = new HashSet<>();
        for (DataFile f : only) {
            wanted.add(f.identity());
        }
        List<ScanEntry> selected = new ArrayList<>();
        for (ScanEntry e : entries()) {
            if (wanted.contains(e.file().identity())) {
                selected.add(e);
            }
        }
        return new VersionRows(this, selected);
    }

    Engine engine() {
        return engine;
    }

    Scan scan() {
        Scan s = scan;
        if (s == null) {
            s = kernel.getScanBuilder().build();
            scan = s;
        }
        return s;
    }

    List<ScanEntry> entries() {
        List<ScanEntry> e = entries;
        if (e == null) {
            e = Collections.unmodifiableList(readEntries());
            entries = e;
        }
        return e;
    }

    private List<ScanEntry> readEntries() {
        Map<String, String> logical = KernelSupport.logicalNames(kernel.getSchema());
        List<ScanEntry> out = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan().getScanFiles(engine, true)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        Row scanFile = rows.next();
                        Row add = scanFile.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
                        var addSchema = add.getSchema();
                        String path = add.getString(addSchema.indexOf("path"));
                        long size = add.getLong(addSchema.indexOf("size"));
                        long modified = add.getLong(addSchema.indexOf("modificationTime"));
                        int statsAt = addSchema.indexOf("stats");
                        String stats = statsAt < 0 || add.isNullAt(statsAt) ? null : add.getString(statsAt);
                        Map<String, String> partition = new LinkedHashMap<>();
                        InternalScanFileUtils.getPartitionValues(scanFile)
                                .forEach((k, v) -> partition.put(logical.getOrDefault(k, k), v));
                        DeletionVectorDescriptor dv = InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile);
                        out.add(new ScanEntry(new DataFile(path, Collections.unmodifiableMap(partition), size, modified,
                                stats, dv == null ? null : dv.getUniqueId()), scanFile));
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list the files of " + table + " version " + version()
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw KernelSupport.translate(table, e);
        }
        out.sort(Comparator.comparingLong((ScanEntry s) -> s.file().modificationTime())
                .thenComparing(s -> s.file().path()));
        return out;
    }
}
