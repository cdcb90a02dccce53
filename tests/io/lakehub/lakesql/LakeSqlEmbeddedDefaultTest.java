package io.lakehub.lakesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 15's done-when on the embedded default, through the running hub: {@code POST /api/sql} as a
 * viewer gives the same grade counts as the rows endpoint, {@code "loans@v2015"} still counts 696 after the
 * 2016 injection, joins of tables and views work, refusals are 400 with the engine's reason, and the
 * shipped gold table {@code gold/loan_grades} gets a new version after the silver MERGE of {@code loans},
 * its lineage naming the silver version it read.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LakeSqlEmbeddedDefaultTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:lakesql-default;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].schedule", () -> "500ms");
        registry.add("lakehub.sql.tables[0].tag-by-year-of", () -> "issue_d");
        registry.add("lakehub.sql.tables[0].lag", () -> "1s");
        registry.add("lakehub.sql.initial-delay", () -> "0s");
        registry.add("lakehub.gold.enabled", () -> "true");
        registry.add("lakehub.gold.poll-interval", () -> "500ms");
    }

    @Autowired
    TestRestTemplate anonymous;

    private TestRestTemplate viewer() {
        return TestUsers.viewer(anonymous);
    }

    @SuppressWarnings("unchecked")
    private ResponseEntity<Map> sql(String body) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        return viewer().postForEntity("/api/sql", new HttpEntity<>(body, h), Map.class);
    }

    @SuppressWarnings("unchecked")
    private List<List<Object>> rows(String sql) {
        ResponseEntity<Map> r = sql("{\"sql\": " + quote(sql) + "}");
        assertThat(r.getStatusCode()).as("%s: %s", sql, r.getBody()).isEqualTo(HttpStatus.OK);
        return (List<List<Object>>) r.getBody().get("rows");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private long count(String sql) {
        return ((Number) rows(sql).get(0).get(0)).longValue();
    }

    @SuppressWarnings("unchecked")
    private long silverVersion() {
        List<Map<String, Object>> tables = viewer().getForObject("/api/tables", List.class);
        return tables.stream().filter(t -> "loans".equals(t.get("name")))
                .mapToLong(t -> ((Number) t.get("version")).longValue()).findFirst().orElse(-1);
    }

    /** Grade to count, from the rows endpoint (the hub's own Delta reader). */
    @SuppressWarnings("unchecked")
    private Map<String, Long> gradeCountsFromRowsEndpoint() {
        Map<String, Object> body = viewer().getForObject("/api/tables/loans/rows?limit=10000", Map.class);
        Map<String, Long> counts = new HashMap<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) body.get("rows")) {
            counts.merge(String.valueOf(row.get("grade")), 1L, Long::sum);
        }
        return counts;
    }

    private Map<String, Long> gradeCountsFromSql() {
        Map<String, Long> counts = new HashMap<>();
        for (List<Object> r : rows("select grade, count(*) as n from loans group by grade")) {
            counts.put(String.valueOf(r.get(0)), ((Number) r.get(1)).longValue());
        }
        return counts;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> goldLineage(long version) {
        DeltaTable gold = DeltaTable.gold(new LakeStorage(dir.resolve("lake").toString()), "loan_grades");
        return gold.history(100).stream().filter(h -> ((Number) h.get("version")).longValue() == version)
                .map(h -> (Map<String, Object>) h.get("userMetadata")).findFirst().orElseThrow();
    }

    private long goldVersion() {
        DeltaTable gold = DeltaTable.gold(new LakeStorage(dir.resolve("lake").toString()), "loan_grades");
        return gold.exists() ? gold.latest().getVersion() : -1;
    }

    @Test
    @SuppressWarnings("unchecked")
    void queriesVersionsJoinsAndAGoldTableOnTheEmbeddedDefault() {
        await().atMost(Duration.ofSeconds(60)).until(() -> silverVersion() >= 0);
        assertThat(gradeCountsFromSql()).isEqualTo(gradeCountsFromRowsEndpoint()).hasSizeGreaterThan(3);
        assertThat(count("select count(*) from loans")).isEqualTo(696);

        await().atMost(Duration.ofSeconds(60)).until(() -> goldVersion() >= 0);
        assertThat(goldVersion()).isZero();
        assertThat((Map<String, Object>) goldLineage(0).get("sources")).containsExactly(Map.entry("loans", 0));
        assertThat(count("select sum(loans) from gold.loan_grades")).isEqualTo(696);

        ResponseEntity<Map> injected = TestUsers.operator(anonymous)
                .postForEntity("/api/samples/lendingclub/inject?year=2016", null, Map.class);
        assertThat(injected.getStatusCode()).isEqualTo(HttpStatus.OK);
        await().atMost(Duration.ofSeconds(60)).until(() -> silverVersion() >= 1);
        assertThat(gradeCountsFromSql()).isEqualTo(gradeCountsFromRowsEndpoint());
        assertThat(count("select count(*) from loans")).isEqualTo(696 + 227);
        assertThat(count("select count(*) from \"loans@v2015\"")).isEqualTo(696);
        assertThat(count("select count(*) from \"loans@0\"")).isEqualTo(696);
        ResponseEntity<Map> pinned = sql("{\"sql\": \"select count(*) from loans\", \"tag\": \"v2015\"}");
        assertThat(((List<List<Object>>) pinned.getBody().get("rows")).get(0).get(0)).isEqualTo(696);
        assertThat((Map<String, Object>) pinned.getBody().get("versions")).containsExactly(Map.entry("loans", 0));

        // the MERGE of 2016 gives the gold table a new version, whose lineage names silver version 1
        await().atMost(Duration.ofSeconds(60)).until(() -> goldVersion() >= 1);
        long silver = silverVersion();
        await().atMost(Duration.ofSeconds(60)).until(() -> ((Map<String, Object>) goldLineage(goldVersion()).get("sources"))
                .get("loans").equals((int) silver));
        assertThat(count("select sum(loans) from gold.loan_grades")).isEqualTo(696 + 227);
        assertThat(goldLineage(goldVersion())).containsEntry("gold", "loan_grades").containsEntry("refresh", "after-commit");

        // joins: a table with a version of itself, with the shipped view, and with the gold table
        assertThat(count("select count(*) from loans l join \"loans@v2015\" o on o.id = l.id")).isEqualTo(696);
        assertThat(count("select count(*) from loans l join loans_by_grade_year v"
                + " on v.grade = l.grade and v.issue_year = year(l.issue_d)")).isEqualTo(696 + 227);
        assertThat(count("select sum(g.loans) from gold.loan_grades g join (select distinct grade from \"loans@v2015\") o"
                + " on o.grade = g.grade")).isPositive();
        assertThat(count("select sum(loans) from loans_by_grade_year where issue_year = 2016")).isEqualTo(227);
    }

    @Test
    void refusalsAre400WithTheReasonAndTheAnswerIsInTheOpenApiDocument() {
        for (String refused : List.of("COPY (select 1) TO '/tmp/x.csv'", "select * from read_csv('/etc/passwd')",
                "ATTACH '/tmp/x.duckdb'", "SET threads = 1", "INSTALL httpfs", "selec 1")) {
            ResponseEntity<Map> r = sql("{\"sql\": " + quote(refused) + "}");
            assertThat(r.getStatusCode()).as(refused).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody()).as(refused).containsEntry("status", 400).containsKey("error");
        }
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> csv = viewer().postForEntity("/api/sql",
                new HttpEntity<>("{\"sql\": \"select 1 as a, 'x' as b\", \"format\": \"csv\"}", h), String.class);
        assertThat(csv.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(csv.getBody()).isEqualTo("a,b\r\n1,x\r\n");
        ResponseEntity<String> noUser = anonymous.postForEntity("/api/sql",
                new HttpEntity<>("{\"sql\": \"select 1\"}", h), String.class);
        assertThat(noUser.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);

        String api = viewer().getForObject("/v3/api-docs", String.class);
        assertThat(api).contains("\"/api/sql\"").contains("\"SqlResult\"").contains("\"SqlRequest\"").contains("truncated");
    }
}
