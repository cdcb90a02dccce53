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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Windowed aggregates, alerts and bronze compaction through the running hub and an embedded Kafka broker
 * (KRaft, 2 partitions, batches of at most 4 records): 40 click and view events over 20 minutes of event time
 * (enqueued within 2 minutes) give the
 * hand-checkable counts per 5-minute window in {@code silver/events_agg_agg}; every window with more than
 * 6 clicks raises one alert, delivered through the {@code events-alert} route; {@code POST
 * /api/flows/events/compact} then turns the many small bronze files into one per (minute, partition) with
 * the same rows, and the run record counts the files.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EventsAggregatesFlowTest {

    static final String TOPIC = "clicks";
    static final ObjectMapper JSON = new ObjectMapper();
    static final EmbeddedKafkaKraftBroker BROKER = new EmbeddedKafkaKraftBroker(1, 2, TOPIC);

    static {
        BROKER.afterPropertiesSet();
    }

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:events-agg-flow;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.events.enabled", () -> "true");
        registry.add("lakehub.events.transport", () -> "kafka");
        registry.add("lakehub.events.hub", () -> "agg");
        registry.add("lakehub.events.topic", () -> TOPIC);
        registry.add("lakehub.events.bootstrap-servers", BROKER::getBrokersAsString);
        registry.add("lakehub.events.consumer-group", () -> "lakehub-agg-test");
        registry.add("lakehub.events.max-poll-records", () -> "4");
        registry.add("lakehub.events.poll-timeout", () -> "300ms");
        registry.add("lakehub.events.rules.click.required", () -> "page");
        registry.add("lakehub.events.rules.view.required", () -> "page");
        // partitions are consumed in any order: a lateness longer than the test's span keeps every event counted
        registry.add("lakehub.events.aggregates.allowed-lateness", () -> "1h");
        registry.add("lakehub.events.alerts[0].name", () -> "busy");
        registry.add("lakehub.events.alerts[0].event-type", () -> "click");
        registry.add("lakehub.events.alerts[0].threshold", () -> "6");
        registry.add("lakehub.events.alerts[0].direction", () -> "above");
        // the scheduled route exists but first runs in an hour: the test compacts through the API
        registry.add("lakehub.events.compaction.initial-delay", () -> "1h");
        registry.add("lakehub.events.compaction.grace", () -> "0s");
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
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsPerWindowAlertsOnceAndCompactsBronze() throws Exception {
        NotifyBuilder alertsDone = new NotifyBuilder(camel).fromRoute("events-alert").whenDone(1).create();
        Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        Map<String, Long> expected = new TreeMap<>();
        Set<Instant> busyWindows = new HashSet<>();
        Map<Instant, Long> clicks = new HashMap<>();
        Map<String, String> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(new HashMap<>(config), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 40; i++) {
                // event times 30 s apart over 20 minutes; 3 of every 4 are clicks
                Instant time = base.plusSeconds(30L * i);
                String type = i % 4 == 3 ? "view" : "click";
                Instant window = time.truncatedTo(ChronoUnit.MINUTES).minus(time.atZone(java.time.ZoneOffset.UTC).getMinute() % 5,
                        ChronoUnit.MINUTES);
                expected.merge(window + " " + type, 1L, Long::sum);
                if (type.equals("click")) {
                    clicks.merge(window, 1L, Long::sum);
                }
                String payload = "{\"type\":\"" + type + "\",\"page\":\"/p" + i + "\",\"timestamp\":\"" + time + "\"}";
                // enqueued 3 s apart: 2 bronze minutes, each written by several batches per partition
                producer.send(new ProducerRecord<>(TOPIC, i % 2, base.plusSeconds(3L * i).toEpochMilli(), "k" + i, payload)).get();
            }
        }
        clicks.forEach((w, n) -> {
            if (n > 6) {
                busyWindows.add(w);
            }
        });
        assertThat(expected).hasSize(8).containsEntry(base + " click", 8L).containsEntry(base + " view", 2L);
        assertThat(busyWindows).hasSize(4);

        DeltaTable agg = new DeltaTable(lake, EventAggregator.tableName("agg"));
        await().atMost(Duration.ofSeconds(90)).until(() -> agg.exists() && counts(agg).equals(expected));
        for (int p = 0; p < 2; p++) {
            assertThat(agg.txnVersion(EventAggregator.appId("agg", p))).isEqualTo(19L);
        }

        // one alert per busy window, delivered through the events-alert route and moved to sent/
        assertThat(alertsDone.matches(30, TimeUnit.SECONDS)).isTrue();
        Path sent = dir.resolve("lake/_hub/alerts/agg/sent");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sent) && jsonFiles(sent).size() == busyWindows.size());
        Set<Instant> alerted = new HashSet<>();
        for (Path f : jsonFiles(sent)) {
            JsonNode a = JSON.readTree(f.toFile());
            assertThat(a.get("rule").asText()).isEqualTo("busy");
            assertThat(a.get("count").asLong()).isGreaterThan(6);
            alerted.add(Instant.parse(a.get("windowStart").asText()));
        }
        assertThat(alerted).isEqualTo(busyWindows);
        Map<String, Object> status = http.getForObject("/api/flows/events/aggregates", Map.class);
        assertThat(status.get("counted")).isEqualTo(40);
        assertThat(status.get("late")).isEqualTo(0);
        assertThat((List<Object>) status.get("alerts")).hasSize(busyWindows.size());

        assertThat(camel.getRoute("events-compact-agg")).as("the scheduled compaction route").isNotNull();
        assertThat(camel.getRoute("events-compact-agg").getEndpoint().getEndpointUri()).startsWith("scheduler://events-compact-agg");

        // compaction: batches of 4 left several files per (minute, partition); each becomes one
        Map<String, Integer> rowsBefore = bronzeRowsPerMinute();
        int filesBefore = bronzeFiles().size();
        Map<String, Object> result = http.postForObject("/api/flows/events/compact", null, Map.class);
        assertThat(result.get("filesBefore")).isEqualTo(filesBefore);
        int filesAfter = bronzeFiles().size();
        assertThat(result.get("filesAfter")).isEqualTo(filesAfter);
        assertThat(filesAfter).isLessThan(filesBefore);
        assertThat(bronzeRowsPerMinute()).isEqualTo(rowsBefore);
        Map<String, Set<String>> partitionsPerMinute = new TreeMap<>();
        for (Path f : bronzeFiles()) {
            String p = f.getFileName().toString().replaceAll("part-(p\\d+)-.*", "$1");
            assertThat(partitionsPerMinute.computeIfAbsent(f.getParent().toString(), k -> new HashSet<>()).add(p))
                    .as("one file per (minute, partition): " + f).isTrue();
        }
        List<Map<String, Object>> runs = http.getForObject("/api/runs?source=agg", List.class);
        assertThat(runs).anySatisfy(r -> {
            assertThat(r.get("flow")).isEqualTo("events-compact");
            assertThat((Map<String, Object>) r.get("details")).containsEntry("filesBefore", filesBefore)
                    .containsEntry("filesAfter", filesAfter);
        });
    }

    private static Map<String, Long> counts(DeltaTable agg) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (DeltaTable.RowIterator rows = agg.rows(agg.latest())) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                out.merge(r[0] + " " + r[2], (Long) r[3], Long::sum);
            }
        }
        return out;
    }

    private static List<Path> jsonFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }

    private List<Path> bronzeFiles() throws IOException {
        Path b = dir.resolve("lake/bronze/events/agg");
        try (Stream<Path> files = Files.walk(b)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .filter(f -> !b.relativize(f).toString().startsWith("_")).sorted().toList();
        }
    }

    /** Rows per minute folder, failing on a (partition, offset) seen twice. */
    private Map<String, Integer> bronzeRowsPerMinute() throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        Set<String> positions = new HashSet<>();
        for (Path f : bronzeFiles()) {
            try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(f.toUri()), lake.conf(),
                    LandEventBatch.BRONZE_SCHEMA)) {
                Object[] row;
                while ((row = reader.next()) != null) {
                    assertThat(positions.add(row[0] + "@" + row[1])).as("each position once").isTrue();
                    out.merge(f.getParent().getFileName().toString() + "/" + LandEventBatch.folders((Instant) row[2], true), 1,
                            Integer::sum);
                }
            }
        }
        return out;
    }
}
