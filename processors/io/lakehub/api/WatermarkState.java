package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The watermark of a sql-incremental source ({@code GET /api/flows/sql-incremental/{source}/watermark}). Every
 * field is present.
 *
 * @param source     the source
 * @param table      {@code silver/<table>} that stores the watermark as a table property
 * @param routeState the state of its poll route ({@code Started}, {@code Stopped}...), or {@code NotCreated}
 * @param watermark  the watermark, or null (the next load is a full load)
 */
@Schema(description = "The watermark of a sql-incremental source")
public record WatermarkState(String source, String table, String routeState,
                             @Schema(nullable = true) WatermarkView watermark) {
}
