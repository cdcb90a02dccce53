package io.lakehub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.testsupport.ItemsTable;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tags, time travel, exports and diffs through the running hub's HTTP API, on tables built in the
 * hub's lake by the sql loader from H2 (the configured source is not polled, so versions change only
 * when a test loads).
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TableVersionsApiTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:versions-api;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sample.lendingclub.enabled", () -> "false");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
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

    private ResponseEntity<Map> post(String url, String json) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity(url, new HttpEntity<>(json, headers), Map.class);
    }

    private static Object error(ResponseEntity<Map> r) {
        return r.getBody().get("error");
    }

    @SuppressWarnings("unchecked")
    private List<String> names(String url) {
        Map<String, Object> body = http.getForObject(url, Map.class);
        return ((List<Map<String, Object>>) body.get("rows")).stream().map(r -> r.get("id") + "=" + r.get("name"))
                .sorted().toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void tagsAreSetListedReadAndRemoved() throws Exception {
        ItemsTable items = new ItemsTable(lake, "api_tags");
        items.insert(1, 2, 3).load();
        items.rename(2, "two").load();

        ResponseEntity<Map> created = post("/api/tables/api_tags/tags", "{\"tag\":\"v2015\",\"version\":0}");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getHeaders().getLocation()).hasPath("/api/tables/api_tags/tags/v2015");
        assertThat(created.getBody()).containsEntry("tag", "v2015").containsEntry("version", 0).containsEntry("tableVersion", 2);
        assertThat(created.getBody().get("timestamp").toString()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");

        assertThat(names("/api/tables/api_tags/rows?tag=v2015")).containsExactly("1=item1", "2=item2", "3=item3");
        assertThat(names("/api/tables/api_tags/rows")).containsExactly("1=item1", "2=two", "3=item3");
        Map<String, Object> described = http.getForObject("/api/tables/api_tags?tag=v2015", Map.class);
        assertThat(described).containsEntry("version", 0).containsEntry("tags", List.of("v2015")).containsEntry("readable", true);

        ResponseEntity<Map> conflict = post("/api/tables/api_tags/tags", "{\"tag\":\"v2015\",\"version\":1}");
        assertThat(conflict.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(error(conflict).toString()).contains("already names version 0").contains("force");
        ResponseEntity<Map> forced = post("/api/tables/api_tags/tags", "{\"tag\":\"v2015\",\"version\":1,\"force\":true}");
        assertThat(forced.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(forced.getBody()).containsEntry("version", 1).containsEntry("previousVersion", 0);

        // a later load keeps the tags
        items.insert(4).load();
        List<Map<String, Object>> tags = http.getForObject("/api/tables/api_tags/tags", List.class);
        assertThat(tags).hasSize(1);
        assertThat(tags.get(0)).containsEntry("tag", "v2015").containsEntry("version", 1).containsKey("timestamp");
        assertThat(http.getForObject("/api/tables/api_tags/tags/v2015", Map.class)).containsEntry("version", 1);
        Map<String, Object> latest = http.getForObject("/api/tables/api_tags", Map.class);
        assertThat((Map<String, String>) latest.get("properties")).containsEntry("lakehub.tag.v2015", "1");
        List<Map<String, Object>> history = http.getForObject("/api/tables/api_tags/history", List.class);
        assertThat(history).extracting(h -> h.get("operation"))
                .containsExactly("MERGE", "SET TBLPROPERTIES", "SET TBLPROPERTIES", "MERGE", "WRITE");

        ResponseEntity<Void> deleted = http.exchange("/api/tables/api_tags/tags/v2015", HttpMethod.DELETE, null, Void.class);
        assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(http.getForObject("/api/tables/api_tags/tags", List.class)).isEmpty();
        ResponseEntity<Map> again = http.exchange("/api/tables/api_tags/tags/v2015", HttpMethod.DELETE, null, Map.class);
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.getForEntity("/api/tables/api_tags/rows?tag=v2015", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void badTagRequestsGetClearErrors() throws Exception {
        new ItemsTable(lake, "api_bad").insert(1).load();
        ResponseEntity<Map> badName = post("/api/tables/api_bad/tags", "{\"tag\":\"no spaces\",\"version\":0}");
        assertThat(badName.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error(badName).toString()).contains("[A-Za-z0-9_.-]{1,64}");
        ResponseEntity<Map> tooLong = post("/api/tables/api_bad/tags", "{\"tag\":\"" + "x".repeat(65) + "\",\"version\":0}");
        assertThat(tooLong.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        ResponseEntity<Map> noVersion = post("/api/tables/api_bad/tags", "{\"tag\":\"v1\"}");
        assertThat(noVersion.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error(noVersion).toString()).contains("version is required");
        ResponseEntity<Map> notJson = post("/api/tables/api_bad/tags", "tag=v1");
        assertThat(notJson.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        ResponseEntity<Map> noSuchVersion = post("/api/tables/api_bad/tags", "{\"tag\":\"v1\",\"version\":5}");
        assertThat(noSuchVersion.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(error(noSuchVersion).toString()).contains("versions 0..0");
        ResponseEntity<Map> noSuchTable = post("/api/tables/nowhere/tags", "{\"tag\":\"v1\",\"version\":0}");
        assertThat(noSuchTable.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.getForEntity("/api/tables/nowhere/tags", Map.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.getForEntity("/api/tables/api_bad/tags/absent", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void readsTakeOneOfVersionTagAndAsOf() throws Exception {
        ItemsTable items = new ItemsTable(lake, "api_travel");
        items.insert(1, 2).load();
        items.rename(1, "one").load();
        Path log = dir.resolve("lake/silver/api_travel/_delta_log");
        Files.setLastModifiedTime(log.resolve(String.format("%020d.json", 0)),
                java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2020-06-01T00:00:00Z")));
        Files.setLastModifiedTime(log.resolve(String.format("%020d.json", 1)),
                java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2020-06-02T00:00:00Z")));

        assertThat(names("/api/tables/api_travel/rows?asOf=2020-06-01T12:00:00Z")).containsExactly("1=item1", "2=item2");
        assertThat(names("/api/tables/api_travel/rows?asOf=2020-06-02T00:00:00Z")).containsExactly("1=one", "2=item2");
        assertThat(names("/api/tables/api_travel/rows?version=0")).containsExactly("1=item1", "2=item2");
        assertThat(http.getForObject("/api/tables/api_travel?asOf=2020-06-01T12:00:00Z", Map.class))
                .containsEntry("version", 0).containsEntry("timestamp", "2020-06-01T00:00:00Z");
        String csv = http.getForObject("/api/tables/api_travel/export?asOf=2020-06-01T12:00:00Z", String.class);
        assertThat(csv.split("\r\n")).hasSize(3).contains("1,item1,1.50,2024-01-01T00:00:01");

        ResponseEntity<Map> early = http.getForEntity("/api/tables/api_travel/rows?asOf=2020-05-01T00:00:00Z", Map.class);
        assertThat(early.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(error(early).toString()).contains("no version committed at or before 2020-05-01T00:00:00Z");
        ResponseEntity<Map> two = http.getForEntity("/api/tables/api_travel/rows?version=0&tag=x", Map.class);
        assertThat(two.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error(two).toString()).contains("at most one of version, tag and asOf");
        assertThat(http.getForEntity("/api/tables/api_travel/export?version=0&asOf=2020-06-01T00:00:00Z", Map.class)
                .getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(http.getForEntity("/api/tables/api_travel?asOf=soon", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(http.getForEntity("/api/tables/api_travel/rows?version=9", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.getForEntity("/api/tables/api_travel/export?format=xlsx", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void parquetExportHoldsTheWholeVersion() throws Exception {
        ItemsTable items = new ItemsTable(lake, "api_parquet");
        items.insert(1, 2, 3).load();
        items.rename(3, "three").insert(4).load();
        ResponseEntity<byte[]> r = http.getForEntity("/api/tables/api_parquet/export?format=parquet&version=1", byte[].class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(r.getHeaders().getContentType()).hasToString("application/vnd.apache.parquet");
        assertThat(r.getHeaders().getContentDisposition().getFilename()).isEqualTo("api_parquet-v1.parquet");
        Path file = Files.write(dir.resolve("downloaded.parquet"), r.getBody());

        DeltaTable table = new DeltaTable(lake, "api_parquet");
        TableSnapshot v1 = table.snapshot(1L);
        List<List<Object>> expected = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(v1)) {
            it.forEachRemaining(row -> expected.add(java.util.Arrays.asList(row)));
        }
        List<List<Object>> back = new ArrayList<>();
        try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(file.toUri()), lake.conf(),
                v1.getMetadata().getSchema())) {
            Object[] row;
            while ((row = reader.next()) != null) {
                back.add(java.util.Arrays.asList(row));
            }
        }
        assertThat(back).hasSize(4).isEqualTo(expected);
    }

    @Test
    void aVacuumedVersionIsGone() throws Exception {
        ItemsTable items = new ItemsTable(lake, "api_gone");
        items.insert(1, 2).load();
        items.rename(2, "two").load();
        TableSnapshot v0 = new DeltaTable(lake, "api_gone").snapshot(0L);
        Files.delete(dir.resolve("lake/silver/api_gone").resolve(v0.getAllFiles().get(0).getPath()));

        for (String url : List.of("/api/tables/api_gone/rows?version=0", "/api/tables/api_gone/export?version=0",
                "/api/tables/api_gone/export?version=0&format=parquet", "/api/tables/api_gone/diff?from=0&to=1")) {
            ResponseEntity<Map> r = http.getForEntity(url, Map.class);
            assertThat(r.getStatusCode()).as(url).isEqualTo(HttpStatus.GONE);
            assertThat(error(r).toString()).as(url)
                    .startsWith("version 0 of api_gone can no longer be read: its data files were removed by VACUUM");
        }
        assertThat(post("/api/tables/api_gone/tags", "{\"tag\":\"old\",\"version\":0}").getStatusCode())
                .isEqualTo(HttpStatus.GONE);
        assertThat(http.getForObject("/api/tables/api_gone?version=0", Map.class)).containsEntry("readable", false);
        assertThat(names("/api/tables/api_gone/rows?version=1")).containsExactly("1=item1", "2=two");
    }

    @Test
    @SuppressWarnings("unchecked")
    void diffCountsChangesBetweenVersions() throws Exception {
        ItemsTable items = new ItemsTable(lake, "api_diff");
        items.insert(1, 2, 3, 4, 5).load();
        items.rename(2, "two").insert(6).load();
        items.reload(3);
        post("/api/tables/api_diff/tags", "{\"tag\":\"start\",\"version\":0}");

        Map<String, Object> d = http.getForObject("/api/tables/api_diff/diff?from=0&to=2&keys=true", Map.class);
        assertThat(d).containsEntry("table", "api_diff").containsEntry("from", 0).containsEntry("to", 2)
                .containsEntry("inserted", 1).containsEntry("updated", 1).containsEntry("deleted", 0)
                .containsEntry("keyColumns", List.of("id"));
        assertThat((Map<String, Object>) d.get("keys")).containsEntry("inserted", List.of(6)).containsEntry("updated", List.of(2))
                .containsEntry("deleted", List.of()).containsEntry("truncated", false);

        Map<String, Object> back = http.getForObject("/api/tables/api_diff/diff?to=0&fromTag=&from=2&keyColumns=id", Map.class);
        assertThat(back).containsEntry("inserted", 0).containsEntry("updated", 1).containsEntry("deleted", 1)
                .doesNotContainKey("keys");
        Map<String, Object> byTag = http.getForObject("/api/tables/api_diff/diff?fromTag=start", Map.class);
        assertThat(byTag).as("to defaults to the latest").containsEntry("from", 0).containsEntry("to", 3)
                .containsEntry("inserted", 1).containsEntry("updated", 1);
        Map<String, Object> reload = http.getForObject("/api/tables/api_diff/diff?from=1&to=2", Map.class);
        assertThat(reload).as("a row loaded again unchanged").containsEntry("updated", 0).containsEntry("inserted", 0);

        assertThat(http.getForEntity("/api/tables/api_diff/diff?to=1", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(http.getForEntity("/api/tables/api_diff/diff?from=0&fromTag=start", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        ResponseEntity<Map> badKey = http.getForEntity("/api/tables/api_diff/diff?from=0&keyColumns=nope", Map.class);
        assertThat(badKey.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error(badKey).toString()).contains("'nope' is not a column");
        assertThat(http.getForEntity("/api/tables/api_diff/diff?from=0&to=42", Map.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }
}
