package io.lakehub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
 * Every admin endpoint without credentials, with the wrong role and with the right one, by HTTP basic
 * and by bearer token; the open health probe; the console for operators only; the OpenAPI description;
 * and no configured secret in any log line or API answer, failures included.
 */
@CamelSpringBootTest
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SecurityApiTest {

    /** Secrets configured below; none may ever be printed or answered. */
    static final String DB_SECRET = "DbSecret-42c9f1";
    static final String BROKEN_DB_SECRET = "UrlSecret-99ab7e";
    static final String ALICE_SECRET = "AliceSecret-8d1f3a";
    static final String OPERATOR_TOKEN = "TokenSecret-77ab0c9d";
    static final String VIEWER_TOKEN = "ViewerToken-5e6f7a8b";

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:security;DB_CLOSE_DELAY=-1");
        registry.add("spring.datasource.password", () -> DB_SECRET);
        registry.add("lakehub.security.users.alice.secret", () -> ALICE_SECRET);
        registry.add("lakehub.security.users.alice.role", () -> "operator");
        registry.add("lakehub.security.tokens.ci.secret", () -> OPERATOR_TOKEN);
        registry.add("lakehub.security.tokens.ci.role", () -> "operator");
        registry.add("lakehub.security.tokens.dashboards.secret", () -> VIEWER_TOKEN);
        registry.add("lakehub.security.tokens.dashboards.role", () -> "viewer");
        registry.add("lakehub.sql.initial-delay", () -> "0s");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].schedule", () -> "500ms");
        // a second source whose database cannot be reached, with a password in its URL
        registry.add("lakehub.datasources.broken.url", () -> "jdbc:postgresql://127.0.0.1:1/nowhere?user=lakehub&password="
                + BROKEN_DB_SECRET + "&connectTimeout=1");
        registry.add("lakehub.sql.tables[1].name", () -> "orders");
        registry.add("lakehub.sql.tables[1].datasource", () -> "broken");
        registry.add("lakehub.sql.tables[1].table", () -> "orders");
        registry.add("lakehub.sql.tables[1].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[1].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[1].schedule", () -> "500ms");
    }

    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate operator;
    TestRestTemplate viewer;

    @BeforeEach
    void users() {
        operator = TestUsers.operator(anonymous);
        viewer = TestUsers.viewer(anonymous);
    }

    /** Reads: viewer and operator, never anonymous. */
    static final List<String> READS = List.of("/api/flows", "/api/routes", "/api/routes/sql-incremental-poll-loans",
            "/api/runs", "/api/runs/active", "/api/tables", "/api/flows/sql-incremental", "/api/flows/events",
            "/api/flows/sql-incremental/loans/watermark", "/actuator/prometheus", "/v3/api-docs");

    /** Changes: operator only. Method, path, body. */
    static final List<String[]> CHANGES = List.of(
            new String[] {"POST", "/api/routes/sql-incremental-poll-loans/suspend", null},
            new String[] {"POST", "/api/routes/sql-incremental-poll-loans/resume", null},
            new String[] {"POST", "/api/routes/sql-incremental-poll-loans/stop", null},
            new String[] {"POST", "/api/flows/sql-incremental/loans/run", null},
            new String[] {"PUT", "/api/flows/sql-incremental/loans/watermark", "{\"value\":\"2001-01-01T00:00:00\"}"},
            new String[] {"DELETE", "/api/flows/sql-incremental/loans/watermark", null},
            new String[] {"POST", "/api/samples/lendingclub/inject?year=2016", null});

    @Test
    void everyEndpointNeedsTheRightRole(CapturedOutput output) {
        await().atMost(Duration.ofSeconds(120)).until(() -> operator.getForEntity("/api/runs?source=loans", List.class)
                .getBody().stream().anyMatch(r -> "SUCCEEDED".equals(((Map<?, ?>) r).get("status"))));
        await().atMost(Duration.ofSeconds(60)).until(() -> operator.getForEntity("/api/runs?source=orders", List.class)
                .getBody().stream().anyMatch(r -> "FAILED".equals(((Map<?, ?>) r).get("status"))));

        List<String> answers = new ArrayList<>();
        for (String path : READS) {
            ResponseEntity<String> anon = call(anonymous, null, "GET", path, null);
            assertThat(anon.getStatusCode()).as("anonymous GET %s", path).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(anon.getHeaders().getFirst("WWW-Authenticate")).isEqualTo("Basic realm=\"lakehub\"");
            ResponseEntity<String> asViewer = call(viewer, null, "GET", path, null);
            assertThat(asViewer.getStatusCode()).as("viewer GET %s", path).isEqualTo(HttpStatus.OK);
            assertThat(call(anonymous, VIEWER_TOKEN, "GET", path, null).getStatusCode()).as("viewer token GET %s", path)
                    .isEqualTo(HttpStatus.OK);
            assertThat(call(operator, null, "GET", path, null).getStatusCode()).as("operator GET %s", path)
                    .isEqualTo(HttpStatus.OK);
            answers.add(asViewer.getBody());
        }
        // a SQL query is a read although it is a POST (issue 15): viewer and operator, never anonymous
        String query = "{\"sql\": \"select count(*) as n from loans\"}";
        assertThat(call(anonymous, null, "POST", "/api/sql", query).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(call(viewer, null, "POST", "/api/sql", query).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(call(anonymous, VIEWER_TOKEN, "POST", "/api/sql", query).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(call(operator, null, "POST", "/api/sql", query).getStatusCode()).isEqualTo(HttpStatus.OK);

        // bad credentials of each kind are refused the same way
        assertThat(call(anonymous.withBasicAuth(TestUsers.VIEWER, "wrong"), null, "GET", "/api/flows", null).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(call(anonymous, "not-a-token", "GET", "/api/flows", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);

        for (String[] c : CHANGES) {
            assertThat(call(anonymous, null, c[0], c[1], c[2]).getStatusCode()).as("anonymous %s %s", c[0], c[1])
                    .isEqualTo(HttpStatus.UNAUTHORIZED);
            ResponseEntity<String> denied = call(viewer, null, c[0], c[1], c[2]);
            assertThat(denied.getStatusCode()).as("viewer %s %s", c[0], c[1]).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(denied.getBody()).contains("needs the operator role");
            assertThat(call(anonymous, VIEWER_TOKEN, c[0], c[1], c[2]).getStatusCode()).as("viewer token %s %s", c[0], c[1])
                    .isEqualTo(HttpStatus.FORBIDDEN);
            ResponseEntity<String> done = call(anonymous, OPERATOR_TOKEN, c[0], c[1], c[2]);
            assertThat(done.getStatusCode().is2xxSuccessful()).as("operator token %s %s: %s", c[0], c[1], done).isTrue();
            answers.add(done.getBody());
        }
        assertThat(call(anonymous.withBasicAuth("alice", ALICE_SECRET), null, "POST",
                "/api/routes/sql-incremental-poll-loans/start", null).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(call(operator, null, "POST", "/api/routes/no-such-route/start", null).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(call(operator, null, "POST", "/api/routes/sql-incremental-poll-loans/explode", null).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);

        // probes stay open but say nothing of the flows; an authenticated caller sees the components
        ResponseEntity<String> probe = call(anonymous, null, "GET", "/actuator/health", null);
        assertThat(probe.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(probe.getBody()).contains("\"status\"").doesNotContain("flows");
        assertThat(call(anonymous, null, "GET", "/actuator/health/liveness", null).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(call(anonymous, null, "GET", "/actuator/health/readiness", null).getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<String> detailed = call(viewer, null, "GET", "/actuator/health", null);
        assertThat(detailed.getBody()).contains("\"flows\"").contains("sql-incremental-orders");
        answers.add(detailed.getBody());

        // the console: operators only
        // (the client follows the redirect to the login form)
        ResponseEntity<String> login = call(anonymous, null, "GET", "/actuator/hawtio/", null);
        assertThat(login.getBody()).contains("name=\"username\"").contains("name=\"password\"").doesNotContain("hawtio-root");
        assertThat(call(viewer, null, "GET", "/actuator/hawtio/", null).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(call(operator, null, "GET", "/actuator/hawtio/", null).getStatusCode().is2xxSuccessful()
                || call(operator, null, "GET", "/actuator/hawtio/", null).getStatusCode().is3xxRedirection()).isTrue();

        // the OpenAPI description documents the operations
        String openapi = call(viewer, null, "GET", "/v3/api-docs", null).getBody();
        assertThat(openapi).contains("\"openapi\":\"3.").contains("/api/routes/{id}/{action}")
                .contains("/api/flows/sql-incremental/{source}/watermark").contains("/api/runs/active");

        // no secret anywhere: logs (start-up, failures, requests) and API answers
        for (String secret : List.of(DB_SECRET, BROKEN_DB_SECRET, ALICE_SECRET, OPERATOR_TOKEN, VIEWER_TOKEN,
                TestUsers.OPERATOR_SECRET, TestUsers.VIEWER_SECRET)) {
            assertThat(output.getAll()).as("log output").doesNotContain(secret);
            assertThat(answers).as("API answers").noneMatch(a -> a != null && a.contains(secret));
        }
        assertThat(output.getAll()).contains("sql-incremental orders");
    }

    private static ResponseEntity<String> call(TestRestTemplate http, String bearer, String method, String path, String body) {
        HttpHeaders headers = new HttpHeaders();
        if (bearer != null) {
            headers.setBearerAuth(bearer);
        }
        if (body != null) {
            headers.setContentType(MediaType.APPLICATION_JSON);
        }
        headers.setAccept(List.of(MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.ALL));
        return http.exchange(path, HttpMethod.valueOf(method), new HttpEntity<>(body, headers), String.class);
    }
}
