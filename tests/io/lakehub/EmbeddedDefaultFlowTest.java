package io.lakehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

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
 * The embedded default end to end, through the running hub's routes and admin API: the seeded 2015
 * LendingClub loans land as version 0 of silver/loans; injecting 2016 lands them as version 1; the
 * history shows both versions; rows at version 0 equal the source's 2015 rows and rows at version 1
 * equal 2015 + 2016.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedDefaultFlowTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:embedded-default;DB_CLOSE_DELAY=-1");
        // a list from a higher-priority source replaces the whole list, so the entry is given in full
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].schedule", () -> "500ms");
        registry.add("lakehub.sql.tables[0].tag-by-year-of", () -> "issue_d");
        registry.add("lakehub.sql.tables[0].lag", () -> "1s");
        registry.add("lakehub.sql.initial-delay", () -> "0s");
    }

    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @Autowired
    DataSource source;

    @Test
    @SuppressWarnings("unchecked")
    void loansLandAsVersionsThatReadBackExactly() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> tableVersion() >= 0);
        assertThat(tableVersion()).isZero();
        Set<Long> source2015 = sourceIds("EXTRACT(YEAR FROM issue_d) = 2015");
        assertThat(source2015).hasSize(696);
        assertThat(idsAt(0)).isEqualTo(source2015);

        ResponseEntity<Map> injected = http.postForEntity("/api/samples/lendingclub/inject?year=2016", null, Map.class);
        assertThat(injected.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(injected.getBody()).containsEntry("inserted", 227);

        await().atMost(Duration.ofSeconds(60)).until(() -> tableVersion() >= 1);
        assertThat(tableVersion()).isEqualTo(1);
        Set<Long> all = sourceIds("1 = 1");
        assertThat(all).hasSize(696 + 227);
        assertThat(idsAt(1)).isEqualTo(all);
        assertThat(idsAt(0)).isEqualTo(source2015);

        List<Map<String, Object>> history = http.getForObject("/api/tables/loans/history", List.class);
        assertThat(history).extracting(h -> h.get("version")).containsExactly(1, 0);
        assertThat(history).extracting(h -> h.get("operation")).containsExactly("MERGE", "WRITE");
        Map<String, Object> merge = history.get(0);
        assertThat((Map<String, String>) merge.get("operationMetrics"))
                .containsEntry("numTargetRowsInserted", "227").containsEntry("numTargetRowsUpdated", "0");
        assertThat((Map<String, Object>) merge.get("userMetadata")).containsEntry("source", "loans")
                .containsEntry("rows", 227).containsKey("watermark");

        Map<String, Object> described = http.getForObject("/api/tables/loans", Map.class);
        assertThat((Map<String, String>) described.get("properties"))
                .containsEntry("lakehub.tag.v2015", "0").containsEntry("lakehub.tag.v2016", "1")
                .containsEntry("lakehub.keys", "id");

        String csv = http.getForObject("/api/tables/loans/export?version=0", String.class);
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(1 + 696);
        assertThat(lines[0]).startsWith("id,member_id,loan_amnt");

        Map<String, Object> typed = http.getForObject("/api/tables/loans/rows?version=1&limit=1", Map.class);
        Map<String, Object> row = ((List<Map<String, Object>>) typed.get("rows")).get(0);
        assertThat(row.get("issue_d").toString()).matches("\\d{4}-\\d{2}-01");
        assertThat(row.get("term_months")).isIn(36, 60);

        ResponseEntity<Map> missing = http.getForEntity("/api/tables/loans/rows?version=7", Map.class);
        assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.getBody().get("error").toString()).contains("versions 0..1");

        List<Map<String, Object>> runs = http.getForObject("/api/runs?source=loans", List.class);
        assertThat(runs).anySatisfy(r -> assertThat(r).containsEntry("status", "SUCCEEDED").containsEntry("tableVersion", 1));
    }

    @SuppressWarnings("unchecked")
    private long tableVersion() {
        List<Map<String, Object>> tables = http.getForObject("/api/tables", List.class);
        return tables.stream().filter(t -> "loans".equals(t.get("name")))
                .mapToLong(t -> ((Number) t.get("version")).longValue()).findFirst().orElse(-1);
    }

    @SuppressWarnings("unchecked")
    private Set<Long> idsAt(long version) {
        Map<String, Object> body = http.getForObject("/api/tables/loans/rows?version=" + version + "&limit=10000", Map.class);
        Set<Long> ids = new HashSet<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) body.get("rows")) {
            assertThat(ids.add(((Number) row.get("id")).longValue())).as("duplicate id %s", row.get("id")).isTrue();
        }
        return ids;
    }

    private Set<Long> sourceIds(String where) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = source.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM loans WHERE " + where)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
