package io.lakehub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.ForeignTables;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
 * Tables Apache Spark wrote ({@code tests/resources/delta-foreign}), copied into the lake of a running hub,
 * through its HTTP API: listed, read at every version with Spark's row counts and rows, diffed, time
 * travelled by tag and timestamp. Beside them two tables the hub cannot read (a reader feature Kernel does
 * not know, a corrupt commit file): {@code GET /api/tables} still answers 200 and lists them with their
 * error, and their own endpoints answer 422 / 500 with a JSON message saying why.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ForeignTablesApiTest {

    @TempDir
    static Path dir;

    static final String UNKNOWN_FEATURE = "unknown_feature";
    static final String CORRUPT = "corrupt_log";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:foreign-api;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sample.lendingclub.enabled", () -> "false");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.replication.targets.replicas.type", () -> "local");
        registry.add("lakehub.replication.targets.replicas.root", () -> dir.resolve("replicas").toString());
    }

    /** Before the hub starts: the fixtures and the two unreadable tables in its lake. */
    @BeforeAll
    static void copyIntoTheLake() throws Exception {
        Path silver = dir.resolve("lake/silver");
        for (String name : ForeignTables.NAMES) {
            ForeignTables.copy(name, silver.resolve(name));
        }
        ForeignTables.copy("spark_plain", silver.resolve(UNKNOWN_FEATURE));
        Files.writeString(silver.resolve(UNKNOWN_FEATURE + "/_delta_log/00000000000000000005.json"),
                "{\"commitInfo\":{\"timestamp\":1796173400000,\"operation\":\"UPGRADE PROTOCOL\"}}\n"
                        + "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                        + "\"readerFeatures\":[\"lakehubImaginaryFeature\"],\"writerFeatures\":[\"lakehubImaginaryFeature\"]}}\n",
                StandardCharsets.UTF_8);
        ForeignTables.copy("spark_plain", silver.resolve(CORRUPT));
        Files.writeString(silver.resolve(CORRUPT + "/_delta_log/00000000000000000005.json"),
                "{\"commitInfo\":{\"timestamp\":17961734", StandardCharsets.UTF_8);
    }

    @Autowired
    TestRestTemplate anonymous;

    @Autowired
    LakeStorage lake;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    private ResponseEntity<Map> post(String url, String json) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity(url, new HttpEntity<>(json, headers), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theListShowsEveryTableAndTheUnreadableOnesWithTheirError() {
        ResponseEntity<List> r = http.getForEntity("/api/tables", List.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<Map<String, Object>> tables = r.getBody();
        assertThat(tables).extracting(t -> t.get("name")).contains(ForeignTables.NAMES.toArray())
                .contains(UNKNOWN_FEATURE, CORRUPT);
        for (String name : ForeignTables.NAMES) {
            Map<String, Object> t = tables.stream().filter(m -> name.equals(m.get("name"))).findFirst().orElseThrow();
            assertThat(((Number) t.get("version")).longValue()).as(name).isEqualTo(ForeignTables.versionCounts(name).lastKey());
            assertThat(t).doesNotContainKey("error");
        }
        Map<String, Object> unknown = tables.stream().filter(m -> UNKNOWN_FEATURE.equals(m.get("name"))).findFirst().orElseThrow();
        assertThat(unknown).containsEntry("readable", false).containsEntry("reason", "UNSUPPORTED_FEATURE");
        assertThat((String) unknown.get("error")).contains("lakehubImaginaryFeature");
        Map<String, Object> corrupt = tables.stream().filter(m -> CORRUPT.equals(m.get("name"))).findFirst().orElseThrow();
        assertThat(corrupt).containsEntry("readable", false).containsEntry("reason", "BROKEN_LOG");
        assertThat((String) corrupt.get("error")).contains(CORRUPT).contains("broken");
    }

    /**
     * The column types {@code GET /api/tables/<t>} answers are the short SQL names delta-standalone's
     * {@code getSimpleString()} gave before lakehub's own schema types replaced it (issue 13): {@code bigint},
     * {@code decimal} without its precision, {@code timestamp_ntz}.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theColumnTypesOfATableAreTheNamesTheApiHasAlwaysShown() {
        Map<String, Object> plain = http.getForObject("/api/tables/spark_plain", Map.class);
        assertThat((List<Map<String, Object>>) plain.get("columns")).extracting(c -> c.get("name") + " " + c.get("type")
                        + " " + c.get("nullable"))
                .containsExactly("id bigint true", "name string true", "amount decimal true", "created date true",
                        "updated_at timestamp true", "active boolean true", "score double true");
        Map<String, Object> ntz = http.getForObject("/api/tables/timestamp_ntz", Map.class);
        assertThat((List<Map<String, Object>>) ntz.get("columns")).extracting(c -> c.get("name") + " " + c.get("type"))
                .containsExactly("id bigint", "seen timestamp_ntz", "day date");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyVersionOfEveryTableHasSparksRowsThroughTheApi() {
        for (String name : ForeignTables.NAMES) {
            for (Map.Entry<Long, Long> e : ForeignTables.versionCounts(name).entrySet()) {
                Map<String, Object> body = http.getForObject("/api/tables/" + name + "/rows?limit=10000&version=" + e.getKey(), Map.class);
                assertThat(((Number) body.get("count")).longValue()).as("%s version %d", name, e.getKey()).isEqualTo(e.getValue());
            }
            NavigableMap<Long, Path> expected = ForeignTables.expectedVersions(name);
            Path csv = expected.lastEntry().getValue();
            TableSchema schema = new DeltaTable(lake, name).latest().schema();
            Map<String, Object> body = http.getForObject("/api/tables/" + name + "/rows?limit=10000", Map.class);
            List<Object[]> rows = new ArrayList<>();
            for (Map<String, Object> row : (List<Map<String, Object>>) body.get("rows")) {
                Object[] values = new Object[schema.size()];
                for (int i = 0; i < values.length; i++) {
                    Object v = row.get(schema.column(i).name());
                    values[i] = v == null ? null : ForeignTables.canonicalText(schema.column(i).type(), v.toString());
                }
                values[0] = Long.parseLong(values[0].toString());
                rows.add(values);
            }
            assertThat(ForeignTables.byId(rows)).as(name).isEqualTo(ForeignTables.expectedById(csv, schema));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUnreadableTableAnswersWithWhatAndWhy() {
        ResponseEntity<Map> rows = http.getForEntity("/api/tables/" + UNKNOWN_FEATURE + "/rows", Map.class);
        assertThat(rows.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat((String) rows.getBody().get("error")).contains(UNKNOWN_FEATURE).contains("lakehubImaginaryFeature");
        assertThat(http.getForEntity("/api/tables/" + UNKNOWN_FEATURE, Map.class).getStatusCode())
                .isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        ResponseEntity<Map> corrupt = http.getForEntity("/api/tables/" + CORRUPT + "/rows", Map.class);
        assertThat(corrupt.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat((String) corrupt.getBody().get("error")).contains(CORRUPT).contains("broken");
        ResponseEntity<Map> replication = post("/api/replications", "{\"requestId\":\"unknown-1\",\"table\":\""
                + UNKNOWN_FEATURE + "\",\"target\":\"replicas\",\"path\":\"unknown\",\"format\":\"csv\"}");
        assertThat(replication.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat((String) replication.getBody().get("error")).contains("lakehubImaginaryFeature");
        ResponseEntity<Map> ntz = post("/api/replications", "{\"requestId\":\"ntz-1\",\"table\":\"timestamp_ntz\","
                + "\"target\":\"replicas\",\"path\":\"ntz\",\"format\":\"delta\"}");
        assertThat(ntz.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) ntz.getBody().get("error")).contains("timestamp_ntz").contains("seen");
    }

    @Test
    @SuppressWarnings("unchecked")
    void diffHistoryAndTimeTravelOfSparkTables() {
        Map<String, Object> diff = http.getForObject("/api/tables/deletion_vectors/diff?from=1&to=2&keyColumns=id", Map.class);
        NavigableMap<Long, Long> counts = ForeignTables.versionCounts("deletion_vectors");
        assertThat(diff).containsEntry("inserted", 0).containsEntry("updated", 0)
                .containsEntry("deleted", (int) (counts.get(1L) - counts.get(2L)));

        List<Map<String, Object>> history = http.getForObject("/api/tables/spark_plain/history", List.class);
        assertThat(history).extracting(h -> ((Number) h.get("version")).longValue()).containsExactly(4L, 3L, 2L, 1L, 0L);
        assertThat(history.get(2)).containsEntry("operation", "MERGE");

        Map<String, Object> v11 = http.getForObject("/api/tables/column_mapping?version=11", Map.class);
        String committed = (String) v11.get("timestamp");
        Map<String, Object> asOf = http.getForObject("/api/tables/column_mapping/rows?limit=1&asOf=" + committed, Map.class);
        assertThat(asOf).containsEntry("version", 11);
        assertThat(((List<Map<String, Object>>) asOf.get("rows")).get(0)).containsKeys("amount_usd", "note");

        ResponseEntity<Map> refused = post("/api/tables/deletion_vectors/tags", "{\"tag\":\"first\",\"version\":1}");
        assertThat(refused.getStatusCode()).as("a table with reader features is not written").isEqualTo(HttpStatus.CONFLICT);
        assertThat((String) refused.getBody().get("error")).contains("deletionVectors");

        ResponseEntity<Map> tagged = post("/api/tables/spark_plain/tags", "{\"tag\":\"before-merge\",\"version\":1}");
        assertThat(tagged.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        Map<String, Object> byTag = http.getForObject("/api/tables/spark_plain/rows?limit=10000&tag=before-merge", Map.class);
        assertThat(byTag).containsEntry("version", 1);
        assertThat(((Number) byTag.get("count")).longValue()).isEqualTo(ForeignTables.versionCounts("spark_plain").get(1L));
    }
}
