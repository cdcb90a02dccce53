package io.lakehub.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** Conversions from the maps some services keep (and their tests read) to the typed answers of the API. */
final class Views {

    private Views() {
    }

    /** A number as a long, or null for null (a value read back from JSON may be an Integer). */
    static Long longOrNull(Object v) {
        return v == null ? null : ((Number) v).longValue();
    }

    /** A number as a long, or 0 for null. */
    static long longOf(Object v) {
        return v == null ? 0L : ((Number) v).longValue();
    }

    /** A map of names to numbers as names to longs, in its order, or null for null. */
    static Map<String, Long> longs(Object v) {
        if (v == null) {
            return null;
        }
        Map<String, Long> out = new LinkedHashMap<>();
        ((Map<?, ?>) v).forEach((k, n) -> out.put(String.valueOf(k), longOrNull(n)));
        return out;
    }

    /** A string or null. */
    static String text(Object v) {
        return v == null ? null : v.toString();
    }
}
