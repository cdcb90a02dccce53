package io.lakehub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
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
 * Operating a running hub through the admin API, as an operator would: a watermark reset is refused
 * while the flow runs and accepted once its route is stopped, recorded in the table history, and the
 * next run reads from the new position; a forced failure (the source table disappears) shows in the run
 * history, the flow's health and the Prometheus metrics, and clears when the table is back.
 */
@CamelSpringBootTest
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperationsApiTest {

    private static final String POLL = "sql-incremental-poll-loans";

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:operations;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].schedule", () -> "300ms");
        registry.add("lakehub.sql.tables[0].lag", () -> "0s");
        registry.add("lakehub.sql.initial-delay", () -> "0s");
    }

    @Autowired
    TestRestTemplate anonymous;

    @Autowired
    DataSource source;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @Test
    @SuppressWarnings("unchecked")
    void watermarkMovesOnlyWhileStoppedAndFailuresShowEverywhere() throws Exception {
        await().atMost(Duration.ofSeconds(120)).until(() -> http.getForObject("/api/runs?source=loans", List.class).stream()
                .anyMatch(r -> "SUCCEEDED".equals(((Map<String, Object>) r).get("status"))));

        // a running flow: no change of position (KIP-875)
        ResponseEntity<Map> refused = http.exchange("/api/flows/sql-incremental/loans/watermark", HttpMethod.DELETE, null, Map.class);
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(refused.getBody().get("error").toString()).contains(POLL).contains("stop it first");

        Map<String, Object> stopped = http.postForObject("/api/routes/" + POLL + "/stop", null, Map.class);
        assertThat(stopped).containsEntry("state", "Stopped").containsEntry("flow", "sql-incremental");

        // rows whose timestamps went back in time (a restored backup): a plain poll would never see them
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE loans SET updated_at = TIMESTAMP '2001-01-01 00:00:00'");
            assertThat(st.executeUpdate("UPDATE loans SET updated_at = TIMESTAMP '2002-01-01 00:00:00' "
                    + "WHERE id IN (SELECT id FROM loans ORDER BY id FETCH FIRST 30 ROWS ONLY)")).isEqualTo(30);
        }
        ResponseEntity<Map> bad = put("{\"value\":\"yesterday\"}");
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bad.getBody().get("error").toString()).contains("ISO-8601");
        ResponseEntity<Map> notJson = put("{\"value\":");
        assertThat(notJson.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);

        ResponseEntity<Map> moved = put("{\"value\":\"2001-06-01T00:00:00\"}");
        assertThat(moved.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(moved.getBody()).containsEntry("committed", true);
        assertThat((Map<String, Object>) moved.getBody().get("watermark")).containsEntry("value", "2001-06-01T00:00:00");
        assertThat(moved.getBody().get("previous")).isNotNull();

        List<Map<String, Object>> history = http.getForObject("/api/tables/loans/history?limit=1", List.class);
        assertThat(history.get(0)).containsEntry("operation", "SET TBLPROPERTIES");
        assertThat((Map<String, Object>) history.get(0).get("userMetadata"))
                .containsEntry("operation", "watermark set").containsEntry("by", TestUsers.OPERATOR);

        String before = (String) lastRun().get("runId");
        assertThat(http.postForEntity("/api/flows/sql-incremental/loans/run", null, Map.class).getStatusCode())
                .isEqualTo(HttpStatus.ACCEPTED);
        await().atMost(Duration.ofSeconds(120)).until(() -> !before.equals(lastRun().get("runId")));
        assertThat(lastRun()).containsEntry("status", "SUCCEEDED").containsEntry("rowsIn", 30);

        ResponseEntity<Map> reset = http.exchange("/api/flows/sql-incremental/loans/watermark", HttpMethod.DELETE, null, Map.class);
        assertThat(reset.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(reset.getBody().get("watermark")).isNull();
        String afterMove = (String) lastRun().get("runId");
        http.postForEntity("/api/flows/sql-incremental/loans/run", null, Map.class);
        await().atMost(Duration.ofSeconds(120)).until(() -> !afterMove.equals(lastRun().get("runId")));
        assertThat(lastRun()).containsEntry("status", "SUCCEEDED").containsEntry("rowsIn", 696);

        assertThat(http.postForObject("/api/routes/" + POLL + "/start", null, Map.class)).containsEntry("state", "Started");

        // a forced failure: the source table disappears
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE loans RENAME TO loans_moved");
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> "FAILED".equals(lastRun().get("status")));
        assertThat(lastRun().get("error").toString()).containsIgnoringCase("loans");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DEGRADED".equals(flowHealth().get("status")));
        Map<String, Object> details = (Map<String, Object>) flowHealth().get("details");
        assertThat(((Number) details.get("consecutiveFailures")).intValue()).isPositive();
        String metrics = prometheus();
        assertThat(metrics.lines().filter(l -> l.startsWith("lakehub_runs_total")).toList())
                .anyMatch(l -> l.matches("lakehub_runs_total\\{flow=\"sql-incremental\",source=\"loans\",status=\"FAILED\"} [1-9].*"));
        assertThat(metrics).containsPattern("lakehub_delta_commit_seconds_count\\{operation=\"WRITE\",outcome=\"committed\",table=\"loans\"} [1-9]")
                .containsPattern("lakehub_delta_bytes_written_total\\{table=\"loans\"} [1-9]");
        assertThat(metrics).contains("lakehub_rows_total{direction=\"in\",flow=\"sql-incremental\",source=\"loans\"} "
                + (696 + 30 + 696) + ".0");
        List<Map<String, Object>> flows = http.getForObject("/api/flows", List.class);
        Map<String, Object> sql = flows.stream().filter(f -> "sql-incremental".equals(f.get("flow"))).findFirst().orElseThrow();
        assertThat((Map<String, Object>) sql.get("lastFailedRun")).containsEntry("status", "FAILED");

        // the cause goes away: the flow recovers by itself
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE loans_moved RENAME TO loans");
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> "UP".equals(flowHealth().get("status")));
        assertThat(lastRun().get("status")).isIn("SUCCEEDED", "NOOP");
    }

    /** The Prometheus text exposition format (version 0.0.4), as a Prometheus server asks for it. */
    private String prometheus() {
        HttpHeaders headers = new HttpHeaders();
        headers.setAccept(List.of(MediaType.TEXT_PLAIN));
        ResponseEntity<String> r = http.exchange("/actuator/prometheus", HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(r.getStatusCode()).as("GET /actuator/prometheus: %s %s", r.getHeaders(), r.getBody()).isEqualTo(HttpStatus.OK);
        return r.getBody();
    }

    private ResponseEntity<Map> put(String json) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.exchange("/api/flows/sql-incremental/loans/watermark", HttpMethod.PUT, new HttpEntity<>(json, headers), Map.class);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastRun() {
        List<Map<String, Object>> runs = http.getForObject("/api/runs?source=loans&limit=1", List.class);
        return runs.isEmpty() ? null : runs.get(0);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> flowHealth() {
        Map<String, Object> health = http.getForObject("/actuator/health/flows", Map.class);
        return ((Map<String, Map<String, Object>>) health.get("components")).get("sql-incremental-loans");
    }
}
