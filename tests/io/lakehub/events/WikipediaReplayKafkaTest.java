package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same replay of 2,500 real Wikipedia edits as {@link WikipediaReplayTest}, through Kafka: the
 * generator publishes the file with its Kafka producer to an embedded broker (KRaft, 3 partitions) and
 * the hub consumes the topic with the camel-kafka route; silver holds every valid edit once with the
 * file's count per minute of event time, quarantine the oversized ones, and the group's offsets reach
 * the end of each partition.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WikipediaReplayKafkaTest {

    static final String TOPIC = "wikipedia-edits";
    static final EmbeddedKafkaKraftBroker BROKER = new EmbeddedKafkaKraftBroker(1, 3, TOPIC);

    static {
        BROKER.afterPropertiesSet();
    }

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:wikipedia-replay-kafka;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        WikipediaReplaySupport.rules(registry);
        registry.add("lakehub.events.transport", () -> "kafka");
        registry.add("lakehub.events.topic", () -> TOPIC);
        registry.add("lakehub.events.bootstrap-servers", BROKER::getBrokersAsString);
        registry.add("lakehub.events.consumer-group", () -> "lakehub-wiki");
        registry.add("lakehub.events.max-poll-records", () -> "400");
        registry.add("lakehub.events.poll-timeout", () -> "300ms");
        registry.add("lakehub.events.generator.enabled", () -> "false");
        registry.add("lakehub.events.generator.transport", () -> "kafka");
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @Autowired
    LakeStorage lake;

    @Test
    @SuppressWarnings("unchecked")
    void theStreamReplayedThroughKafkaLandsEachValidEditOnceWithTheFilesCountPerMinute() throws Exception {
        List<String> lines = WikipediaReplaySupport.lines();
        DeltaTable silver = new DeltaTable(lake, "events_wiki");

        ResponseEntity<Map> started = http.postForEntity("/api/flows/events/generator?action=start", null, Map.class);
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(started.getBody()).containsEntry("transport", "kafka");
        await().atMost(Duration.ofSeconds(90)).until(() -> Boolean.FALSE.equals(
                http.getForObject("/api/flows/events/generator", Map.class).get("running")));
        assertThat(http.getForObject("/api/flows/events/generator", Map.class))
                .containsEntry("published", 2500).containsEntry("error", null);

        await().atMost(Duration.ofSeconds(120)).until(() -> WikipediaReplaySupport.silverCount(silver)
                + WikipediaReplaySupport.quarantine(dir.resolve("lake"), "wiki").size() == lines.size());
        WikipediaReplaySupport.assertReplayLanded(silver, dir.resolve("lake"), "wiki");

        long positions = 0;
        for (int p = 0; p < 3; p++) {
            positions += silver.txnVersion(LandEventBatch.appId("wiki", p)) + 1;
        }
        assertThat(positions).as("the txn versions cover every offset of the topic").isEqualTo(lines.size());
        Map<String, Object> api = http.getForObject("/api/flows/events", Map.class);
        assertThat(api).containsEntry("transport", "kafka");
    }
}
