package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The events flow through the running hub against an embedded Kafka broker (KRaft, topic with 3
 * partitions): 30 watch events enqueued over 3 minutes, 5 of them bad, land in bronze by minute, the bad
 * ones in quarantine with their rules, the good ones in silver once; then the consumer group is rewound
 * to offset 0 and the whole topic is redelivered: silver, bronze and quarantine do not change.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EventsFlowTest {

    static final String TOPIC = "watch-events";
    static final String GROUP = "lakehub-events-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final EmbeddedKafkaKraftBroker BROKER = new EmbeddedKafkaKraftBroker(1, 3, TOPIC);

    static {
        BROKER.afterPropertiesSet();
    }

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:events-flow;DB_CLOSE_DELAY=-1");
        // the sample loans source stays configured but is not polled: this test is about events
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.events.enabled", () -> "true");
        registry.add("lakehub.events.transport", () -> "kafka");
        registry.add("lakehub.events.hub", () -> "watch");
        registry.add("lakehub.events.topic", () -> TOPIC);
        registry.add("lakehub.events.bootstrap-servers", BROKER::getBrokersAsString);
        registry.add("lakehub.events.consumer-group", () -> GROUP);
        registry.add("lakehub.events.max-poll-records", () -> "7");
        registry.add("lakehub.events.poll-timeout", () -> "500ms");
        registry.add("lakehub.events.rules.watch.required", () -> "user,title,action,timestamp");
        registry.add("lakehub.events.rules.watch.fields.user.type", () -> "string");
        registry.add("lakehub.events.rules.watch.fields.title.type", () -> "string");
        registry.add("lakehub.events.rules.watch.fields.action.type", () -> "string");
        registry.add("lakehub.events.rules.watch.fields.action.values", () -> "start,finish");
        registry.add("lakehub.events.rules.watch.fields.timestamp.type", () -> "timestamp");
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @Autowired
    LakeStorage lake;

    @Autowired
    CamelContext camel;

    @Autowired
    EventCounters counters;

    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** A published event: where it went and what it was. */
    record Sent(int partition, Instant enqueued, String payload, String badRule) {
    }

    @Test
    @SuppressWarnings("unchecked")
    void eventsLandOnceInBronzeQuarantineAndSilverAndARedeliveryChangesNothing() throws Exception {
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.MINUTES);
        List<Sent> sent = new ArrayList<>();
        Map<String, String> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(new HashMap<>(props), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 30; i++) {
                int partition = i % 3;
                Instant enqueued = base.plus(i / 10, ChronoUnit.MINUTES).plusSeconds(i);
                String ts = enqueued.minusSeconds(1).toString();
                String action = i % 2 == 0 ? "start" : "finish";
                String payload = "{\"type\":\"watch\",\"user\":\"u" + i + "\",\"title\":\"tt0111161\",\"action\":\"" + action
                        + "\",\"timestamp\":\"" + ts + "\"}";
                String bad = null;
                switch (i) {
                    case 3, 25 -> {
                        payload = "{\"type\":\"watch\",\"title\":\"tt0111161\",\"action\":\"start\",\"timestamp\":\"" + ts + "\"}";
                        bad = "required";
                    }
                    case 7 -> {
                        payload = payload.replace("\"action\":\"finish\"", "\"action\":\"pause\"");
                        bad = "enum";
                    }
                    case 12 -> {
                        payload = payload.replace(ts, Instant.now().plus(2, ChronoUnit.DAYS).toString());
                        bad = "future-timestamp";
                    }
                    case 18 -> {
                        payload = "watch u18 tt0111161 start";
                        bad = "well-formed-json";
                    }
                    default -> {
                    }
                }
                producer.send(new ProducerRecord<>(TOPIC, partition, enqueued.toEpochMilli(), "k" + i, payload)).get();
                sent.add(new Sent(partition, enqueued, payload, bad));
            }
        }
        List<Sent> good = sent.stream().filter(s -> s.badRule() == null).toList();
        List<Sent> bad = sent.stream().filter(s -> s.badRule() != null).toList();
        DeltaTable silver = new DeltaTable(lake, "events_watch");

        await().atMost(Duration.ofSeconds(60)).until(() -> silver.exists()
                && countSilver(silver) == good.size() && quarantineLines().size() == bad.size());
        // the offsets are committed after the Delta commit: wait for them too
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffsets().values().stream().allMatch(o -> o == 10L));
        await().atMost(Duration.ofSeconds(10)).until(() -> (Long) counters.hub("watch").snapshot().get("bronze") == sent.size());

        // bronze: one folder per enqueued minute, holding exactly the events enqueued in it
        Map<String, Integer> perMinute = bronzeRowsPerMinute();
        Map<String, Integer> expected = new TreeMap<>();
        for (Sent s : sent) {
            expected.merge(LandEventBatch.folders(s.enqueued(), true), 1, Integer::sum);
        }
        assertThat(perMinute).isEqualTo(expected);
        assertThat(perMinute).hasSize(3).allSatisfy((k, v) -> assertThat(v).isEqualTo(10));
        List<Path> bronzeFiles = bronzeFiles();

        // quarantine: exactly the bad ones, with the rule that failed and their source position
        List<JsonNode> lines = quarantineLines();
        Map<String, String> ruleByPayload = new HashMap<>();
        for (JsonNode l : lines) {
            ruleByPayload.put(l.get("payload").asText(), l.get("failedRules").get(0).get("rule").asText());
            assertThat(l.get("source").get("topic").asText()).isEqualTo(TOPIC);
            assertThat(l.get("source").has("offset")).isTrue();
            assertThat(l.get("enqueuedTime").asText()).isNotEmpty();
            assertThat(l.get("quarantinedAt").asText()).isNotEmpty();
        }
        Map<String, String> expectedRules = new HashMap<>();
        bad.forEach(s -> expectedRules.put(s.payload(), s.badRule()));
        assertThat(ruleByPayload).isEqualTo(expectedRules);
        assertThat(lines.stream().filter(l -> l.get("payload").asText().contains("\"action\":\"start\",\"timestamp\"")
                && !l.get("payload").asText().contains("user")).findFirst().orElseThrow().get("failedRules").get(0).get("field")
                .asText()).isEqualTo("user");

        // silver: exactly the good ones, each once, with one txn per partition at its last offset
        assertSilverHoldsOnce(silver, good);
        for (int p = 0; p < 3; p++) {
            assertThat(silver.txnVersion(LandEventBatch.appId("watch", p))).isEqualTo(9L);
        }
        Map<String, Object> last = silver.history(1).get(0);
        assertThat(last.get("operation")).isEqualTo("STREAMING UPDATE");
        assertThat(((Map<String, Object>) last.get("userMetadata")).get("flow")).isEqualTo("events");

        Map<String, Object> api = http.getForObject("/api/flows/events", Map.class);
        Map<String, Object> apiCounters = (Map<String, Object>) api.get("counters");
        assertThat(apiCounters.get("valid")).isEqualTo(good.size());
        assertThat(apiCounters.get("quarantined")).isEqualTo(bad.size());
        assertThat(apiCounters.get("bronze")).isEqualTo(sent.size());
        assertThat(meters.get("lakehub.events").tags("hub", "watch", "outcome", "quarantined").functionCounter().count())
                .isEqualTo(bad.size());
        // consumer lag per partition, from the Kafka consumer's own records-lag: all consumed, so 0 everywhere
        await().atMost(Duration.ofSeconds(60)).until(() -> meters.find("lakehub.events.consumer.lag").tag("topic", TOPIC)
                .gauges().size() == 3 && meters.find("lakehub.events.consumer.lag").tag("topic", TOPIC).gauges().stream()
                .allMatch(g -> g.value() == 0.0));

        // redelivery: rewind the group to offset 0 and consume the whole topic again
        String routeId = "events-consume-watch";
        long versionBefore = silver.latest().getVersion();
        camel.getRouteController().stopRoute(routeId);
        Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            zero.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(0));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            BROKER.doWithAdmin(admin -> {
                try {
                    admin.alterConsumerGroupOffsets(GROUP, zero).all().get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return committedOffsets().values().stream().allMatch(o -> o == 0L);
        });
        camel.getRouteController().startRoute(routeId);
        await().atMost(Duration.ofSeconds(60)).until(() -> committedOffsets().values().stream().allMatch(o -> o == 10L));
        await().atMost(Duration.ofSeconds(10)).until(() -> (Long) counters.hub("watch").snapshot().get("replayedSkipped") == 30L);

        assertSilverHoldsOnce(silver, good);
        assertThat(silver.latest().getVersion()).as("a replay commits nothing").isEqualTo(versionBefore);
        assertThat(bronzeFiles()).containsExactlyInAnyOrderElementsOf(bronzeFiles);
        assertThat(bronzeRowsPerMinute()).isEqualTo(expected);
        assertThat(quarantineLines()).hasSize(bad.size());
    }

    private void assertSilverHoldsOnce(DeltaTable silver, List<Sent> good) throws IOException {
        List<String> payloads = new ArrayList<>();
        Set<String> positions = new HashSet<>();
        TableSnapshot s = silver.latest();
        try (DeltaTable.RowIterator rows = silver.rows(s)) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                positions.add(r[0] + "/" + r[1]);
                assertThat(r[3]).isEqualTo("watch");
                assertThat(r[4]).isInstanceOf(Instant.class);
                payloads.add((String) r[5]);
            }
        }
        assertThat(payloads).containsExactlyInAnyOrderElementsOf(good.stream().map(Sent::payload).toList());
        assertThat(positions).hasSize(good.size());
    }

    private long countSilver(DeltaTable silver) throws IOException {
        long n = 0;
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                rows.next();
                n++;
            }
        }
        return n;
    }

    private Map<Integer, Long> committedOffsets() {
        return BROKER.doWithAdminFunction(admin -> {
            try {
                Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                Map<Integer, Long> out = new TreeMap<>();
                for (int p = 0; p < 3; p++) {
                    OffsetAndMetadata o = m.get(new TopicPartition(TOPIC, p));
                    out.put(p, o == null ? -1L : o.offset());
                }
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Path root(String relative) {
        return dir.resolve("lake").resolve(relative);
    }

    private List<Path> bronzeFiles() throws IOException {
        Path b = root("bronze/events/watch");
        try (Stream<Path> files = Files.walk(b)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .filter(f -> !b.relativize(f).toString().startsWith("_")).sorted().toList();
        }
    }

    private Map<String, Integer> bronzeRowsPerMinute() throws IOException {
        Path b = root("bronze/events/watch");
        Map<String, Integer> out = new TreeMap<>();
        for (Path f : bronzeFiles()) {
            String folder = b.relativize(f.getParent()).toString().replace('\\', '/');
            assertThat(f.getFileName().toString()).matches("part-p[0-2]-o\\d+-\\d+\\.parquet");
            int n = 0;
            try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(f.toUri()), lake.conf(),
                    LandEventBatch.BRONZE_SCHEMA)) {
                Object[] row;
                while ((row = reader.next()) != null) {
                    assertThat(LandEventBatch.folders((Instant) row[2], true)).isEqualTo(folder);
                    n++;
                }
            }
            out.merge(folder, n, Integer::sum);
        }
        return out;
    }

    private List<JsonNode> quarantineLines() throws IOException {
        Path q = root("quarantine/events/watch");
        if (!Files.exists(q)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(q)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl"))
                    .filter(f -> !q.relativize(f).toString().startsWith("_")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }
}
