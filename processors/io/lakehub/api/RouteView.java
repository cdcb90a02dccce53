package io.lakehub.api;

import java.util.Date;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A Camel route ({@code GET /api/routes[/{id}]}), from its managed bean. Every field is present.
 *
 * @param id                    the route id, {@code <flow>-<step>}
 * @param flow                  the flow it belongs to ({@link RoutesController#flowOf}), or {@code other}
 * @param state                 Started, Stopped, Suspended... ({@link org.apache.camel.ServiceStatus}), or Unknown
 * @param uptimeMs              time since the route started, milliseconds
 * @param exchangesTotal        exchanges completed or failed since start
 * @param exchangesFailed       exchanges failed since start
 * @param exchangesInflight     exchanges in flight now
 * @param lastExchangeCompleted when the last exchange completed, or null
 * @param lastExchangeFailure   when the last exchange failed, or null
 * @param lastError             the last error of a route start or stop, or null
 */
@Schema(description = "A Camel route with its state and statistics")
public record RouteView(String id, String flow, String state, @Schema(description = "milliseconds") long uptimeMs,
                        long exchangesTotal, long exchangesFailed, long exchangesInflight,
                        @Schema(nullable = true) Date lastExchangeCompleted,
                        @Schema(nullable = true) Date lastExchangeFailure,
                        @Schema(nullable = true) RouteErrorView lastError) {

    /**
     * The last error of a route start, stop, suspend or resume (Camel's {@code RouteError}).
     *
     * @param phase   START, STOP, SUSPEND, RESUME, SHUTDOWN or REMOVE
     * @param message the exception's message, or null
     * @param date    when it happened
     */
    public record RouteErrorView(String phase, String message, Date date) {
    }
}
