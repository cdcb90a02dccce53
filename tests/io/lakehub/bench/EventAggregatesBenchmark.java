package io.lakehub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.AggregatesProperties;
import io.lakehub.events.AlertRulesProperties;
import io.lakehub.events.CompactBronzeEvents;
import io.lakehub.events.CompactionProperties;
import io.lakehub.events.EventAggregator;
import io.lakehub.events.EventCommitListener;
import io.lakehub.events.EventCounters;
import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The cost of the windowed aggregates on the events flow's bulk path, and the speed of bronze compaction:
 * {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.EventAggregatesBenchmark}
 * (-Xmx512m). Lands 200 batches of 2,000 events (4 partitions, 5 event types, event times over 2 hours)
 * through {@link LandEventBatch#land} on a local lake, once without and once with {@link EventAggregator}
 * (one alert rule), after a warm-up of 20 batches each; prints events/s, the aggregate step's p50/p99 per
 * batch and the peak heap. Then compacts the second lake's bronze (about 10 batches per minute folder) and
 * prints files before/after and rows/s.
 */
public final class EventAggregatesBenchmark {

    static final int BATCHES = 200;
    static final int BATCH = 2_000;
    static final int PARTITIONS = 4;
    static final String[] TYPES = {"click", "view", "watch", "search", "purchase"};
    static final Instant BASE = Instant.parse("2026-01-01T08:00:00Z");

    private EventAggregatesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // without Spring Boot's logging setup logback logs at DEBUG, which would dominate the figures
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        EventsProperties events = new EventsProperties();
        events.setHub("bench");
        for (String t : TYPES) {
            events.getRules().put(t, new EventsProperties.TypeRules());
        }
        run("warm-up without aggregates", events, false, 20, false);
        run("warm-up with aggregates", events, true, 20, false);
        run("without aggregates", events, false, BATCHES, false);
        run("with aggregates", events, true, BATCHES, true);
    }

    private static void run(String name, EventsProperties events, boolean aggregates, int batches, boolean compact)
            throws Exception {
        Path dir = Files.createTempDirectory("lakehub-agg-bench");
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        EventCounters counters = new EventCounters(new StaticListableBeanFactory().getBeanProvider(
                io.micrometer.core.instrument.MeterRegistry.class));
        List<EventCommitListener> listeners = new ArrayList<>();
        long[] aggNanos = new long[batches];
        int[] call = {0};
        EventAggregator aggregator = null;
        if (aggregates) {
            AlertRulesProperties.AlertRule rule = new AlertRulesProperties.AlertRule();
            rule.setName("busy");
            rule.setEventType("click");
            rule.setThreshold(1_000);
            aggregator = new EventAggregator(lake, "bench", new AggregatesProperties(), List.of(rule), json -> { }, null);
            EventAggregator a = aggregator;
            listeners.add(batch -> {
                long t0 = System.nanoTime();
                a.committed(batch);
                aggNanos[call[0]++] = System.nanoTime() - t0;
            });
        }
        LandEventBatch land = new LandEventBatch(lake, events, counters, listeners);
        SqlIncrementalBenchmark.resetPeaks();
        long offset = 0;
        long started = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            List<EventRecord> records = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                long n = (long) b * BATCH + i;
                int partition = (int) (n % PARTITIONS);
                // enqueued 10 batches per minute; event time 2 hours over the run, a few seconds behind
                Instant enqueued = BASE.plusMillis(n * 60_000L / (10L * BATCH));
                Instant eventTime = BASE.plusMillis(n * 7_200_000L / ((long) BATCHES * BATCH)).minusSeconds(n % 7);
                records.add(new EventRecord("topic", partition, offset + n / PARTITIONS, enqueued, "k" + n,
                        "{\"type\":\"" + TYPES[(int) (n % TYPES.length)] + "\",\"timestamp\":\"" + eventTime + "\",\"n\":" + n + "}"));
            }
            land.land(records);
        }
        double sec = (System.nanoTime() - started) / 1e9;
        long total = (long) batches * BATCH;
        String agg = "";
        if (aggregates) {
            long[] sorted = Arrays.copyOf(aggNanos, call[0]);
            Arrays.sort(sorted);
            DeltaTable t = new DeltaTable(lake, EventAggregator.tableName("bench"));
            long sum = 0;
            try (DeltaTable.RowIterator rows = t.rows(t.latest())) {
                while (rows.hasNext()) {
                    sum += (Long) rows.next()[3];
                }
            }
            agg = String.format(", aggregate step p50 %.1f ms p99 %.1f ms per batch, %,d events counted, %,d late",
                    sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sum,
                    (Long) aggregator.status().get("late"));
        }
        System.out.printf("%s: %,d events in %d batches in %.2f s = %,.0f events/s, peak heap %d MB%s%n", name, total,
                batches, sec, total / sec, SqlIncrementalBenchmark.peakHeapMb(), agg);
        if (compact) {
            CompactionProperties settings = new CompactionProperties();
            settings.setLookback(Duration.ofDays(36_500));
            CompactBronzeEvents compaction = new CompactBronzeEvents(lake, events, settings, null);
            SqlIncrementalBenchmark.resetPeaks();
            long t0 = System.nanoTime();
            CompactBronzeEvents.Result r = compaction.compact(Instant.now());
            double cs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("compaction: %d (minute, partition) groups, %,d files -> %,d files, %,d rows in %.2f s = %,.0f rows/s, peak heap %d MB%n",
                    r.minutesCompacted(), r.filesBefore(), r.filesAfter(), r.rowsWritten(), cs, r.rowsWritten() / cs,
                    SqlIncrementalBenchmark.peakHeapMb());
        }
    }
}
