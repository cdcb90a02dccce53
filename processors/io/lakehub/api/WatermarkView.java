package io.lakehub.api;

import io.lakehub.sql.Watermark;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The high-water mark of a sql-incremental source ({@link Watermark}): the next load reads rows after
 * {@code (value, tieBreaker)}. Every field is present.
 *
 * @param column           the watermark column
 * @param value            its highest value loaded: ISO-8601 local date-time or an integer, as text
 * @param tieBreakerColumn the tie-breaker column, or null
 * @param tieBreaker       the tie-breaker value at {@code value}, or null (every row at {@code value} is re-read)
 */
@Schema(description = "The high-water mark of a sql-incremental source")
public record WatermarkView(String column, String value, @Schema(nullable = true) String tieBreakerColumn,
                            @Schema(nullable = true) String tieBreaker) {

    /** The view of a watermark, or null for none. */
    static WatermarkView of(Watermark w) {
        return w == null ? null : new WatermarkView(w.column(), w.value(), w.tieBreakerColumn(), w.tieBreaker());
    }
}
