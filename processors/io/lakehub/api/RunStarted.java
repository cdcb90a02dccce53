package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A load started in the background (202 of {@code POST /api/flows/sql-incremental/{source}/run}); its outcome is
 * in {@code GET /api/runs?source=}.
 *
 * @param source the source
 * @param status {@code started}
 */
@Schema(description = "A load started in the background")
public record RunStarted(String source, @Schema(allowableValues = "started") String status) {
}
