package io.lakehub.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs in progress: rows so far, rows/s and elapsed time, logged every {@code lakehub.progress.log-interval}
 * (default 10 s) for each run older than that interval, and shown by {@code GET /api/runs/active}. A run
 * leaves this list when {@link RunHistory} records it (succeeded or failed). Thread-safe.
 */
@Component
public class RunProgress {

    private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);

    /**
     * A run in progress.
     *
     * @param rows rows read so far, updated by the run's own thread (at least every 1,024 rows)
     */
    public record Active(String runId, String flow, String source, Instant start, AtomicLong rows) {
        /** rows, rows/s, elapsed (ms) as a JSON-friendly map. */
        public Map<String, Object> snapshot(Instant now) {
            long elapsed = Math.max(1, Duration.between(start, now).toMillis());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runId", runId);
            m.put("flow", flow);
            m.put("source", source);
            m.put("start", start.toString());
            m.put("rows", rows.get());
            m.put("rowsPerSecond", Math.round(rows.get() * 1000.0 / elapsed));
            m.put("elapsedMs", elapsed);
            return m;
        }
    }

    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private final Duration interval;
    private final ScheduledExecutorService logger;

    /**
     * @param interval how often progress is logged; runs shorter than this are never logged
     */
    public RunProgress(RunHistory history, @Value("${lakehub.progress.log-interval:10s}") Duration interval) {
        this.interval = interval;
        history.addListener(run -> active.remove(run.runId()));
        this.logger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lakehub-progress");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(100, interval.toMillis());
        logger.scheduleAtFixedRate(this::log, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Registers a run; the caller updates {@link Active#rows()} as it reads. */
    public Active start(String runId, String flow, String source) {
        Active a = new Active(runId, flow, source, Instant.now(), new AtomicLong());
        active.put(runId, a);
        return a;
    }

    /** Removes a run that ends without being recorded (for example one that found nothing to do). */
    public void end(String runId) {
        active.remove(runId);
    }

    /** Runs in progress, oldest first. */
    public List<Map<String, Object>> active() {
        Instant now = Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        active.values().stream().sorted((a, b) -> a.start().compareTo(b.start())).forEach(a -> out.add(a.snapshot(now)));
        return out;
    }

    private void log() {
        Instant now = Instant.now();
        for (Active a : active.values()) {
            if (Duration.between(a.start(), now).compareTo(interval) >= 0) {
                Map<String, Object> s = a.snapshot(now);
                LOG.info("{} {} run {}: {} rows, {} rows/s, elapsed {} s", a.flow(), a.source(), a.runId(), s.get("rows"),
                        s.get("rowsPerSecond"), String.format("%.1f", ((Long) s.get("elapsedMs")) / 1000.0));
            }
        }
    }

    @PreDestroy
    void stop() {
        logger.shutdownNow();
    }
}
