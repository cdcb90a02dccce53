package io.lakehub.api;

import java.util.List;

import io.lakehub.run.RunHistory;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A source of the sql-incremental flow ({@code GET /api/flows/sql-incremental}). Every field is present.
 *
 * @param source           the source name ({@code lakehub.sql.sources[].name})
 * @param enabled          whether it is polled
 * @param from             the source table, or {@code query} for a configured query
 * @param datasource       the data source name
 * @param keys             the key columns MERGE matches on
 * @param watermarkColumn  the watermark column
 * @param tieBreakerColumn the tie-breaker column in effect, or null
 * @param schedule         poll interval, ISO-8601 duration
 * @param lag              how far behind now the watermark stops, ISO-8601 duration
 * @param timeZone         the source's time zone id
 * @param target           {@code silver/<table>}
 * @param watermark        the stored watermark, or null before the first load
 * @param lastRun          the latest run, or null
 * @param instance         this instance's id
 * @param polling          whether this instance polls the source now (false on followers)
 * @param leader           the leading instance's id; null without clustering or when the lock does not record it
 */
@Schema(description = "A sql-incremental source with its settings, watermark and last run")
public record SqlSourceView(String source, boolean enabled, String from, String datasource, List<String> keys,
                            String watermarkColumn, @Schema(nullable = true) String tieBreakerColumn,
                            @Schema(description = "ISO-8601 duration", example = "PT30S") String schedule,
                            @Schema(description = "ISO-8601 duration") String lag, String timeZone, String target,
                            @Schema(nullable = true) WatermarkView watermark,
                            @Schema(nullable = true) RunHistory.Run lastRun, String instance, boolean polling,
                            @Schema(nullable = true) String leader) {
}
