package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A watermark moved or reset ({@code PUT|DELETE /api/flows/sql-incremental/{source}/watermark}): the state after
 * the change ({@link WatermarkState}'s fields) and the commit. Every field is present.
 *
 * @param source       the source
 * @param table        {@code silver/<table>}
 * @param routeState   the state of its poll route (stopped, as a change requires)
 * @param watermark    the watermark now, or null after a reset
 * @param previous     the watermark before, or null
 * @param committed    whether a commit was written (false for a reset of no watermark)
 * @param tableVersion the table version of the {@code SET|UNSET TBLPROPERTIES} commit, or the version read when
 *                     nothing was committed
 */
@Schema(description = "A watermark changed, with the commit that changed it")
public record WatermarkChange(String source, String table, String routeState,
                              @Schema(nullable = true) WatermarkView watermark,
                              @Schema(nullable = true) WatermarkView previous, boolean committed, long tableVersion) {
}
