package io.lakehub.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.lakehub.run.FailureKind;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * In-memory counters of the events flow per hub, since the hub started (the lake itself holds the
 * durable truth: bronze files, quarantine files, the silver table and its {@code txn} versions).
 * Also published as the Micrometer counter {@code lakehub.events} (tags {@code hub}, {@code outcome}:
 * bronze, valid, quarantined, replayed-skipped, failed-batch), e.g. at {@code /actuator/metrics/lakehub.events}
 * when that endpoint is exposed. Thread-safe.
 */
@Component
public class EventCounters {

    /** Counters of one hub. */
    public static final class Hub {
        final AtomicLong bronze = new AtomicLong();
        final AtomicLong valid = new AtomicLong();
        final AtomicLong quarantined = new AtomicLong();
        final AtomicLong replayedSkipped = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong failedBatches = new AtomicLong();
        final AtomicLong lastVersion = new AtomicLong(-1);
        final AtomicReference<Instant> lastBatchAt = new AtomicReference<>();
        final AtomicReference<String> lastError = new AtomicReference<>();
        final AtomicReference<FailureKind> lastFailure = new AtomicReference<>();

        /** The kind of the last batch failure, or null when the last batch succeeded (or none failed). */
        public FailureKind lastFailure() {
            return lastFailure.get();
        }

        /** The counters as a JSON-friendly map. */
        public Map<String, Object> snapshot() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bronze", bronze.get());
            m.put("valid", valid.get());
            m.put("quarantined", quarantined.get());
            m.put("replayedSkipped", replayedSkipped.get());
            m.put("batches", batches.get());
            m.put("failedBatches", failedBatches.get());
            m.put("lastSilverVersion", lastVersion.get());
            m.put("lastBatchAt", lastBatchAt.get() == null ? null : lastBatchAt.get().toString());
            m.put("lastError", lastError.get());
            return m;
        }
    }

    private final Map<String, Hub> hubs = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public EventCounters(ObjectProvider<MeterRegistry> meters) {
        this.meters = meters.getIfAvailable();
    }

    /** The counters of a hub, created at zero on first use. */
    public Hub hub(String name) {
        return hubs.computeIfAbsent(name, this::register);
    }

    private Hub register(String name) {
        Hub h = new Hub();
        if (meters != null) {
            counter(name, "bronze", h.bronze);
            counter(name, "valid", h.valid);
            counter(name, "quarantined", h.quarantined);
            counter(name, "replayed-skipped", h.replayedSkipped);
            counter(name, "failed-batch", h.failedBatches);
        }
        return h;
    }

    private void counter(String hub, String outcome, AtomicLong value) {
        FunctionCounter.builder("lakehub.events", value, AtomicLong::doubleValue)
                .description("events of the events flow by outcome since start")
                .tags("hub", hub, "outcome", outcome).register(meters);
    }

    /** A committed batch: events landed in bronze, valid (silver) and quarantined, and replayed events skipped. */
    void committed(String hub, long bronze, long valid, long quarantined, long skipped, long version) {
        Hub h = hub(hub);
        h.bronze.addAndGet(bronze);
        h.valid.addAndGet(valid);
        h.quarantined.addAndGet(quarantined);
        h.replayedSkipped.addAndGet(skipped);
        h.batches.incrementAndGet();
        if (version >= 0) {
            h.lastVersion.set(version);
        }
        h.lastBatchAt.set(Instant.now());
        h.lastError.set(null);
        h.lastFailure.set(null);
    }

    /** A batch that failed before its offsets were committed (it is redelivered). */
    void failed(String hub, String message) {
        Hub h = hub(hub);
        h.failedBatches.incrementAndGet();
        h.lastError.set(message);
        h.lastFailure.set(FailureKind.OTHER);
    }

    /**
     * A batch that failed before its offsets were committed (it is redelivered): the error is
     * {@code <exception class>: <message>}, its kind {@link FailureKind#of(Throwable)}.
     */
    void failed(String hub, Throwable failure) {
        Hub h = hub(hub);
        h.failedBatches.incrementAndGet();
        h.lastError.set(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        h.lastFailure.set(FailureKind.of(failure));
    }

    /** Counters of every hub seen, by hub name. */
    public Map<String, Map<String, Object>> all() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        hubs.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }
}
