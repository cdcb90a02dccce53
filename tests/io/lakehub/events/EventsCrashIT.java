package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Killing the hub mid-batch loses and duplicates nothing. The hub runs as its own process (the packaged
 * jar) against an embedded Kafka broker (KRaft, 3 partitions) and is fed 20,000 click events, one in 40
 * invalid. It is stopped twice without warning: once by a test hook that halts the JVM inside a batch,
 * after its bronze, quarantine and silver data files are written and before its Delta commit (the worst
 * spot), and once by SIGKILL at a random moment while silver holds some but not all events. After a
 * last restart silver holds every valid event exactly once by (partition, offset), quarantine every
 * invalid one exactly once, and bronze every event exactly once.
 */
class EventsCrashIT {

    static final String TOPIC = "clicks-crash";
    static final int PARTITIONS = 3;
    static final int EVENTS = 20_000;
    static final EmbeddedKafkaKraftBroker BROKER = new EmbeddedKafkaKraftBroker(1, PARTITIONS, TOPIC);

    static {
        BROKER.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @TempDir
    Path work;

    @Test
    void aHubKilledMidBatchResumesWithoutLossOrDuplicates() throws Exception {
        HubProcesses hubs = new HubProcesses(work, "crash", TOPIC, "lakehub-crash", BROKER.getBrokersAsString());
        Map<String, Boolean> sent = hubs.publish(EVENTS, PARTITIONS);
        List<String> valid = sent.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        List<String> invalid = sent.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        assertThat(sent).hasSize(EVENTS);

        try (Admin admin = Admin.create(new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.getBrokersAsString())))) {
            // 1. the JVM halts inside the 4th batch, between its files and its Delta commit
            long started = System.nanoTime();
            Process first = hubs.start("hub-1", List.of("-D" + FaultInjection.HALT_PROPERTY + "=" + FaultPoint.EVENTS_BEFORE_SILVER_COMMIT + ":4"));
            assertThat(first.waitFor(240, TimeUnit.SECONDS)).as("the hub halted itself; log:\n%s", hubs.log("hub-1")).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
            assertThat(hubs.log("hub-1")).contains(FaultPoint.EVENTS_BEFORE_SILVER_COMMIT + ":4 reached").contains("halting");
            System.out.printf("EventsCrashIT: hub-1 halted inside batch 4 after %d ms%n", (System.nanoTime() - started) / 1_000_000);
            int silverAfterHalt = hubs.silverPositions().size();
            int bronzeAfterHalt = hubs.bronzePositions().size();
            assertThat(hubs.silver().latest().getVersion()).as("three batches committed").isEqualTo(2);
            assertThat(bronzeAfterHalt).as("the halted batch's bronze files are on disk, uncommitted")
                    .isGreaterThan(silverAfterHalt + hubs.quarantinePositions().size());

            // 2. SIGKILL at a random moment, while silver holds some but not all events
            Process second = hubs.start("hub-2", List.of());
            io.lakehub.delta.DeltaTable watched = hubs.silver();
            long killAt = watched.latest().getVersion() + ThreadLocalRandom.current().nextInt(3, 9);
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !second.isAlive() || watched.latest().getVersion() >= killAt);
            assertThat(second.isAlive()).as("hub-2 runs; log:\n%s", hubs.log("hub-2")).isTrue();
            HubProcesses.kill(second);
            int silverAfterKill = hubs.silverPositions().size();
            System.out.printf("EventsCrashIT: hub-2 killed at silver version %d with %d of %d valid events landed, %d ms%n",
                    hubs.silver().latest().getVersion(), silverAfterKill, valid.size(), (System.nanoTime() - started) / 1_000_000);
            assertThat(silverAfterKill).as("killed mid-stream").isGreaterThan(silverAfterHalt).isLessThan(valid.size());

            // 3. restart: everything lands, and the consumer group's offsets reach the end of the topic
            Process third = hubs.start("hub-3", List.of());
            try {
                Map<Integer, Long> end = hubs.endOffsets(admin, PARTITIONS);
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
                        .until(() -> !third.isAlive() || hubs.committedOffsets(admin).equals(end));
                assertThat(third.isAlive()).as("hub-3 runs; log:\n%s", hubs.log("hub-3")).isTrue();
                System.out.printf("EventsCrashIT: hub-3 landed the rest, %d ms%n", (System.nanoTime() - started) / 1_000_000);
            } finally {
                HubProcesses.stop(third);
            }
        }

        List<String> silver = hubs.silverPositions();
        assertThat(silver).as("silver: every valid event, none twice").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(valid);
        List<String> quarantine = hubs.quarantinePositions();
        assertThat(quarantine).as("quarantine: every invalid event, none twice").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(invalid);
        List<String> bronze = hubs.bronzePositions();
        assertThat(bronze).as("bronze: every event, the halted and killed batches' files replaced on redelivery")
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (int p = 0; p < PARTITIONS; p++) {
            String prefix = p + "/";
            long last = sent.keySet().stream().filter(k -> k.startsWith(prefix))
                    .mapToLong(k -> Long.parseLong(k.substring(k.indexOf('/') + 1))).max().orElseThrow();
            assertThat(hubs.silver().txnVersion(LandEventBatch.appId("crash", p))).isEqualTo(last);
        }
    }
}
