package io.lakehub.api;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A run in progress ({@code GET /api/runs/active}, {@link io.lakehub.run.RunProgress}).
 *
 * @param runId         the run id
 * @param flow          its flow
 * @param source        its source
 * @param start         when it started, ISO-8601 UTC
 * @param rows          rows read so far
 * @param rowsPerSecond rows read per second since the start, rounded
 * @param elapsedMs     time since the start, milliseconds (at least 1)
 */
@Schema(description = "A run in progress")
public record ActiveRun(String runId, String flow, String source, String start, long rows, long rowsPerSecond,
                        @Schema(description = "milliseconds") long elapsedMs) {

    /** From {@link io.lakehub.run.RunProgress.Active#snapshot}'s map. */
    static ActiveRun of(Map<String, Object> m) {
        return new ActiveRun((String) m.get("runId"), (String) m.get("flow"), (String) m.get("source"),
                (String) m.get("start"), ((Number) m.get("rows")).longValue(), ((Number) m.get("rowsPerSecond")).longValue(),
                ((Number) m.get("elapsedMs")).longValue());
    }
}
