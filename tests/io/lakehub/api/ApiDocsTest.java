package io.lakehub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeAll;
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
 * The OpenAPI document of the running hub ({@code GET /v3/api-docs}) describes every answer and every error
 * (issue 14, "Typed API"): each operation has a 2xx response whose every media type has a typed schema (a
 * component with properties, an array of one, or a binary string for a file download; a 204 has no body), each
 * error response references {@link ApiError} (or {@link NotLeaderError}), and the components of the answers
 * hold the fields the README and the API tests read. An answer declared as {@code Map<String, Object>} shows as
 * an object with no properties and fails here.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiDocsTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:api-docs;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sample.lendingclub.enabled", () -> "false");
    }

    /** The error bodies an error response may reference. */
    private static final Set<String> ERRORS = Set.of("#/components/schemas/ApiError", "#/components/schemas/NotLeaderError");

    /**
     * Properties whose content the data decides, not the API: a row of a table and the key values of a diff (the
     * table's schema), a commit's user metadata (any JSON its writer put), an alert (its rule's fields), the
     * flow-specific figures of a run. The replication record's files, checksums, validation and notification are
     * maps its package keeps (and its tests read); they are listed here until that record is typed. Any other
     * object without properties is an answer someone left untyped.
     */
    private static final Set<String> FREE_FORM = Set.of("TableRows.rows", "DiffKeys.inserted", "DiffKeys.updated",
            "DiffKeys.deleted", "TableCommit.userMetadata", "AggregatesStatus.alerts", "Run.details",
            "Replication.files", "Replication.checksums", "Replication.validation", "Replication.notification");

    @Autowired
    TestRestTemplate anonymous;

    static JsonNode docs;

    @BeforeAll
    static void clearDocs() {
        docs = null;
    }

    private JsonNode docs() throws Exception {
        if (docs == null) {
            ResponseEntity<String> r = TestUsers.viewer(anonymous).getForEntity("/v3/api-docs", String.class);
            assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
            Files.writeString(Path.of("target", "api-docs.json"), r.getBody()); // for a reader of a failure
            docs = new ObjectMapper().readTree(r.getBody());
        }
        return docs;
    }

    @Test
    void everyOperationAnswersATypedSchema() throws Exception {
        JsonNode doc = docs();
        List<String> operations = new ArrayList<>();
        List<String> untyped = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                operations.add(name);
                boolean answered = false;
                for (Iterator<Map.Entry<String, JsonNode>> rs = op.getValue().path("responses").fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    if (!r.getKey().startsWith("2")) {
                        continue;
                    }
                    if (r.getKey().equals("204")) {
                        answered = true;
                        continue;
                    }
                    JsonNode content = r.getValue().path("content");
                    if (content.isEmpty()) {
                        untyped.add(name + " " + r.getKey() + ": no content");
                        continue;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> media = content.fields(); media.hasNext(); ) {
                        Map.Entry<String, JsonNode> m = media.next();
                        String why = untypedAnswer(doc, m.getKey(), m.getValue().path("schema"));
                        if (why != null) {
                            untyped.add(name + " " + r.getKey() + " " + m.getKey() + ": " + why);
                        }
                    }
                    answered = true;
                }
                if (!answered) {
                    untyped.add(name + ": no 2xx response");
                }
            }
        }
        assertThat(operations).as("operations in the document")
                .contains("GET /api/tables", "GET /api/tables/{name}/export", "POST /api/replications",
                        "POST /api/sql", "GET /api/flows/events/generator", "DELETE /api/tables/{name}/tags/{tag}")
                .hasSizeGreaterThan(30);
        assertThat(untyped).as("answers without a typed schema").isEmpty();
    }

    @Test
    void everyOperationDeclaresItsErrorsWithTheErrorSchema() throws Exception {
        JsonNode doc = docs();
        List<String> wrong = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode responses = op.getValue().path("responses");
                for (String code : List.of("400", "404", "409")) {
                    if (!responses.has(code)) {
                        wrong.add(name + ": no " + code);
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> rs = responses.fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    if (r.getKey().startsWith("2")) {
                        continue;
                    }
                    JsonNode content = r.getValue().path("content");
                    if (content.isEmpty()) {
                        wrong.add(name + " " + r.getKey() + ": no content");
                    }
                    content.forEach(m -> {
                        if (!ERRORS.contains(m.path("schema").path("$ref").asText())) {
                            wrong.add(name + " " + r.getKey() + ": " + m.path("schema"));
                        }
                    });
                }
            }
        }
        assertThat(wrong).as("error responses without the error schema").isEmpty();
        assertThat(properties(doc, "ApiError")).containsExactly("status", "error");
        assertThat(properties(doc, "NotLeaderError")).contains("status", "error", "source", "instance", "leader");
        JsonNode export = doc.at("/paths/~1api~1tables~1{name}~1export/get/responses");
        assertThat(export.path("410").path("content").toString()).as("a version VACUUM removed").contains("ApiError");
        assertThat(export.path("422").path("content").toString()).as("a Delta feature the hub does not read")
                .contains("ApiError");
    }

    @Test
    void theAnswersHoldTheirFields() throws Exception {
        JsonNode doc = docs();
        assertThat(properties(doc, "TableSummary")).contains("name", "path", "version", "files", "rows", "bytes",
                "protocol", "readable", "reason", "error");
        assertThat(properties(doc, "TableVersionView")).contains("name", "version", "timestamp", "tags", "readable",
                "columns", "properties");
        assertThat(properties(doc, "ColumnView")).containsExactly("name", "type", "nullable");
        assertThat(properties(doc, "TableCommit")).contains("version", "timestamp", "operation", "operationMetrics",
                "replications");
        assertThat(properties(doc, "TableDiff")).contains("table", "from", "to", "keyColumns", "inserted", "updated",
                "deleted", "copied", "filesRead", "keys");
        assertThat(properties(doc, "TagChange")).contains("table", "tag", "version", "previousVersion", "tableVersion");
        assertThat(properties(doc, "RouteView")).contains("id", "flow", "state", "uptimeMs", "exchangesTotal",
                "exchangesFailed", "exchangesInflight", "lastError");
        assertThat(properties(doc, "SqlSourceView")).contains("source", "watermark", "lastRun", "instance", "polling",
                "leader");
        assertThat(properties(doc, "WatermarkChange")).contains("watermark", "previous", "committed", "tableVersion");
        assertThat(properties(doc, "EventsFlow")).contains("hub", "transport", "counters", "hubs");
        assertThat(properties(doc, "HubCounters")).contains("bronze", "valid", "quarantined", "lastBatchAt", "lastError");
        assertThat(properties(doc, "FilesFlow")).contains("landing", "kinds", "counters", "lastRun", "files");
        assertThat(properties(doc, "TmdbFlow")).contains("enabled", "auth", "lists", "runs");
        assertThat(properties(doc, "ReplicationAccepted")).contains("id", "requestId", "status", "location", "duplicate");
        assertThat(properties(doc, "GeneratorStatus")).contains("running", "mode", "rate", "published", "endedAt");
        assertThat(properties(doc, "OptimizeResult")).contains("committed", "version", "filesRemoved", "durationMs");

        // nested fields are typed too, except the ones whose shape the data decides
        List<String> untyped = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> cs = doc.at("/components/schemas").fields(); cs.hasNext(); ) {
            Map.Entry<String, JsonNode> c = cs.next();
            for (Iterator<Map.Entry<String, JsonNode>> ps = c.getValue().path("properties").fields(); ps.hasNext(); ) {
                Map.Entry<String, JsonNode> p = ps.next();
                JsonNode s = p.getValue().has("items") ? p.getValue().get("items") : p.getValue();
                if (freeForm(s) && !FREE_FORM.contains(c.getKey() + "." + p.getKey())) {
                    untyped.add(c.getKey() + "." + p.getKey() + ": " + p.getValue());
                }
            }
        }
        assertThat(untyped).as("nested fields without a typed schema").isEmpty();
    }

    /** Swagger UI reads the same document, for a viewer; an anonymous caller is asked for credentials. */
    @Test
    void swaggerUiShowsTheDocument() {
        ResponseEntity<String> ui = TestUsers.viewer(anonymous).getForEntity("/swagger-ui/index.html", String.class);
        assertThat(ui.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ui.getBody()).contains("Swagger UI");
        ResponseEntity<String> config = TestUsers.viewer(anonymous).getForEntity("/v3/api-docs/swagger-config", String.class);
        assertThat(config.getBody()).contains("\"/v3/api-docs\"");
        assertThat(anonymous.getForEntity("/swagger-ui/index.html", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    /** The check itself: a {@code Map<String, Object>} answer, as springdoc writes it, is refused. */
    @Test
    void aMapAnswerCountsAsUntyped() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode doc = json.readTree("{\"components\":{\"schemas\":{\"Typed\":{\"type\":\"object\",\"properties\":"
                + "{\"name\":{\"type\":\"string\"}}},\"Empty\":{\"type\":\"object\"}}}}");
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"object\"}}")))
                .isNotNull();
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"type\":\"object\",\"additionalProperties\":{}}"))).isNotNull();
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"type\":\"array\",\"items\":{\"type\":\"object\","
                + "\"additionalProperties\":{\"type\":\"object\"}}}"))).isNotNull();
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"$ref\":\"#/components/schemas/Empty\"}"))).isNotNull();
        assertThat(untypedAnswer(doc, "application/json", json.readTree("{\"type\":\"string\",\"format\":\"binary\"}")))
                .isNotNull();
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"$ref\":\"#/components/schemas/Typed\"}"))).isNull();
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"type\":\"array\",\"items\":"
                + "{\"$ref\":\"#/components/schemas/Typed\"}}"))).isNull();
        assertThat(untypedAnswer(doc, "text/csv", json.readTree("{\"type\":\"string\",\"format\":\"binary\"}"))).isNull();
        assertThat(untypedAnswer(doc, "*/*", json.readTree("{\"type\":\"object\",\"additionalProperties\":"
                + "{\"type\":\"string\"}}"))).as("a map of names to text is typed").isNull();
    }

    /**
     * Why an answer's schema is not typed, or null when it is: a {@code $ref} to a component with properties, an
     * array of typed items, a map of names to a typed value, or (for a media type other than JSON) a binary string.
     */
    static String untypedAnswer(JsonNode doc, String mediaType, JsonNode schema) {
        if (schema.isMissingNode() || schema.isEmpty()) {
            return "no schema";
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            JsonNode component = doc.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1));
            if (component.isMissingNode()) {
                return "missing component " + ref;
            }
            return component.path("properties").isEmpty() ? "component " + ref + " has no properties" : null;
        }
        String type = schema.path("type").asText();
        if (type.equals("array")) {
            return untypedAnswer(doc, mediaType, schema.path("items"));
        }
        if (type.equals("string") && "binary".equals(schema.path("format").asText())) {
            return mediaType.contains("json") ? "a binary string for JSON" : null;
        }
        if (freeForm(schema)) {
            return "an object without properties: " + schema;
        }
        if (type.equals("object") && schema.path("properties").isEmpty()) {
            return untypedAnswer(doc, mediaType, schema.path("additionalProperties"));
        }
        return type.isEmpty() ? "no type: " + schema : null;
    }

    /**
     * Whether a schema is an object whose fields nobody described: no properties and no reference, and its
     * values (additionalProperties) absent, {@code true}, empty, or such an object again.
     */
    static boolean freeForm(JsonNode schema) {
        if (schema.has("$ref") || !schema.path("properties").isEmpty()) {
            return false;
        }
        String type = schema.path("type").asText();
        if (!type.equals("object") && !type.isEmpty()) {
            return false;
        }
        JsonNode values = schema.path("additionalProperties");
        if (values.isMissingNode() || values.isBoolean() || values.isEmpty()) {
            return true;
        }
        return freeForm(values);
    }

    private static List<String> properties(JsonNode doc, String component) {
        JsonNode c = doc.at("/components/schemas/" + component);
        assertThat(c.isMissingNode()).as("component " + component).isFalse();
        List<String> out = new ArrayList<>();
        c.path("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }
}
