package io.lakehub.ops;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lakehub.events.EventsProperties;
import io.lakehub.events.EventCounters;
import io.lakehub.run.FailureKind;
import io.lakehub.run.RunHistory;
import io.lakehub.sql.CommitDeltaMerge;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSources;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * Health of each flow source, at {@code /actuator/health/flows/<flow>-<source>}: UP while its runs
 * succeed; {@link #DEGRADED} after {@code lakehub.health.degraded-after} consecutive failed runs (default 1),
 * or while the last run held a file in quarantine (QUARANTINED); DOWN when the last failure's {@link FailureKind}
 * (recorded by the run under detail {@value FailureKind#DETAIL}, classified from the exception's type and
 * SQLState) says the source is unreachable or refuses the hub's credentials. Events hubs are DEGRADED while
 * their last batch failed, DOWN when that failure's kind says so. Components exist for every
 * configured sql-incremental source and for every source that has a run; runs that name their
 * {@value #COMPONENT_DETAIL} (files-ingest: one per file kind, {@code files-ingest-<kind>}) are grouped
 * under it instead of their source. A sql-incremental source whose last run counted rows with a NULL
 * watermark shows that count as detail {@code rowsWithNullWatermark} (the status is unchanged: the source
 * answers; the rows wait for a value).
 *
 * <p>The DEGRADED status is ordered between DOWN and UP and answered with HTTP 200 (application.yaml,
 * {@code management.endpoint.health.status}), so a degraded hub stays in service but shows it.
 */
@Component("flows")
public class FlowsHealth implements CompositeHealthContributor {

    /** Some runs fail but the source answers. */
    public static final Status DEGRADED = new Status("DEGRADED", "recent runs failed");

    /**
     * Run detail naming the health component of a run when its source is not one (files-ingest: the
     * file's kind, since dated file names would add a component per file).
     */
    public static final String COMPONENT_DETAIL = "component";

    private static final String QUARANTINED = "QUARANTINED";

    private final RunHistory runs;
    private final SqlSources sources;
    private final EventCounters events;
    private final EventsProperties eventsProps;
    private final int degradedAfter;

    public FlowsHealth(RunHistory runs, SqlSources sources, EventCounters events, EventsProperties eventsProps,
                       @Value("${lakehub.health.degraded-after:1}") int degradedAfter) {
        this.runs = runs;
        this.sources = sources;
        this.events = events;
        this.eventsProps = eventsProps;
        this.degradedAfter = Math.max(1, degradedAfter);
    }

    private Map<String, HealthIndicator> indicators() {
        Map<String, HealthIndicator> out = new LinkedHashMap<>();
        for (SqlIncrementalLoader l : sources.all()) {
            String source = l.source().getName();
            out.put("sql-incremental-" + source, () -> fromRuns("sql-incremental", source));
        }
        Map<String, String> seen = new ConcurrentHashMap<>();
        for (RunHistory.Run r : runs.recent(null, RunHistory.CAPACITY)) {
            String component = component(r);
            if (component != null) {
                seen.putIfAbsent(r.flow() + "-" + component, r.flow());
            }
        }
        seen.forEach((name, flow) -> out.putIfAbsent(name, () -> fromRuns(flow, name.substring(flow.length() + 1))));
        if (eventsProps.isEnabled()) {
            String hub = eventsProps.getHub();
            out.put("events-" + hub, () -> fromEvents(hub));
        }
        return out;
    }

    /** The component a run belongs to: its {@value #COMPONENT_DETAIL} detail when it has one, else its source. */
    static String component(RunHistory.Run r) {
        return r.details() != null && r.details().get(COMPONENT_DETAIL) instanceof String c ? c : r.source();
    }

    /**
     * The health of one component from its last 20 runs: UP, DEGRADED or DOWN as the class comment says.
     * A QUARANTINED last run (files-ingest: a file held in quarantine) is DEGRADED whatever
     * {@code degraded-after}: the file waits for an operator; the next good run of the component is UP again.
     *
     * @param component a source, or the {@value #COMPONENT_DETAIL} detail of the runs
     */
    Health fromRuns(String flow, String component) {
        List<RunHistory.Run> recent = runs.recent(null, RunHistory.CAPACITY).stream()
                .filter(r -> flow.equals(r.flow()) && component.equals(component(r))).limit(20).toList();
        if (recent.isEmpty()) {
            return Health.up().withDetail("runs", 0).build();
        }
        int failures = 0;
        for (RunHistory.Run r : recent) {
            if (!"FAILED".equals(r.status()) && !QUARANTINED.equals(r.status())) {
                break;
            }
            failures++;
        }
        RunHistory.Run last = recent.get(0);
        Health.Builder b;
        if (failures == 0) {
            b = Health.up();
        } else if (QUARANTINED.equals(last.status())) {
            b = Health.status(DEGRADED).withDetail("quarantined", recent.stream().filter(r -> QUARANTINED.equals(r.status())).count())
                    .withDetail("lastQuarantined", String.valueOf(last.source()));
        } else if (sourceDown(last)) {
            b = Health.down();
        } else if (failures >= degradedAfter) {
            b = Health.status(DEGRADED);
        } else {
            b = Health.up();
        }
        b.withDetail("consecutiveFailures", failures).withDetail("lastRun", last.runId())
                .withDetail("lastStatus", last.status()).withDetail("lastEnd", String.valueOf(last.end()));
        if (last.error() != null) {
            b.withDetail("lastError", last.error());
        }
        // rows a sql-incremental source holds but cannot load, as the newest run that got to count them (not a FAILED one)
        recent.stream().filter(r -> !"FAILED".equals(r.status())).findFirst()
                .map(r -> r.details() == null ? null : r.details().get(CommitDeltaMerge.NULL_WATERMARK_ROWS))
                .ifPresent(n -> b.withDetail(CommitDeltaMerge.NULL_WATERMARK_ROWS, n));
        return b.build();
    }

    private Health fromEvents(String hub) {
        EventCounters.Hub counters = events.hub(hub);
        Map<String, Object> c = counters.snapshot();
        FailureKind kind = counters.lastFailure();
        Health.Builder b = c.get("lastError") == null ? Health.up()
                : kind != null && kind.sourceDown() ? Health.down() : Health.status(DEGRADED);
        return b.withDetails(c).build();
    }

    /** Whether a failed run's recorded {@link FailureKind} says its source is down (false when it recorded none). */
    static boolean sourceDown(RunHistory.Run run) {
        FailureKind kind = FailureKind.of(run);
        return kind != null && kind.sourceDown();
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators().get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return indicators().entrySet().stream()
                .map(e -> NamedContributor.<HealthContributor>of(e.getKey(), e.getValue())).iterator();
    }
}
