package io.lakehub.delta;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One data file of a table version, as its {@code add} action describes it (Delta protocol, "Add File
 * and Remove File"), with the deletion vector that applies to it at that version.
 *
 * @param path             the file's path relative to the table root, as written in the log (a URI path:
 *                         reserved characters percent-encoded), e.g. {@code part-00000-….snappy.parquet}
 * @param partitionValues  partition column (logical name) to its value in the protocol's "Partition Value
 *                         Serialization" text form; a null value is a null partition; empty for an
 *                         unpartitioned table
 * @param size             file size in bytes
 * @param modificationTime the file's modification time, milliseconds since the epoch
 * @param stats            the per-file statistics JSON (protocol "Per-file Statistics": {@code numRecords},
 *                         {@code minValues}, {@code maxValues}, {@code nullCount}), keyed by logical column
 *                         name for tables the hub writes; physical names under column mapping; null when
 *                         the writer left them out
 * @param deletionVector   the unique id of the file's deletion vector (protocol "Deletion Vectors"), or null
 *                         when no row of the file is deleted
 */
public record DataFile(String path, Map<String, String> partitionValues, long size, long modificationTime,
                       String stats, String deletionVector) {

    private static final ObjectMapper STATS_JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** {@link #path()}, under delta-standalone's {@code AddFile} name (kept while both engines coexist). */
    public String getPath() {
        return path;
    }

    /** {@link #size()}, under delta-standalone's {@code AddFile} name. */
    public long getSize() {
        return size;
    }

    /** {@link #stats()}, under delta-standalone's {@code AddFile} name. */
    public String getStats() {
        return stats;
    }

    /** {@link #partitionValues()}, under delta-standalone's {@code AddFile} name. */
    public Map<String, String> getPartitionValues() {
        return partitionValues;
    }

    /** {@link #modificationTime()}, under delta-standalone's {@code AddFile} name. */
    public long getModificationTime() {
        return modificationTime;
    }

    /**
     * What makes two versions' files the same content: the path and the deletion vector. Spark's DELETE
     * on a deletion-vector table keeps the path and attaches a new vector, so the path alone is not enough.
     */
    public String identity() {
        return deletionVector == null ? path : path + "#dv=" + deletionVector;
    }

    /**
     * The statistics parsed (decimals kept exact), or null when there are none or they do not parse.
     */
    public JsonNode statsJson() {
        if (stats == null || stats.isBlank()) {
            return null;
        }
        try {
            return STATS_JSON.readTree(FileStats.unquote(stats));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The rows of the file its statistics count ({@code numRecords}), deletion vector not subtracted,
     * or -1 when unknown.
     */
    public long numRecords() {
        JsonNode s = statsJson();
        return s == null || !s.has("numRecords") ? -1 : s.get("numRecords").asLong();
    }

    /**
     * The statistics parsed once, for reading several columns' bounds (file pruning), or null when the file
     * has none or they do not parse.
     */
    public Statistics statistics() {
        JsonNode s = statsJson();
        return s == null ? null : new Statistics(s);
    }

    /**
     * A data file's per-file statistics (Delta protocol, "Per-file Statistics"), values parsed to the column
     * types' value classes ({@link ColumnTypes}): what a reader prunes files with. Immutable.
     */
    public static final class Statistics {

        private final JsonNode json;

        private Statistics(JsonNode json) {
            this.json = json;
        }

        /** {@code numRecords}, or -1 when absent. */
        public long numRecords() {
            return json.has("numRecords") ? json.get("numRecords").asLong() : -1;
        }

        /**
         * The column's {@code minValues} entry in its value class (e.g. {@link java.time.Instant} for a
         * timestamp, {@link Long} for a long), or null when the file has none for it or the type has no
         * comparable statistic (binary, boolean, array, ...). Statistics are keyed by the column's name.
         */
        public Object min(Column column) {
            return ColumnTypes.parseStatsValue(column.type(), json.path("minValues").get(column.name()));
        }

        /** The column's {@code maxValues} entry, as {@link #min(Column)}. */
        public Object max(Column column) {
            return ColumnTypes.parseStatsValue(column.type(), json.path("maxValues").get(column.name()));
        }

        /** The column's {@code nullCount}, or -1 when absent. */
        public long nullCount(String column) {
            JsonNode n = json.path("nullCount").get(column);
            return n == null || !n.isNumber() ? -1 : n.asLong();
        }
    }
}
