package io.lakehub.delta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/**
 * The rows of one load, already written as Parquet files under the table folder but not yet part
 * of the table: what {@link DeltaTable#commitLoad} turns into one Delta commit.
 *
 * <p>{@code keys} holds every incoming key (a single key column's value, or a {@code List} of values
 * for a composite key), so memory is bounded by the load's row count, which the source's batch size
 * bounds. Not thread-safe; filled by one extractor thread, then handed over.
 */
public final class StagedLoad {

    private final TableSchema schema;
    private final List<String> keyColumns;
    private final List<String> partitionColumns;
    private final int[] partitionIndexes;
    private final int[] keyIndexes;
    private final LoadKeys keys;
    private final LoadKeys deletedKeys;
    private long deletedRows;
    private final List<DataFile> files = new ArrayList<>();
    private Object firstKeyMin;
    private Object firstKeyMax;
    private long rows;

    /**
     * @param schema     the schema of the staged rows (the source's columns)
     * @param keyColumns the MERGE key columns, matched case-insensitively against {@code schema}
     * @throws SchemaMismatchException if a key column is not in {@code schema}
     */
    public StagedLoad(TableSchema schema, List<String> keyColumns) {
        this(schema, keyColumns, List.of());
    }

    /**
     * @param partitionColumns the table's partition columns (empty for none), matched case-insensitively
     * @throws SchemaMismatchException if a key or partition column is not in {@code schema}
     */
    public StagedLoad(TableSchema schema, List<String> keyColumns, List<String> partitionColumns) {
        this.schema = schema;
        this.partitionIndexes = new int[partitionColumns.size()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < partitionIndexes.length; i++) {
            partitionIndexes[i] = ParquetRowReader.index(schema, partitionColumns.get(i));
            if (partitionIndexes[i] < 0) {
                throw new SchemaMismatchException("partition column '" + partitionColumns.get(i)
                        + "' is not among the source columns " + String.join(", ", schema.names()));
            }
            names.add(schema.column(partitionIndexes[i]).name());
        }
        this.partitionColumns = List.copyOf(names);
        this.keyColumns = List.copyOf(keyColumns);
        this.keyIndexes = new int[keyColumns.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyIndexes[i] = ParquetRowReader.index(schema, keyColumns.get(i));
            if (keyIndexes[i] < 0) {
                throw new SchemaMismatchException("key column '" + keyColumns.get(i) + "' is not among the source columns "
                        + String.join(", ", schema.names()));
            }
        }
        this.keys = new LoadKeys(schema.column(keyIndexes[0]).type(), keyIndexes.length > 1);
        this.deletedKeys = new LoadKeys(schema.column(keyIndexes[0]).type(), keyIndexes.length > 1);
    }

    /**
     * Records the key of a row that was written to a staged file.
     *
     * @throws IllegalStateException if the key is null or (for non-integer keys) was already seen in this
     *                               load; integer keys are checked for duplicates by {@link #keys()}
     */
    public void addKey(Object[] row) {
        Object key = key(row, keyIndexes);
        Object first = row[keyIndexes[0]];
        if (first == null || (key instanceof List<?> l && l.contains(null))) {
            throw new IllegalStateException("a source row has a null key (" + String.join(", ", keyColumns) + ")");
        }
        keys.add(key);
        if (firstKeyMin == null || ColumnTypes.compare(first, firstKeyMin) < 0) {
            firstKeyMin = first;
        }
        if (firstKeyMax == null || ColumnTypes.compare(first, firstKeyMax) > 0) {
            firstKeyMax = first;
        }
        rows++;
    }

    /**
     * Records the key of a row the source flags deleted (soft delete): it is not written to a staged
     * file, and the MERGE removes the row with that key from the table.
     *
     * @throws IllegalStateException as {@link #addKey(Object[])}
     */
    public void addDeletedKey(Object[] row) {
        addKey(row);
        deletedKeys.add(key(row, keyIndexes));
        deletedRows++;
    }

    /** The keys flagged deleted; sealed on first access. */
    public LoadKeys deletedKeys() {
        deletedKeys.seal();
        return deletedKeys;
    }

    /** Rows of this load flagged deleted (not in the staged files). */
    public long deletedRows() {
        return deletedRows;
    }

    /** The key of {@code row}: the value itself for one key column, else a list of values. */
    static Object key(Object[] row, int[] keyIndexes) {
        if (keyIndexes.length == 1) {
            return row[keyIndexes[0]];
        }
        Object[] parts = new Object[keyIndexes.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = row[keyIndexes[i]];
        }
        return java.util.Arrays.asList(parts);
    }

    /** The partition columns, as named in the schema; empty for an unpartitioned table. */
    public List<String> partitionColumns() {
        return partitionColumns;
    }

    /**
     * The partition of a row: partition column to the value's text form ({@link ColumnTypes#text}),
     * null for a null value, in partition column order; empty for an unpartitioned table.
     */
    public Map<String, String> partitionValues(Object[] row) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < partitionIndexes.length; i++) {
            values.put(partitionColumns.get(i), ColumnTypes.text(row[partitionIndexes[i]]));
        }
        return values;
    }

    /** Adds a finished staged data file. */
    public void addFile(DataFile file) {
        files.add(file);
    }

    public TableSchema schema() {
        return schema;
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    /** The incoming keys; sealed (sorted, checked for duplicates) on first access. */
    public LoadKeys keys() {
        keys.seal();
        return keys;
    }

    public List<DataFile> files() {
        return files;
    }

    /** Rows staged. */
    public long rows() {
        return rows;
    }

    /** Smallest value of the first key column, or null when empty. */
    public Object firstKeyMin() {
        return firstKeyMin;
    }

    /** Largest value of the first key column, or null when empty. */
    public Object firstKeyMax() {
        return firstKeyMax;
    }

    /** The statistics JSON of each staged file, for tests and lineage. */
    public Map<String, String> statsByFile() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (DataFile f : files) {
            out.put(f.getPath(), FileStats.unquote(f.getStats()));
        }
        return out;
    }
}
