package io.lakehub.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.lakehub.run.RunHistory;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSources;
import io.lakehub.sql.Watermark;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Micrometer meters of every flow's runs, served in Prometheus format at {@code /actuator/prometheus}
 * (names there: dots become underscores, counters end in {@code _total}):
 *
 * <ul>
 *   <li>{@code lakehub.rows{flow,source,direction=in|out}}: rows read from sources, and rows written to
 *       silver (inserted + updated + deleted)</li>
 *   <li>{@code lakehub.runs{flow,source,status}}: runs by outcome (SUCCEEDED, FAILED, NOOP)</li>
 *   <li>{@code lakehub.run.duration{flow,source}}: run durations</li>
 *   <li>{@code lakehub.last.success{flow,source}}: Unix time in seconds of the last successful run</li>
 *   <li>{@code lakehub.watermark.lag{source}}: seconds between now and a timestamp watermark of a
 *       sql-incremental source (read from its table; NaN before the first load or for an integer watermark)</li>
 * </ul>
 * Events counters ({@code lakehub.events}) and commit meters ({@code lakehub.delta.commit},
 * {@code lakehub.delta.bytes.written}, in {@link io.lakehub.delta.DeltaTable}) are registered where they happen. Thread-safe.
 */
@Component
public class RunMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public RunMetrics(MeterRegistry registry, RunHistory history, SqlSources sources) {
        this.registry = registry;
        history.addListener(this::recorded);
        for (SqlIncrementalLoader loader : sources.all()) {
            String source = loader.source().getName();
            Gauge.builder("lakehub.watermark.lag", loader, RunMetrics::watermarkLagSeconds)
                    .description("seconds between now and the source's timestamp watermark")
                    .baseUnit("seconds").tags("source", source).register(registry);
        }
    }

    private void recorded(RunHistory.Run run) {
        String flow = run.flow();
        String source = run.source() == null ? "" : run.source();
        Counter.builder("lakehub.rows").description("rows read from sources (in) and written to silver (out)")
                .tags("flow", flow, "source", source, "direction", "in").register(registry).increment(run.rowsIn());
        Counter.builder("lakehub.rows").description("rows read from sources (in) and written to silver (out)")
                .tags("flow", flow, "source", source, "direction", "out").register(registry)
                .increment(run.inserted() + run.updated() + run.deleted());
        Counter.builder("lakehub.runs").description("runs by outcome")
                .tags("flow", flow, "source", source, "status", String.valueOf(run.status())).register(registry).increment();
        if (run.start() != null && run.end() != null) {
            Timer.builder("lakehub.run.duration").description("run durations")
                    .tags("flow", flow, "source", source).register(registry).record(Duration.between(run.start(), run.end()));
        }
        if (!"FAILED".equals(run.status())) {
            lastSuccess.computeIfAbsent(flow + "/" + source, k -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder("lakehub.last.success", v, AtomicLong::doubleValue)
                        .description("Unix time (s) of the last successful run").baseUnit("seconds")
                        .tags("flow", flow, "source", source).register(registry);
                return v;
            }).set((run.end() == null ? Instant.now() : run.end()).getEpochSecond());
        }
    }

    /** Now minus the watermark in seconds, for an ISO-8601 timestamp watermark (source wall-clock, read in the JVM zone). */
    static double watermarkLagSeconds(SqlIncrementalLoader loader) {
        try {
            if (!loader.table().exists()) {
                return Double.NaN;
            }
            Watermark wm = Watermark.parse(loader.table().properties().get(Watermark.propertyKey(loader.source().getName())));
            if (wm == null) {
                return Double.NaN;
            }
            Instant at = LocalDateTime.parse(wm.value()).atZone(ZoneId.systemDefault()).toInstant();
            return Duration.between(at, Instant.now()).toMillis() / 1000.0;
        } catch (DateTimeParseException | IllegalArgumentException | IllegalStateException e) {
            return Double.NaN;
        }
    }
}
