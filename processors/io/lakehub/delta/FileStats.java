package io.lakehub.delta;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Per-file column statistics, accumulated row by row while a data file is written.
 *
 * <p>Produces the {@code stats} JSON string of a Delta {@code add} action, as the Delta protocol's
 * "Per-file Statistics" section defines it: {@code numRecords}, {@code minValues}, {@code maxValues}
 * and {@code nullCount} per top-level column. delta-standalone stores {@code AddFile.stats} as a JSON
 * <em>string</em>, so {@link #toJson()} returns text, not an object. Strings longer than
 * {@value #STRING_PREFIX} characters are kept as a prefix (min) or a prefix followed by U+FFFF (max),
 * which keeps both bounds valid; the prefix never ends inside a surrogate pair. Binary, boolean
 * and array columns get null counts only (a null array counts, a null element does not). NaN makes a floating-point column's min and max unknown, so they are
 * left out.
 *
 * <p>Not thread-safe: one instance per file being written.
 */
public final class FileStats {

    /** Longest string kept whole in min/max statistics, in characters (Spark's default is 32). */
    public static final int STRING_PREFIX = 32;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Column[] fields;
    private final Object[] min;
    private final Object[] max;
    private final long[] nulls;
    private final boolean[] unknown;
    private long records;

    /** @param schema the schema of the rows that will be {@link #add added} */
    public FileStats(TableSchema schema) {
        this.fields = schema.columns().toArray(new Column[0]);
        this.min = new Object[fields.length];
        this.max = new Object[fields.length];
        this.nulls = new long[fields.length];
        this.unknown = new boolean[fields.length];
    }

    /** Adds one row, in schema order. */
    public void add(Object[] row) {
        records++;
        for (int i = 0; i < fields.length; i++) {
            Object v = row[i];
            if (v == null) {
                nulls[i]++;
            } else if (v instanceof byte[] || v instanceof Boolean || v instanceof java.util.List) {
                unknown[i] = true;
            } else if ((v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN())) {
                unknown[i] = true;
            } else {
                if (min[i] == null || ColumnTypes.compare(v, min[i]) < 0) {
                    min[i] = v;
                }
                if (max[i] == null || ColumnTypes.compare(v, max[i]) > 0) {
                    max[i] = v;
                }
            }
        }
    }

    /** Rows added so far. */
    public long numRecords() {
        return records;
    }

    /** The smallest non-null value of column {@code index}, or null if none. */
    public Object min(int index) {
        return min[index];
    }

    /** The largest non-null value of column {@code index}, or null if none. */
    public Object max(int index) {
        return max[index];
    }

    /**
     * The statistics JSON quoted as a JSON string literal, the form {@code AddFile.Builder.stats}
     * needs: delta-standalone copies the value into the log as raw JSON, and the Delta protocol wants
     * {@code add.stats} to be a string holding JSON, not an object.
     */
    public String toJsonStringLiteral() {
        try {
            return JSON.writeValueAsString(toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise file statistics", e);
        }
    }

    /**
     * The JSON text of an {@code AddFile}'s statistics, whether it came from the log (plain JSON
     * text) or from {@link #toJsonStringLiteral()} (quoted); {@code null} stays {@code null}.
     */
    public static String unquote(String stats) {
        if (stats == null || !stats.startsWith("\"")) {
            return stats;
        }
        try {
            return JSON.readValue(stats, String.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed file statistics: " + stats, e);
        }
    }

    /**
     * The first {@value #STRING_PREFIX} characters of {@code s}, one fewer when the cut would split a
     * surrogate pair: a lone surrogate cannot be written as UTF-8 and would turn into {@code ?}.
     */
    private static String prefix(String s) {
        return s.substring(0, Character.isHighSurrogate(s.charAt(STRING_PREFIX - 1)) ? STRING_PREFIX - 1 : STRING_PREFIX);
    }

    /** The statistics as the JSON text of the Delta protocol's per-file statistics. */
    public String toJson() {
        Map<String, Object> mins = new LinkedHashMap<>();
        Map<String, Object> maxs = new LinkedHashMap<>();
        Map<String, Object> nullCount = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].name();
            nullCount.put(name, nulls[i]);
            if (unknown[i] || min[i] == null) {
                continue;
            }
            Object lo = ColumnTypes.statsValue(min[i], false);
            Object hi = ColumnTypes.statsValue(max[i], true);
            if (lo instanceof String s && s.length() > STRING_PREFIX) {
                lo = prefix(s);
            }
            if (hi instanceof String s && s.length() > STRING_PREFIX) {
                hi = prefix(s) + '\uFFFF';
            }
            if (lo != null && hi != null) {
                mins.put(name, lo);
                maxs.put(name, hi);
            }
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("numRecords", records);
        stats.put("minValues", mins);
        stats.put("maxValues", maxs);
        stats.put("nullCount", nullCount);
        try {
            return JSON.writeValueAsString(stats);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise file statistics", e);
        }
    }
}
