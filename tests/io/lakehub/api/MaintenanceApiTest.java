package io.lakehub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lakehub.delta.LakeStorage;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSourceTable;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.CamelContext;
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
 * Table maintenance through the running hub: the admin endpoints (OPTIMIZE, VACUUM with its retention
 * check, CHECKPOINT, unknown tables) on a table loaded with 10 rows per file, and a maintenance schedule
 * ({@code lakehub.maintenance.tables.loans.optimize-every: 500ms}) compacting the seeded LendingClub
 * loans, which the sql-incremental flow lands in files of 100 rows.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MaintenanceApiTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:maintenance-api;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].schedule", () -> "500ms");
        registry.add("lakehub.sql.tables[0].lag", () -> "1s");
        registry.add("lakehub.sql.tables[0].rows-per-file", () -> "100");
        registry.add("lakehub.sql.initial-delay", () -> "0s");
        registry.add("lakehub.maintenance.initial-delay", () -> "0s");
        registry.add("lakehub.maintenance.tables.loans.optimize-every", () -> "500ms");
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

    @Autowired
    LakeStorage lake;

    @Autowired
    CamelContext camel;

    @Test
    @SuppressWarnings("unchecked")
    void aScheduledOptimizeCompactsTheLoadedFiles() {
        assertThat(camel.getRoute("maintenance-optimize-loans")).isNotNull();
        assertThat(camel.getRoute("maintenance-vacuum-loans")).as("not scheduled").isNull();

        await().atMost(Duration.ofSeconds(60)).until(() -> optimizeVersion("loans") >= 0);

        long v = optimizeVersion("loans");
        Map<String, Object> before = http.getForObject("/api/tables/loans?version=" + (v - 1), Map.class);
        Map<String, Object> after = http.getForObject("/api/tables/loans?version=" + v, Map.class);
        assertThat(((Number) before.get("files")).intValue()).isGreaterThan(1);
        assertThat(after.get("files")).isEqualTo(1);
        assertThat(after.get("rows")).isEqualTo(before.get("rows"));
        assertThat(((Number) after.get("rows")).intValue()).isGreaterThanOrEqualTo(696);
    }

    @Test
    @SuppressWarnings("unchecked")
    void endpointsOptimizeVacuumAndCheckpointATable() throws Exception {
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE widgets (id BIGINT PRIMARY KEY, name VARCHAR(20), updated_at TIMESTAMP(6) NOT NULL)");
            st.execute("INSERT INTO widgets SELECT x, 'w' || x, TIMESTAMP '2024-01-01 00:00:00' FROM SYSTEM_RANGE(1, 30)");
        }
        SqlSourceTable t = new SqlSourceTable();
        t.setName("widgets");
        t.setTable("widgets");
        t.setKeys(List.of("id"));
        t.setWatermarkColumn("updated_at");
        t.setLag(Duration.ZERO);
        t.setRowsPerFile(10);
        assertThat(new SqlIncrementalLoader(t, source, lake).loadOnce().tableVersion()).isZero();

        ResponseEntity<Map> optimized = http.postForEntity("/api/tables/widgets/optimize", null, Map.class);
        assertThat(optimized.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(optimized.getBody()).containsEntry("committed", true).containsEntry("version", 1)
                .containsEntry("filesRemoved", 3).containsEntry("filesAdded", 1).containsEntry("rows", 30)
                .containsKeys("bytesRemoved", "bytesAdded", "durationMs");
        Map<String, Object> again = http.postForObject("/api/tables/widgets/optimize", null, Map.class);
        assertThat(again).containsEntry("committed", false).containsEntry("version", 1);

        List<Map<String, Object>> history = http.getForObject("/api/tables/widgets/history", List.class);
        assertThat(history.get(0)).containsEntry("version", 1).containsEntry("operation", "OPTIMIZE")
                .containsEntry("logOperation", "Manual Update");
        assertThat((Map<String, Object>) history.get(0).get("operationParameters")).containsEntry("operation", "OPTIMIZE");
        Map<String, Object> v0 = http.getForObject("/api/tables/widgets/rows?version=0&limit=100", Map.class);
        assertThat(v0).as("the version before OPTIMIZE still reads").containsEntry("count", 30);

        ResponseEntity<Map> tooShort = http.postForEntity("/api/tables/widgets/vacuum?retentionHours=1", null, Map.class);
        assertThat(tooShort.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(tooShort.getBody().get("error").toString()).contains("lakehub.maintenance.min-retention (168h)");
        ResponseEntity<Map> dry = http.postForEntity("/api/tables/widgets/vacuum?dryRun=true", null, Map.class);
        assertThat(dry.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(dry.getBody()).containsEntry("dryRun", true).containsEntry("retentionHours", 168.0)
                .containsEntry("filesDeleted", 0).containsEntry("files", List.of());

        ResponseEntity<Map> checkpoint = http.postForEntity("/api/tables/widgets/checkpoint", null, Map.class);
        assertThat(checkpoint.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(checkpoint.getBody()).containsEntry("version", 1).containsEntry("written", true)
                .containsEntry("checkpoint", "_delta_log/00000000000000000001.checkpoint.parquet");
        assertThat(dir.resolve("lake/silver/widgets/_delta_log/00000000000000000001.checkpoint.parquet")).exists();
        assertThat(dir.resolve("lake/silver/widgets/_delta_log/_last_checkpoint")).exists();

        for (String op : List.of("optimize", "vacuum", "checkpoint")) {
            ResponseEntity<Map> missing = http.postForEntity("/api/tables/nope/" + op, null, Map.class);
            assertThat(missing.getStatusCode()).as(op).isEqualTo(HttpStatus.NOT_FOUND);
        }
    }

    /** The version of the first OPTIMIZE commit in the table's history, or -1. */
    @SuppressWarnings("unchecked")
    private long optimizeVersion(String table) {
        ResponseEntity<Object> history = http.getForEntity("/api/tables/" + table + "/history", Object.class);
        if (!history.getStatusCode().is2xxSuccessful()) {
            return -1;
        }
        return ((List<Map<String, Object>>) history.getBody()).stream()
                .filter(h -> h.get("operationParameters") instanceof Map<?, ?> p && "OPTIMIZE".equals(p.get("operation")))
                .mapToLong(h -> ((Number) h.get("version")).longValue()).min().orElse(-1);
    }
}
