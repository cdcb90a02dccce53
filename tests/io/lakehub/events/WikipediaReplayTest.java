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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A replay of the real Wikipedia edit stream (2,500 edits over 133 minutes of 2015-09-12) through the
 * running hub with the embedded default's in-process transport: the generator is started through the
 * admin API and replays the file as fast as the log accepts it (3 partitions of 300 events, so
 * back-pressure holds the publisher back several times); silver/events_wiki then holds every valid
 * edit once, with the file's count per minute of event time, and quarantine the edits that fail the
 * size rule, with their reason. The rules are in {@link WikipediaReplaySupport}.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WikipediaReplayTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:wikipedia-replay;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        WikipediaReplaySupport.rules(registry);
        registry.add("lakehub.events.transport", () -> "in-process");
        registry.add("lakehub.events.in-process.partitions", () -> "3");
        registry.add("lakehub.events.in-process.capacity", () -> "300");
        registry.add("lakehub.events.in-process.batch-size", () -> "400");
        registry.add("lakehub.events.in-process.batch-latency", () -> "200ms");
        registry.add("lakehub.events.in-process.poll-period", () -> "50ms");
        registry.add("lakehub.events.generator.enabled", () -> "false");
        registry.add("lakehub.events.generator.transport", () -> "in-process");
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
    void theReplayedStreamLandsEachValidEditOnceWithTheFilesCountPerMinute() throws Exception {
        List<String> lines = WikipediaReplaySupport.lines();
        assertThat(lines).hasSize(2500);
        DeltaTable silver = new DeltaTable(lake, "events_wiki");

        ResponseEntity<Map> started = http.postForEntity("/api/flows/events/generator?action=start", null, Map.class);
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(started.getBody()).containsEntry("mode", "replay").containsEntry("transport", "in-process");
        ResponseEntity<Map> again = http.postForEntity("/api/flows/events/generator?action=start", null, Map.class);
        assertThat(again.getStatusCode()).as("one run at a time").isIn(HttpStatus.CONFLICT, HttpStatus.ACCEPTED);

        await().atMost(Duration.ofSeconds(90)).until(() -> {
            Map<String, Object> s = http.getForObject("/api/flows/events/generator", Map.class);
            return Boolean.FALSE.equals(s.get("running"));
        });
        Map<String, Object> status = http.getForObject("/api/flows/events/generator", Map.class);
        assertThat(status).containsEntry("published", 2500).containsEntry("error", null);

        await().atMost(Duration.ofSeconds(90)).until(() -> WikipediaReplaySupport.silverCount(silver)
                + WikipediaReplaySupport.quarantine(dir.resolve("lake"), "wiki").size() == lines.size());
        WikipediaReplaySupport.assertReplayLanded(silver, dir.resolve("lake"), "wiki");

        // the partitions' txn versions account for every position published: 0..n-1 in each partition
        long positions = 0;
        for (int p = 0; p < 3; p++) {
            positions += silver.txnVersion(LandEventBatch.appId("wiki", p)) + 1;
        }
        assertThat(positions).isEqualTo(lines.size());

        Map<String, Object> api = http.getForObject("/api/flows/events", Map.class);
        assertThat(api).containsEntry("transport", "in-process");
        Map<String, Object> counters = (Map<String, Object>) api.get("counters");
        assertThat(counters.get("bronze")).isEqualTo(lines.size());
    }
}
