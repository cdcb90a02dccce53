package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded default's events flow as application.yaml configures it (in-process transport, watch
 * generator with 5% bad events, the watch rules), only faster (200 events/s): events land in
 * silver/events_watch and quarantine, and after the generator is stopped through the admin API every
 * published event is in exactly one of them, the bad ones in quarantine with the rule of their defect.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class EmbeddedEventsDefaultTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:embedded-events;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        // the build turns the generator off for tests that do not ask for it; this one does
        registry.add("lakehub.events.generator.enabled", () -> "true");
        registry.add("lakehub.events.generator.rate", () -> "200");
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

    @Autowired
    EventCounters counters;

    @Test
    @SuppressWarnings("unchecked")
    void generatedWatchEventsLandInSilverAndTheBadOnesInQuarantine() throws Exception {
        DeltaTable silver = new DeltaTable(lake, "events_watch");
        Path root = dir.resolve("lake");
        await().atMost(Duration.ofSeconds(90)).until(() -> WikipediaReplaySupport.silverCount(silver) >= 500
                && WikipediaReplaySupport.quarantine(root, "watch").size() >= 10);

        assertThat(http.postForEntity("/api/flows/events/generator?action=stop", null, Map.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        Map<String, Object> status = http.getForObject("/api/flows/events/generator", Map.class);
        assertThat(status).containsEntry("running", false).containsEntry("mode", "watch").containsEntry("transport", "in-process");
        long published = ((Number) status.get("published")).longValue();
        Map<String, Integer> bad = (Map<String, Integer>) status.get("bad");
        long badCount = bad.values().stream().mapToLong(Integer::longValue).sum();
        await().atMost(Duration.ofSeconds(30)).until(() -> (Long) counters.hub("watch").snapshot().get("bronze") == published);

        List<JsonNode> quarantined = WikipediaReplaySupport.quarantine(root, "watch");
        long silverRows = WikipediaReplaySupport.silverCount(silver);
        assertThat(silverRows + quarantined.size()).as("every published event once").isEqualTo(published);
        assertThat(quarantined).hasSize((int) badCount);
        Set<String> rules = Set.of("required", "enum", "future-timestamp", "well-formed-json", "unknown-type");
        for (JsonNode q : quarantined) {
            assertThat(q.get("failedRules")).hasSize(1);
            assertThat(rules).contains(q.get("failedRules").get(0).get("rule").asText());
            assertThat(q.get("source").get("topic").asText()).isEqualTo("in-process");
        }
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                assertThat(r[3]).isEqualTo("watch");
                assertThat((String) r[5]).matches("\\{\"type\":\"watch\",\"user\":\"u\\d{6}\",.*\"action\":\"(start|finish)\".*");
            }
        }
    }
}
