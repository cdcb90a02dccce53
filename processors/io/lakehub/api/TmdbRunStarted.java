package io.lakehub.api;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A tmdb-pull run started in the background (202 of {@code POST /api/flows/tmdb-pull/run}).
 *
 * @param runId  the run id (new, or the one resumed)
 * @param status {@code started}
 * @param runs   where to follow it: {@code ["/api/flows/tmdb-pull"]}
 */
@Schema(description = "A tmdb-pull run started in the background")
public record TmdbRunStarted(String runId, @Schema(allowableValues = "started") String status, List<String> runs) {
}
