package io.lakehub.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import io.lakehub.run.RunHistory;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.api.management.mbean.RouteError;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Flows and their Camel routes, and route control, the way Kafka Connect's REST API shows connectors
 * (status, pause/resume/stop; https://kafka.apache.org/documentation/#connect_rest).
 *
 * <ul>
 *   <li>{@code GET /api/flows}: per flow, its routes with state and statistics, its last run and its last
 *       failed run (with the error)</li>
 *   <li>{@code GET /api/routes}, {@code GET /api/routes/{id}}: state (Started, Stopped, Suspended),
 *       uptime (ms), exchanges total/failed/inflight, the last error of a route start or stop (phase,
 *       message, date), last exchange completed and failed times</li>
 *   <li>{@code POST /api/routes/{id}/start|stop|suspend|resume}: operator only; answers the new state</li>
 * </ul>
 * A route belongs to the flow its id starts with ({@code <flow>-<step>}, STYLE.md); an unknown route is 404.
 */
@RestController
@RequestMapping("/api")
public class RoutesController {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesController.class);

    /** Flow names, longest first so that a prefix never shadows a longer one. */
    public static final List<String> FLOWS = List.of("sql-incremental", "files-ingest", "replication", "maintenance",
            "tmdb-pull", "events");

    private final CamelContext camel;
    private final RunHistory runs;

    public RoutesController(CamelContext camel, RunHistory runs) {
        this.camel = camel;
        this.runs = runs;
    }

    /** The flow of a route id, or {@code other}. */
    public static String flowOf(String routeId) {
        return FLOWS.stream().filter(f -> routeId.startsWith(f + "-") || routeId.equals(f)).findFirst().orElse("other");
    }

    /** Every flow with its routes and last runs. */
    @GetMapping("/flows")
    public List<FlowView> flows() {
        Map<String, List<RouteView>> byFlow = new TreeMap<>();
        for (RouteView r : routes()) {
            byFlow.computeIfAbsent(r.flow(), f -> new ArrayList<>()).add(r);
        }
        List<RunHistory.Run> recent = runs.recent(null, RunHistory.CAPACITY);
        List<FlowView> out = new ArrayList<>();
        for (Map.Entry<String, List<RouteView>> e : byFlow.entrySet()) {
            out.add(new FlowView(e.getKey(), e.getValue(), e.getValue().stream().mapToLong(RouteView::exchangesFailed).sum(),
                    recent.stream().filter(r -> e.getKey().equals(r.flow())).findFirst().orElse(null),
                    recent.stream().filter(r -> e.getKey().equals(r.flow()) && "FAILED".equals(r.status()))
                            .findFirst().orElse(null)));
        }
        return out;
    }

    /** Every route. */
    @GetMapping("/routes")
    public List<RouteView> routes() {
        List<RouteView> out = new ArrayList<>();
        camel.getRoutes().stream().sorted(Comparator.comparing(Route::getRouteId)).forEach(r -> out.add(describe(r.getRouteId())));
        return out;
    }

    /** One route. */
    @GetMapping("/routes/{id}")
    public RouteView route(@PathVariable String id) {
        return describe(id);
    }

    /**
     * Starts, stops, suspends or resumes a route.
     *
     * @throws IllegalArgumentException for another action (400)
     * @throws NoSuchElementException   for an unknown route (404)
     */
    @PostMapping("/routes/{id}/{action}")
    public RouteView control(@PathVariable String id, @PathVariable String action, Authentication who)
            throws Exception {
        require(id);
        RouteController rc = camel.getRouteController();
        switch (action) {
            case "start" -> rc.startRoute(id);
            case "stop" -> rc.stopRoute(id);
            case "suspend" -> rc.suspendRoute(id);
            case "resume" -> rc.resumeRoute(id);
            default -> throw new IllegalArgumentException("action must be start, stop, suspend or resume, not " + action);
        }
        LOG.info("route {}: {} by {}, now {}", id, action, who == null ? "anonymous" : who.getName(), rc.getRouteStatus(id));
        return describe(id);
    }

    private Route require(String id) {
        Route r = camel.getRoute(id);
        if (r == null) {
            throw new NoSuchElementException("no route " + id);
        }
        return r;
    }

    private RouteView describe(String id) {
        Route route = require(id);
        ServiceStatus status = camel.getRouteController().getRouteStatus(id);
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        ManagedRouteMBean mr = managed == null ? null : managed.getManagedRoute(id);
        RouteError err = mr == null ? null : mr.getLastError();
        RouteView.RouteErrorView lastError = err == null ? null : new RouteView.RouteErrorView(String.valueOf(err.getPhase()),
                err.getException() == null ? null : String.valueOf(err.getException().getMessage()), err.getDate());
        return new RouteView(id, flowOf(id), status == null ? "Unknown" : status.name(), route.getUptimeMillis(),
                mr == null ? 0L : mr.getExchangesTotal(), mr == null ? 0L : mr.getExchangesFailed(),
                mr == null ? 0L : mr.getExchangesInflight(), mr == null ? null : mr.getLastExchangeCompletedTimestamp(),
                mr == null ? null : mr.getLastExchangeFailureTimestamp(), lastError);
    }
}
