package io.lakehub.events.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.EventBatch;
import io.lakehub.events.EventCounters;
import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The in-process transport without Spring: positions continue after a partition's committed txn
 * version, a full partition holds the publisher back until the consumer commits, a batch that fails
 * stays in the log and lands once when the lake recovers, and a restarted log resumes after silver.
 */
class InProcessTransportTest {

    @TempDir
    Path dir;

    @Test
    void positionsContinueAfterTheCommittedVersionAndAFullPartitionHoldsThePublisherBack() throws Exception {
        InProcessEventLog log = new InProcessEventLog(2, 3, p -> p == 0 ? 41 : -1);
        List<EventRecord> published = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            published.add(log.publish(null, "{\"n\":" + i + "}", Duration.ZERO));
        }
        assertThat(published).extracting(r -> r.partition() + "@" + r.position()).containsExactly("0@42", "1@0", "0@43", "1@1");
        assertThat(published).allSatisfy(r -> assertThat(r.source()).isEqualTo(InProcessEventLog.SOURCE));

        // the same key always goes to the same partition, in order
        String key = "user-7";
        int keyed = Math.floorMod(key.hashCode(), 2);
        EventRecord third = log.publish(key, "{}", Duration.ZERO);
        assertThat(third.partition()).isEqualTo(keyed);
        assertThat(log.size(keyed)).isEqualTo(3);

        assertThatThrownBy(() -> log.publish(key, "{}", Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stayed full");
        CompletableFuture<EventRecord> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return log.publish(key, "{\"late\":true}", Duration.ZERO);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.yield();
        assertThat(waiting).isNotDone();
        List<EventRecord> held = log.read(keyed, 10);
        assertThat(held).hasSize(3);
        log.commit(keyed, held.get(0).position());
        EventRecord late = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(late.position()).isEqualTo(held.get(2).position() + 1);
        assertThat(log.read(keyed, 10)).extracting(EventRecord::position)
                .containsExactly(held.get(1).position(), held.get(2).position(), late.position());
    }

    @Test
    void aFailedBatchStaysInTheLogAndLandsOnceWhenTheLakeRecoversAndARestartResumesAfterSilver() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        EventsProperties props = new EventsProperties();
        props.setHub("t");
        props.getRules().put("click", new EventsProperties.TypeRules());
        props.getRules().get("click").setRequired(List.of("page"));
        LandEventBatch land = new LandEventBatch(lake, props, new EventCounters(new StaticListableBeanFactory()
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
        DeltaTable silver = new DeltaTable(lake, "events_t");
        InProcessEventLog log = new InProcessEventLog(2, 100,
                p -> silver.exists() ? silver.txnVersion(LandEventBatch.appId("t", p)) : -1);
        for (int i = 0; i < 10; i++) {
            log.publish(null, i % 5 == 4 ? "{\"type\":\"click\"}" : "{\"type\":\"click\",\"page\":\"/" + i + "\"}", Duration.ZERO);
        }
        ConsumeInProcessEvents consumer = new ConsumeInProcessEvents(log, land, 6, Duration.ZERO, Duration.ZERO);

        Path deltaLog = dir.resolve("lake/silver/events_t/_delta_log");
        Files.createDirectories(deltaLog.getParent());
        Files.writeString(deltaLog, "blocked");
        assertThatThrownBy(consumer::landReady).isInstanceOf(Exception.class);
        assertThat(log.size(0) + log.size(1)).as("nothing dropped from the log").isEqualTo(10);
        Files.delete(deltaLog);

        // the retry lands the same cut (3 + 3 events), then the rest
        assertThat(consumer.landReady()).isEqualTo(6);
        assertThat(consumer.landReady()).isEqualTo(4);
        assertThat(consumer.landReady()).isZero();
        assertThat(log.size(0) + log.size(1)).isZero();
        assertThat(pages(silver)).containsExactlyInAnyOrder("/0", "/1", "/2", "/3", "/5", "/6", "/7", "/8");
        assertThat(quarantined()).isEqualTo(2);
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 0))).isEqualTo(4);
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 1))).isEqualTo(4);

        // a restart: a new log continues after silver's txn versions, so new events are not taken for replays
        InProcessEventLog restarted = new InProcessEventLog(2, 100,
                p -> silver.txnVersion(LandEventBatch.appId("t", p)));
        assertThat(restarted.nextPosition(0)).isEqualTo(5);
        restarted.publish(null, "{\"type\":\"click\",\"page\":\"/after-restart\"}", Duration.ZERO);
        assertThat(new ConsumeInProcessEvents(restarted, land, 6, Duration.ZERO, Duration.ZERO).landReady()).isEqualTo(1);
        assertThat(pages(silver)).hasSize(9).contains("/after-restart");
    }

    @Test
    void aBatchTheRouteDidNotAcknowledgeIsHandedOutAgainCutTheSameAfterTheRetryDelay() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        EventsProperties props = new EventsProperties();
        props.setHub("r");
        props.getRules().put("click", new EventsProperties.TypeRules());
        LandEventBatch land = new LandEventBatch(lake, props, new EventCounters(new StaticListableBeanFactory()
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
        InProcessEventLog log = new InProcessEventLog(2, 100, p -> -1);
        for (int i = 0; i < 8; i++) {
            log.publish(null, "{\"type\":\"click\"}", Duration.ZERO);
        }
        ConsumeInProcessEvents consumer = new ConsumeInProcessEvents(log, land, 6, Duration.ZERO, Duration.ofMillis(400));
        EventBatch first = consumer.next();
        assertThat(first.records()).hasSize(6);
        // the route's steps failed on it: no acknowledgement; more events arrive meanwhile
        log.publish(null, "{\"type\":\"click\"}", Duration.ZERO);
        assertThat(consumer.next()).as("a failed batch waits for its retry delay").isNull();
        assertThat(log.size(0) + log.size(1)).as("nothing dropped from the log").isEqualTo(9);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            EventBatch again = consumer.next();
            if (again == null) {
                return false;
            }
            assertThat(again.records()).as("the same cut").isEqualTo(first.records());
            land.landAndAcknowledge(again);
            return true;
        });
        assertThat(log.size(0) + log.size(1)).as("the acknowledgement freed the landed positions").isEqualTo(3);
        EventBatch rest = consumer.next();
        assertThat(rest.records()).hasSize(3);
        land.landAndAcknowledge(rest);
        assertThat(consumer.next()).isNull();
        DeltaTable silver = new DeltaTable(lake, "events_r");
        assertThat(silver.latest().getVersion()).as("two batches, two commits").isEqualTo(1);
    }

    @Test
    void aBatchWaitsForItsSizeOrItsLatency() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        EventsProperties props = new EventsProperties();
        props.setHub("w");
        props.getRules().put("click", new EventsProperties.TypeRules());
        LandEventBatch land = new LandEventBatch(lake, props, new EventCounters(new StaticListableBeanFactory()
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
        InProcessEventLog log = new InProcessEventLog(1, 100, p -> -1);
        ConsumeInProcessEvents consumer = new ConsumeInProcessEvents(log, land, 5, Duration.ofMillis(300), Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            log.publish(null, "{\"type\":\"click\"}", Duration.ZERO);
        }
        assertThat(consumer.landReady()).as("3 of 5, younger than the latency").isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.landReady() == 3);
        for (int i = 0; i < 7; i++) {
            log.publish(null, "{\"type\":\"click\"}", Duration.ZERO);
        }
        assertThat(consumer.landReady()).as("a full batch does not wait").isEqualTo(5);
        assertThat(log.size(0)).isEqualTo(2);
    }

    private List<String> pages(DeltaTable silver) throws IOException {
        List<String> out = new ArrayList<>();
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                String payload = (String) rows.next()[5];
                out.add(payload.replaceAll(".*\"page\":\"([^\"]+)\".*", "$1"));
            }
        }
        return out;
    }

    private long quarantined() throws IOException {
        Path q = dir.resolve("lake/quarantine/events/t");
        long n = 0;
        try (Stream<Path> files = Files.walk(q)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl"))
                    .filter(f -> !q.relativize(f).toString().startsWith("_")).toList()) {
                n += Files.readAllLines(f).size();
            }
        }
        return n;
    }
}
