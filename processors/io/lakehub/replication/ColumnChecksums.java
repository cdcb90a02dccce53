package io.lakehub.replication;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.ColumnTypes;

/**
 * Order-independent checksums of a set of rows, one per column, to compare a replica with the source
 * selection whatever order or file split either has.
 *
 * <p>Per column: the row count, the null count, and the sum modulo 2^64 of a 64-bit hash of each
 * non-null value's text form ({@link ColumnTypes#text}: the same for a value read back from Parquet,
 * Delta or CSV). The hash is FNV-1a over the UTF-8 bytes, finished with the SplitMix64 mixer (Steele,
 * Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) so that near-equal values
 * spread over all bits. A sum is a multiset checksum: a changed, missing or duplicated value changes
 * it, and only a deliberate collision could hide one. Not thread-safe.
 */
public final class ColumnChecksums {

    private final List<String> columns;
    private final long[] sums;
    private final long[] nulls;
    private long rows;

    /** @param columns the column names, in row order */
    public ColumnChecksums(List<String> columns) {
        this.columns = List.copyOf(columns);
        this.sums = new long[columns.size()];
        this.nulls = new long[columns.size()];
    }

    /** Adds one row (values in column order, classes as in {@link ColumnTypes}). */
    public void add(Object[] row) {
        rows++;
        for (int i = 0; i < sums.length; i++) {
            Object v = row[i];
            if (v == null) {
                nulls[i]++;
            } else {
                sums[i] += hash(ColumnTypes.text(v));
            }
        }
    }

    /** Rows added. */
    public long rows() {
        return rows;
    }

    /**
     * The checksums as JSON-ready maps, per column: {@code {"column", "rows", "nulls", "sum"}} with the
     * sum as 16 hex digits.
     */
    public List<Map<String, Object>> toList() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < sums.length; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("column", columns.get(i));
            m.put("rows", rows);
            m.put("nulls", nulls[i]);
            m.put("sum", String.format("%016x", sums[i]));
            out.add(m);
        }
        return out;
    }

    /** The 64-bit hash of a value's text (FNV-1a, then SplitMix64's finaliser). */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
