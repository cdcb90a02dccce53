package io.lakehub.api;

import java.util.List;

import io.lakehub.run.RunHistory;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A flow with its routes and last runs ({@code GET /api/flows}). Every field is present.
 *
 * @param flow          the flow name ({@link RoutesController#FLOWS}) or {@code other}
 * @param routes        its routes, by id
 * @param failures      failed exchanges of its routes since start
 * @param lastRun       its latest run, or null
 * @param lastFailedRun its latest failed run (with the error), or null
 */
@Schema(description = "A flow with its routes and last runs")
public record FlowView(String flow, List<RouteView> routes, long failures,
                       @Schema(nullable = true) RunHistory.Run lastRun,
                       @Schema(nullable = true) RunHistory.Run lastFailedRun) {
}
