package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.run.RunHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * {@link EventAggregator} behind {@link LandEventBatch} on a temp lake, no broker: hand-computed
 * 5-minute counts over several windows and two partitions, a late event left out, a replayed batch
 * counted once, a failure between the silver and the aggregate commit caught up by the next batch (and
 * by a restarted aggregator), and threshold alerts raised once per (rule, window), not again on replay.
 */
class EventAggregatorTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final List<String> delivered = new ArrayList<>();
    final RunHistory runs = new RunHistory();

    EventsProperties events() {
        EventsProperties props = new EventsProperties();
        props.setHub("t");
        props.setTopic("topic");
        props.getRules().put("click", new EventsProperties.TypeRules());
        props.getRules().put("view", new EventsProperties.TypeRules());
        return props;
    }

    EventAggregator aggregator(LakeStorage lake) {
        AggregatesProperties settings = new AggregatesProperties();
        settings.setWindowSize(Duration.ofMinutes(5));
        settings.setAllowedLateness(Duration.ofMinutes(5));
        AlertRulesProperties.AlertRule many = new AlertRulesProperties.AlertRule();
        many.setName("many-clicks");
        many.setEventType("click");
        many.setThreshold(2);
        many.setDirection("above");
        AlertRulesProperties.AlertRule few = new AlertRulesProperties.AlertRule();
        few.setName("few-views");
        few.setEventType("view");
        few.setWindow(Duration.ofMinutes(10));
        few.setThreshold(2);
        few.setDirection("below");
        return new EventAggregator(lake, "t", settings, List.of(many, few), delivered::add, runs);
    }

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    LandEventBatch lander(LakeStorage lake, EventAggregator aggregator) {
        return new LandEventBatch(lake, events(), new EventCounters(new StaticListableBeanFactory().getBeanProvider(
                io.micrometer.core.instrument.MeterRegistry.class)), List.of(aggregator));
    }

    static EventRecord event(int partition, long offset, String type, String time) {
        return new EventRecord("topic", partition, offset, Instant.parse("2026-01-01T11:00:00Z").plusSeconds(offset), "k",
                "{\"type\":\"" + type + "\",\"timestamp\":\"2026-01-01T" + time + "Z\"}");
    }

    @Test
    void countsPerTypeAndWindowOnceWithLateEventsLeftOutAndAlertsRaisedOnce() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        EventAggregator agg = aggregator(lake);
        LandEventBatch land = lander(lake, agg);

        List<EventRecord> batch1 = List.of(
                event(0, 0, "click", "10:00:10"), event(0, 1, "click", "10:01:00"), event(0, 2, "view", "10:02:00"),
                event(0, 3, "click", "10:04:59"), event(0, 4, "click", "10:06:00"), event(0, 5, "view", "10:12:00"));
        land.land(batch1);
        assertThat(counts(lake)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "10:00 click", 3L, "10:00 view", 1L, "10:05 click", 1L, "10:10 view", 1L));
        assertThat(alertIds(lake)).as("click count 3 > 2 in [10:00, 10:05)").containsExactly("many-clicks-20260101T100000Z");

        // watermark 10:12: [10:00, 10:05) closed at 10:10, so the click at 10:03 is late; [10:05, 10:10) is still open
        List<EventRecord> batch2 = List.of(
                event(1, 0, "click", "10:03:00"), event(1, 1, "click", "10:07:00"), event(1, 2, "view", "10:21:00"),
                new EventRecord("topic", 1, 3, Instant.parse("2026-01-01T11:00:00Z"), "k", "not json"));
        LandEventBatch.Landed landed = land.land(batch2);
        assertThat(landed.quarantined()).isEqualTo(1);
        assertThat(counts(lake)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "10:00 click", 3L, "10:00 view", 1L, "10:05 click", 2L, "10:10 view", 1L, "10:20 view", 1L));
        assertThat(agg.status()).containsEntry("late", 1L).containsEntry("counted", 8L);
        assertThat(runs.recent("t", 10)).anySatisfy(r -> {
            assertThat(r.flow()).isEqualTo("events-aggregate");
            assertThat(r.details()).containsEntry("late", 1L);
        });
        // watermark 10:21 closes the 10-minute window [10:00, 10:10) (end + lateness 10:15) with 1 view < 2
        assertThat(alertIds(lake)).containsExactly("few-views-20260101T100000Z", "many-clicks-20260101T100000Z");
        assertThat(new DeltaTable(lake, EventAggregator.tableName("t")).properties())
                .containsEntry(EventAggregator.WATERMARK, "2026-01-01T10:21:00Z")
                .containsEntry("delta.logRetentionDuration", "interval 7 days");

        // a replay of batch 1 (e.g. a consumer group reset): silver skips it, so do the aggregates
        long version = aggTable(lake).latest().getVersion();
        land.land(batch1);
        assertThat(aggTable(lake).latest().getVersion()).isEqualTo(version);
        assertThat(counts(lake)).containsEntry("10:00 click", 3L).hasSize(5);

        // the aggregate commit fails after the silver commit of partition 0's offsets 6-7
        FaultInjection.armOnce(FaultPoint.EVENTS_BEFORE_AGGREGATE, "t", hub -> {
            throw new IllegalStateException("simulated crash between the silver and the aggregate commit");
        });
        land.land(List.of(event(0, 6, "click", "10:22:00"), event(0, 7, "click", "10:23:00")));
        DeltaTable silver = new DeltaTable(lake, "events_t");
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 0))).isEqualTo(7);
        assertThat(aggTable(lake).txnVersion(EventAggregator.appId("t", 0))).isEqualTo(5);
        assertThat(counts(lake)).doesNotContainKey("10:20 click");

        // the next batch, of the other partition, catches partition 0 up from silver
        land.land(List.of(event(1, 4, "click", "10:24:00")));
        assertThat(aggTable(lake).txnVersion(EventAggregator.appId("t", 0))).isEqualTo(7);
        assertThat(aggTable(lake).txnVersion(EventAggregator.appId("t", 1))).isEqualTo(4);
        Map<String, Long> expected = Map.of("10:00 click", 3L, "10:00 view", 1L, "10:05 click", 2L, "10:10 view", 1L,
                "10:20 view", 1L, "10:20 click", 3L);
        assertThat(counts(lake)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(alertIds(lake)).containsExactly("few-views-20260101T100000Z", "many-clicks-20260101T100000Z",
                "many-clicks-20260101T102000Z");

        // a restarted hub gets everything again from the consumer group's start: nothing changes
        EventAggregator restarted = aggregator(lake);
        LandEventBatch land2 = lander(lake, restarted);
        version = aggTable(lake).latest().getVersion();
        land2.land(batch1);
        land2.land(batch2);
        land2.land(List.of(event(0, 6, "click", "10:22:00"), event(0, 7, "click", "10:23:00"), event(1, 4, "click", "10:24:00")));
        assertThat(aggTable(lake).latest().getVersion()).isEqualTo(version);
        assertThat(counts(lake)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(alertIds(lake)).hasSize(3);

        // each alert was delivered once, in id order per delivery
        assertThat(delivered).hasSize(3);
        List<String> deliveredIds = new ArrayList<>();
        for (String a : delivered) {
            deliveredIds.add(JSON.readTree(a).get("alertId").asText());
        }
        assertThat(deliveredIds).containsExactly("many-clicks-20260101T100000Z", "few-views-20260101T100000Z",
                "many-clicks-20260101T102000Z");
        JsonNode last = JSON.readTree(delivered.get(2));
        assertThat(last.get("count").asLong()).isEqualTo(3);
        assertThat(last.get("windowStart").asText()).isEqualTo("2026-01-01T10:20:00Z");
        assertThat(last.get("windowEnd").asText()).isEqualTo("2026-01-01T10:25:00Z");
        assertThat(JSON.readTree(delivered.get(1)).get("count").asLong()).isEqualTo(1);
    }

    @Test
    void startsLateAndCatchesUpEverythingSilverHolds() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        // silver filled without aggregates (turned on later)
        LandEventBatch plain = new LandEventBatch(lake, events(), new EventCounters(new StaticListableBeanFactory()
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
        plain.land(List.of(event(0, 0, "click", "10:00:00"), event(0, 1, "view", "10:01:00"), event(2, 0, "click", "10:02:00")));
        plain.land(List.of(event(0, 2, "click", "10:30:00")));

        EventAggregator agg = aggregator(lake);
        EventAggregator.Outcome o = agg.catchUp();
        assertThat(o.caughtUp()).containsExactly(0, 2);
        assertThat(o.counted()).isEqualTo(4);
        assertThat(counts(lake)).containsExactlyInAnyOrderEntriesOf(Map.of("10:00 click", 2L, "10:00 view", 1L,
                "10:30 click", 1L));
        assertThat(agg.catchUp().version()).as("nothing left behind").isEqualTo(-1);
    }

    @Test
    void twoInstancesAggregatingTheirOwnPartitionsAtOnceCountEachEventOnce() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        // two hub instances in one consumer group: each lands and aggregates its own partition
        LandEventBatch a = lander(lake, aggregator(lake));
        LandEventBatch b = lander(lake, aggregator(lake));
        Map<String, Long> expected = new TreeMap<>();
        List<List<EventRecord>> batchesA = new ArrayList<>();
        List<List<EventRecord>> batchesB = new ArrayList<>();
        for (int batch = 0; batch < 8; batch++) {
            for (int partition = 0; partition < 2; partition++) {
                List<EventRecord> records = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    long offset = batch * 5L + i;
                    String type = (offset + partition) % 3 == 0 ? "view" : "click";
                    // event times advance with the offset, one minute per 5 events: nothing is late
                    String time = String.format("10:%02d:%02d", offset / 5, (offset % 5) * 10 + partition);
                    records.add(event(partition, offset, type, time));
                    expected.merge(String.format("10:%02d %s", (offset / 5) / 5 * 5, type), 1L, Long::sum);
                }
                (partition == 0 ? batchesA : batchesB).add(records);
            }
        }
        // the first batch creates the tables (two writers creating one table at once is the silver append's
        // ProtocolChangedException, not the aggregates' concern)
        a.land(batchesA.remove(0));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> fa = pool.submit(() -> {
                for (List<EventRecord> r : batchesA) {
                    a.land(r);
                }
                return null;
            });
            java.util.concurrent.Future<?> fb = pool.submit(() -> {
                for (List<EventRecord> r : batchesB) {
                    b.land(r);
                }
                return null;
            });
            fa.get();
            fb.get();
        } finally {
            pool.shutdownNow();
        }
        // a commit that lost every retry to the other instance is caught up by a later call
        aggregator(lake).catchUp();
        assertThat(aggTable(lake).txnVersion(EventAggregator.appId("t", 0))).isEqualTo(39);
        assertThat(aggTable(lake).txnVersion(EventAggregator.appId("t", 1))).isEqualTo(39);
        assertThat(counts(lake)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(80);
    }

    private static DeltaTable aggTable(LakeStorage lake) {
        return new DeltaTable(lake, EventAggregator.tableName("t"));
    }

    /** "HH:mm type" to count, failing on a duplicate (window_start, event_type). */
    private static Map<String, Long> counts(LakeStorage lake) throws IOException {
        DeltaTable t = aggTable(lake);
        Map<String, Long> out = new TreeMap<>();
        try (DeltaTable.RowIterator rows = t.rows(t.latest())) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                Instant start = (Instant) r[0];
                assertThat((Instant) r[1]).isEqualTo(start.plus(Duration.ofMinutes(5)));
                String key = start.toString().substring(11, 16) + " " + r[2];
                assertThat(out.put(key, (Long) r[3])).as("one row per window and type: " + key).isNull();
            }
        }
        return out;
    }

    private static List<String> alertIds(LakeStorage lake) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String a : new AlertOutbox(lake, "t").all()) {
            ids.add(JSON.readTree(a).get("alertId").asText());
        }
        return ids;
    }
}
