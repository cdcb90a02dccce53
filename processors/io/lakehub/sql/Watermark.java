package io.lakehub.sql;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The high-water mark of a SQL source: the watermark column's value of the last row loaded and, when
 * a tie-breaker column is in effect, that row's tie-breaker value. The next window starts strictly
 * after the pair {@code (value, tieBreaker)}, so rows that share a watermark value at a batch edge are
 * neither lost nor read twice (DESIGN.md, "Watermarks").
 *
 * <p>Values are kept in the text form of {@link io.lakehub.delta.ColumnTypes#text}: ISO-8601 for
 * timestamps (the source's wall-clock time for a column without time zone; the UTC time of the instant for a
 * zoned column such as PostgreSQL {@code timestamptz}, see {@link SourceDialect}), decimal digits for numbers. Stored as JSON in the target
 * table's property {@code lakehub.watermark.<source>} and in each load's {@code commitInfo.userMetadata}.
 *
 * @param column           the watermark column it refers to
 * @param value            the watermark value, never null
 * @param tieBreakerColumn the tie-breaker column, or null
 * @param tieBreaker       the tie-breaker value of the last row, or null
 */
public record Watermark(String column, String value, String tieBreakerColumn, String tieBreaker) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The table property that holds the watermark of source {@code source}. */
    public static String propertyKey(String source) {
        return "lakehub.watermark." + source;
    }

    /** This watermark as a JSON object map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("column", column);
        m.put("value", value);
        m.put("tieBreakerColumn", tieBreakerColumn);
        m.put("tieBreaker", tieBreaker);
        return m;
    }

    /** This watermark as JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses {@link #toJson()} output.
     *
     * @return the watermark, or null for null or blank text
     * @throws IllegalArgumentException if the text is not a watermark
     */
    public static Watermark parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            Map<?, ?> m = JSON.readValue(json, Map.class);
            Object value = m.get("value");
            if (value == null) {
                throw new IllegalArgumentException("watermark without a value: " + json);
            }
            return new Watermark((String) m.get("column"), value.toString(), (String) m.get("tieBreakerColumn"),
                    m.get("tieBreaker") == null ? null : m.get("tieBreaker").toString());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a watermark: " + json, e);
        }
    }
}
