package io.lakehub.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The windowed aggregates of the events flow ({@code GET /api/flows/events/aggregates},
 * {@link io.lakehub.events.EventAggregator}): settings, counters since start and the alerts written. Every field
 * is present.
 *
 * @param enabled         whether aggregates are computed
 * @param table           the aggregate table
 * @param windowSize      the window size, ISO-8601 duration
 * @param allowedLateness how late an event may come and still count, ISO-8601 duration
 * @param rules           the alert rule names
 * @param watermark       the event-time watermark, ISO-8601 UTC, or null
 * @param counted         events counted into windows
 * @param late            events later than the allowed lateness, not counted
 * @param alerts          the alerts written most recently (pending and sent), newest first, as written to the outbox
 * @param commits         aggregate commits
 * @param failures        failed aggregate commits
 * @param lastVersion     the aggregate table version written last, -1 before the first
 * @param lastError       the last failure, or null
 */
@Schema(description = "Aggregates of the events flow and the alerts written")
public record AggregatesStatus(boolean enabled, String table,
                               @Schema(description = "ISO-8601 duration") String windowSize,
                               @Schema(description = "ISO-8601 duration") String allowedLateness, List<String> rules,
                               @Schema(nullable = true) String watermark, long counted, long late,
                               @Schema(description = "alert records as written to the outbox") List<JsonNode> alerts,
                               long commits, long failures, long lastVersion, @Schema(nullable = true) String lastError) {

    @SuppressWarnings("unchecked")
    static AggregatesStatus of(Map<String, Object> m, List<JsonNode> alerts) {
        return new AggregatesStatus(Boolean.TRUE.equals(m.get("enabled")), Views.text(m.get("table")),
                Views.text(m.get("windowSize")), Views.text(m.get("allowedLateness")), (List<String>) m.get("rules"),
                Views.text(m.get("watermark")), Views.longOf(m.get("counted")), Views.longOf(m.get("late")), alerts,
                Views.longOf(m.get("commits")), Views.longOf(m.get("failures")), Views.longOf(m.get("lastVersion")),
                Views.text(m.get("lastError")));
    }
}
