package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Two hub processes (the packaged jar) in one consumer group on one lake and one 4-partition topic:
 * the group splits the partitions between them, both commit to {@code silver/events_<hub>} at once,
 * and after one is killed (SIGKILL) the other takes its partitions over. 20,000 click events are
 * published while they run, one in 40 invalid; in the end silver holds each valid event exactly once by
 * (partition, offset), quarantine each invalid one, bronze each event.
 */
class EventsScaleOutIT {

    static final String TOPIC = "clicks-scale";
    static final String GROUP = "lakehub-scale";
    static final int PARTITIONS = 4;
    static final int EVENTS = 20_000;
    static final int SLICES = 20;
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

    /** Client id to the partitions it holds now. */
    private static Map<String, Set<Integer>> owners(Admin admin) throws Exception {
        ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get();
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (MemberDescription m : g.members()) {
            Set<Integer> ps = out.computeIfAbsent(m.clientId(), c -> new TreeSet<>());
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                ps.add(tp.partition());
            }
        }
        return out;
    }

    @Test
    void twoInstancesSplitThePartitionsAndASurvivorTakesOverWithoutDuplicates() throws Exception {
        HubProcesses hubs = new HubProcesses(work, "scale", TOPIC, GROUP, BROKER.getBrokersAsString());
        Map<String, Boolean> sent = new ConcurrentHashMap<>();
        Process a = null;
        Process b = null;
        try (Admin admin = Admin.create(new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.getBrokersAsString())))) {
            long started = System.nanoTime();
            a = hubs.start("hub-a", List.of());
            b = hubs.start("hub-b", List.of());
            Process pa = a;
            Process pb = b;
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        assertThat(pa.isAlive() && pb.isAlive()).as("both hubs run; logs:\n%s\n%s", hubs.log("hub-a"),
                                hubs.log("hub-b")).isTrue();
                        Map<String, Set<Integer>> o = owners(admin);
                        return o.size() == 2 && o.values().stream().noneMatch(Set::isEmpty);
                    });
            Map<String, Set<Integer>> split = owners(admin);
            assertThat(split.keySet()).containsExactlyInAnyOrder("hub-a", "hub-b");
            Set<Integer> all = new TreeSet<>(split.get("hub-a"));
            all.addAll(split.get("hub-b"));
            assertThat(all).as("each instance owns some partitions, together all").hasSize(PARTITIONS);
            assertThat(split.get("hub-a")).doesNotContainAnyElementsOf(split.get("hub-b"));

            // a steady stream while both run: both write to silver/events_scale at once
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                try {
                    for (int s = 0; s < SLICES; s++) {
                        sent.putAll(hubs.publish(s * (EVENTS / SLICES), EVENTS / SLICES, PARTITIONS));
                        TimeUnit.MILLISECONDS.sleep(400); // pacing the load, not waiting on a condition
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // every partition has been committed by its owner: both instances have committed to the table
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (int p = 0; p < PARTITIONS; p++) {
                    if (hubs.silver().txnVersion(LandEventBatch.appId("scale", p)) < 0) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(owners(admin)).as("both instances still hold partitions").hasSize(2)
                    .allSatisfy((client, ps) -> assertThat(ps).isNotEmpty());
            System.out.printf("EventsScaleOutIT: partitions split %s, every partition committed to silver, %d ms%n", split,
                    (System.nanoTime() - started) / 1_000_000);

            HubProcesses.kill(b);
            int silverAtKill = hubs.silverPositions().size();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> owners(admin).equals(Map.of("hub-a", all)));
            System.out.printf("EventsScaleOutIT: hub-b killed with %d events in silver; hub-a took over %s, %d ms%n", silverAtKill,
                    all, (System.nanoTime() - started) / 1_000_000);

            producing.get(180, TimeUnit.SECONDS);
            assertThat(sent).hasSize(EVENTS);
            assertThat(silverAtKill).as("hub-b was killed while events were still landing")
                    .isLessThan((int) sent.values().stream().filter(v -> v).count());
            Map<Integer, Long> end = hubs.endOffsets(admin, PARTITIONS);
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !pa.isAlive() || hubs.committedOffsets(admin).equals(end));
            assertThat(a.isAlive()).as("hub-a runs; log:\n%s", hubs.log("hub-a")).isTrue();
            System.out.printf("EventsScaleOutIT: all %d events landed, %d ms%n", EVENTS, (System.nanoTime() - started) / 1_000_000);
        } finally {
            if (a != null) {
                HubProcesses.stop(a);
            }
            if (b != null) {
                HubProcesses.stop(b);
            }
        }

        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        sent.forEach((k, v) -> (v ? valid : invalid).add(k));
        assertThat(hubs.silverPositions()).as("silver: every valid event, none twice").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(valid);
        assertThat(hubs.quarantinePositions()).as("quarantine: every invalid event, none twice").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(invalid);
        assertThat(hubs.bronzePositions()).as("bronze: every event once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sent.keySet());
    }
}
