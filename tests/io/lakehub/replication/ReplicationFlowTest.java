package io.lakehub.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetFilesRows;
import io.lakehub.delta.ReplicaTable;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.sample.InsuranceComplaintsSample;
import io.lakehub.testsupport.Azurite;
import jakarta.mail.internet.MimeMessage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
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
 * The replication flow end to end through the running hub's HTTP API: the shipped insurance complaints
 * sample (silver/insurance_complaints, seeded at start) replicated per company to a local folder and to
 * a real Azurite Blob container, validated from the target, with lineage, and notified to a real SMTP
 * server (GreenMail) or the outbox.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplicationFlowTest {

    static final String ANTHEM = "Anthem Health Plans, Inc";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static final ServerSetup SMTP = new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    static GreenMail MAIL = new GreenMail(SMTP);
    static String blobConnection;

    static {
        MAIL.start();
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:replication;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sample.lendingclub.enabled", () -> "false");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.sample.insurance-complaints.enabled", () -> "true");
        registry.add("lakehub.replication.targets.replicas.type", () -> "local");
        registry.add("lakehub.replication.targets.replicas.root", () -> dir.resolve("replicas").toString());
        registry.add("lakehub.replication.smtp.host", () -> "127.0.0.1");
        registry.add("lakehub.replication.smtp.port", () -> MAIL.getSmtp().getPort());
        registry.add("lakehub.replication.smtp.from", () -> "lakehub@hub.test");
        registry.add("lakehub.replication.smtp.retry-delay", () -> "200");
        registry.add("lakehub.replication.smtp.timeout", () -> "2s");
        try {
            blobConnection = Azurite.blobConnectionString();
            registry.add("lakehub.replication.targets.partner-blob.type", () -> "blob");
            registry.add("lakehub.replication.targets.partner-blob.container", () -> "partner");
            registry.add("lakehub.replication.targets.partner-blob.path", () -> "from-lakehub");
            registry.add("lakehub.replication.targets.partner-blob.connection-string", () -> blobConnection);
        } catch (TestAbortedException e) {
            // no Azurite here: the Blob test skips itself with the reason (with CI=true it fails)
            blobConnection = null;
        }
    }

    @AfterAll
    static void stopMail() {
        MAIL.stop();
    }

    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @Autowired
    RunReplication runner;

    @Autowired
    org.apache.camel.CamelContext camel;

    @Autowired
    LakeStorage lake;

    @Autowired
    InsuranceComplaintsSample sample;

    @org.junit.jupiter.api.BeforeEach
    void sampleLanded() throws Exception {
        assertThat(sample.awaitSeeded(Duration.ofSeconds(60))).as("the sample table is landed at start").isTrue();
    }

    @AfterEach
    void clearHooks() throws Exception {
        FaultInjection.disarmAll();
        MAIL.purgeEmailFromAllMailboxes();
    }

    private ResponseEntity<Map> post(Map<String, Object> body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        try {
            return http.postForEntity("/api/replications", new HttpEntity<>(JSON.writeValueAsString(body), headers), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitFinished(String id) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Object> r = http.getForObject("/api/replications/" + id, Map.class);
            return ("SUCCEEDED".equals(r.get("status")) || "FAILED".equals(r.get("status")))
                    && r.get("notification") != null && ((Map<String, Object>) r.get("notification")).containsKey("status");
        });
        return http.getForObject("/api/replications/" + id, Map.class);
    }

    private static Map<String, Object> request(String requestId, String target, String path, String format) {
        return new java.util.LinkedHashMap<>(Map.of(
                "requestId", requestId,
                "table", "insurance_complaints",
                "columns", List.of("company", "file_no", "closed", "coverage", "conclusion", "recovery"),
                "filter", "company = '" + ANTHEM + "'",
                "target", target,
                "path", path,
                "format", format,
                "notify", List.of("claims-team@partner.test"),
                "requestedBy", "partner data team"));
    }

    /** Anthem rows in the shipped sample, counted from the CSV itself. */
    static long anthemRowsInSample() throws Exception {
        try (InputStream in = ReplicationFlowTest.class.getClassLoader().getResourceAsStream(InsuranceComplaintsSample.RESOURCE);
             CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                     .parse(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            long n = 0;
            for (CSVRecord r : p) {
                if (ANTHEM.equals(r.get("company"))) {
                    n++;
                }
            }
            return n;
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> checks(Map<String, Object> r) {
        return (List<Map<String, Object>>) ((Map<String, Object>) r.get("validation")).get("checks");
    }

    @Test
    @SuppressWarnings("unchecked")
    void replicatesOneCompanyToALocalFolderValidatesWritesLineageAndMails() throws Exception {
        long expected = anthemRowsInSample();
        assertThat(expected).isGreaterThan(100);
        ResponseEntity<Map> accepted = post(request("anthem-csv-1", "replicas", "insurance_complaints/anthem", "csv"));
        assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(accepted.getBody()).containsEntry("status", "QUEUED").containsEntry("sourceVersion", 0)
                .containsEntry("duplicate", false);
        String id = (String) accepted.getBody().get("id");
        assertThat(accepted.getHeaders().getLocation().toString()).isEqualTo("/api/replications/" + id);

        Map<String, Object> r = awaitFinished(id);
        assertThat(r).containsEntry("status", "SUCCEEDED").containsEntry("sourceVersion", 0);
        assertThat(((Number) r.get("rowsWritten")).longValue()).isEqualTo(expected);
        assertThat(((Number) r.get("rowsRead")).longValue()).isEqualTo(1902);
        assertThat((Map<String, Object>) r.get("validation")).containsEntry("status", "PASSED");
        assertThat(checks(r)).extracting(c -> c.get("name")).contains("files", "schema", "rowCount", "checksum:company",
                "checksum:recovery");
        assertThat(checks(r)).allSatisfy(c -> assertThat(c).containsEntry("passed", true));

        // the replica a user opens: every row is Anthem's, with the selected columns
        Path replica = dir.resolve("replicas/insurance_complaints/anthem");
        Path csv = replica.resolve("part-00000.csv");
        List<CSVRecord> rows;
        try (CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(csv))) {
            assertThat(p.getHeaderNames()).containsExactly("company", "file_no", "closed", "coverage", "conclusion", "recovery");
            rows = p.getRecords();
        }
        assertThat(rows).hasSize((int) expected).allSatisfy(row -> assertThat(row.get("company")).isEqualTo(ANTHEM));

        // the lineage manifest beside it; the requester is the authenticated user, not the body's claim
        Map<String, Object> lineage = JSON.readValue(replica.resolve("_lineage.json").toFile(), Map.class);
        assertThat(lineage).containsEntry("replicationId", id).containsEntry("requestId", "anthem-csv-1")
                .containsEntry("requestedBy", TestUsers.OPERATOR).containsEntry("filter", "company = '" + ANTHEM + "'")
                .containsEntry("rows", (int) expected).containsEntry("format", "csv");
        assertThat((Map<String, Object>) lineage.get("source")).containsEntry("table", "silver/insurance_complaints")
                .containsEntry("version", 0);
        List<Map<String, Object>> files = (List<Map<String, Object>>) lineage.get("files");
        assertThat(files).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("name", "part-00000.csv").containsEntry("size", (int) Files.size(csv));
            assertThat(f.get("sha256")).isEqualTo(sha256(csv));
        });
        assertThat((List<Object>) lineage.get("checksums")).hasSize(6);
        assertThat((List<Map<String, Object>>) lineage.get("schema")).last()
                .satisfies(c -> assertThat(c).containsEntry("name", "recovery").containsEntry("type", "decimal(14,2)"));
        assertThat((Map<String, Object>) lineage.get("validation")).containsEntry("status", "PASSED");
        try (Stream<Path> staging = Files.list(dir.resolve("replicas/.staging"))) {
            assertThat(staging).isEmpty();
        }

        // the mail in the inbox
        await().atMost(Duration.ofSeconds(30)).until(() -> MAIL.getReceivedMessages().length == 1);
        MimeMessage mail = MAIL.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("claims-team@partner.test");
        assertThat(mail.getSubject()).contains(id).contains("SUCCEEDED").contains("validation PASSED");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("Validation: PASSED").contains("[PASS] checksum:company").contains(expected + " replicated of 1902 read");
        assertThat((Map<String, Object>) r.get("notification")).containsEntry("channel", "smtp").containsEntry("status", "SENT");

        // the source table's history links to the replication
        List<Map<String, Object>> history = http.getForObject("/api/tables/insurance_complaints/history", List.class);
        assertThat(history).last().satisfies(h -> assertThat((List<Map<String, Object>>) h.get("replications"))
                .anySatisfy(link -> assertThat(link).containsEntry("id", id).containsEntry("status", "SUCCEEDED")));

        // the record survives a restart: a new store on the same lake finds it by request id
        ReplicationStore reloaded = new ReplicationStore(lake);
        assertThat(reloaded.byRequestId("anthem-csv-1").status).isEqualTo("SUCCEEDED");

        // the same request id again: the first replication, nothing run twice
        ResponseEntity<Map> again = post(request("anthem-csv-1", "replicas", "insurance_complaints/anthem-again", "csv"));
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(again.getBody()).containsEntry("id", id).containsEntry("duplicate", true).containsEntry("status", "SUCCEEDED");
        assertThat(dir.resolve("replicas/insurance_complaints/anthem-again")).doesNotExist();
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
    }

    /** The hub process dying at the point of the seam: nothing after it runs, the record is not saved again. */
    static final class HubKilled extends Error {
        HubKilled() {
            super("simulated kill between publish and validation");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCrashBetweenPublishAndValidationShowsNoLineageAndTheResumedRunValidatesAndMailsRowsRead() throws Exception {
        long expected = anthemRowsInSample();
        Path replica = dir.resolve("replicas/killed/after-publish");
        List<String> seen = new ArrayList<>();
        String id;
        // the request is accepted and queued while the run route is stopped, so this test runs the first
        // attempt itself and kills it at the seam; the queued id then plays the requeue of the restart
        camel.getRouteController().stopRoute("replication-run");
        try {
            id = (String) post(request("anthem-crash-publish-1", "replicas", "killed/after-publish", "parquet")).getBody()
                    .get("id");
            FaultInjection.arm(FaultPoint.REPLICATION_AFTER_PUBLISH, replication -> {
                // what a consumer of the target sees between publish and validation
                try (Stream<Path> files = Files.list(replica)) {
                    files.forEach(f -> seen.add(f.getFileName().toString()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new HubKilled();
            });
            org.apache.camel.Exchange attempt = new org.apache.camel.support.DefaultExchange(camel);
            attempt.getMessage().setBody(id);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.process(attempt)).isInstanceOf(HubKilled.class);
            FaultInjection.disarm(FaultPoint.REPLICATION_AFTER_PUBLISH);
        } finally {
            camel.getRouteController().startRoute("replication-run");
        }
        assertThat(seen).as("the published replica before validation").contains(RunReplication.PENDING_LINEAGE)
                .doesNotContain(RunReplication.LINEAGE).anyMatch(f -> f.endsWith(".parquet"));

        Map<String, Object> r = awaitFinished(id);
        assertThat(r).containsEntry("status", "SUCCEEDED");
        assertThat((Map<String, Object>) r.get("validation")).containsEntry("status", "PASSED");
        assertThat(((Number) r.get("rowsWritten")).longValue()).isEqualTo(expected);
        assertThat(r.get("rowsRead")).as("rows read, restored by the resumed run").isNotNull();
        assertThat(((Number) r.get("rowsRead")).longValue()).isEqualTo(1902);

        // now the marker is there, validated, and the pending manifest is gone
        Map<String, Object> lineage = JSON.readValue(replica.resolve(RunReplication.LINEAGE).toFile(), Map.class);
        assertThat(lineage).containsEntry("replicationId", id).containsEntry("rowsRead", 1902);
        assertThat((Map<String, Object>) lineage.get("validation")).containsEntry("status", "PASSED");
        assertThat(replica.resolve(RunReplication.PENDING_LINEAGE)).doesNotExist();

        await().atMost(Duration.ofSeconds(30)).until(() -> MAIL.getReceivedMessages().length == 1);
        String body = GreenMailUtil.getBody(MAIL.getReceivedMessages()[0]);
        assertThat(body).contains(expected + " replicated of 1902 read").doesNotContain("of null read")
                .contains("Validation: PASSED");
    }

    @Test
    @SuppressWarnings("unchecked")
    void deltaAndParquetReplicasValidateAndAreReadableAsTheirFormat() throws Exception {
        long expected = anthemRowsInSample();
        String delta = (String) post(request("anthem-delta-1", "replicas", "delta/anthem", "delta")).getBody().get("id");
        String parquet = (String) post(request("anthem-parquet-1", "replicas", "parquet/anthem", "parquet")).getBody().get("id");
        for (String id : List.of(delta, parquet)) {
            Map<String, Object> r = awaitFinished(id);
            assertThat(r).containsEntry("status", "SUCCEEDED");
            assertThat((Map<String, Object>) r.get("validation")).containsEntry("status", "PASSED");
        }
        Path table = dir.resolve("replicas/delta/anthem");
        assertThat(table.resolve("_delta_log/00000000000000000000.json")).exists();
        assertThat(ReplicaTable.schema(table).names()).containsExactly("company", "file_no", "closed", "coverage",
                "conclusion", "recovery");
        long n = 0;
        try (ParquetFilesRows rows = ReplicaTable.rows(table, ReplicaTable.schema(table))) {
            while (rows.hasNext()) {
                assertThat(rows.next()[0]).isEqualTo(ANTHEM);
                n++;
            }
        }
        assertThat(n).isEqualTo(expected);
        try (Stream<Path> files = Files.list(dir.resolve("replicas/parquet/anthem"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(f -> f.matches("part-.*\\.snappy\\.parquet")).contains("_lineage.json");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCorruptedReplicaFailsValidationAndTheMailSaysSo() throws Exception {
        FaultInjection.arm(FaultPoint.REPLICATION_AFTER_PUBLISH, replication -> {
            Path csv = dir.resolve("replicas/corrupt/anthem/part-00000.csv");
            try {
                String text = Files.readString(csv);
                // one company name altered in place, same length: only the content checks can see it
                Files.writeString(csv, text.replaceFirst("\"Anthem Health Plans, Inc\"", "\"Anthem Health Plans, Ind\""));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String id = (String) post(request("anthem-corrupt-1", "replicas", "corrupt/anthem", "csv")).getBody().get("id");
        Map<String, Object> r = awaitFinished(id);
        assertThat(r).containsEntry("status", "FAILED");
        assertThat((Map<String, Object>) r.get("validation")).containsEntry("status", "FAILED");
        assertThat(checks(r)).filteredOn(c -> Boolean.FALSE.equals(c.get("passed"))).extracting(c -> c.get("name"))
                .containsExactlyInAnyOrder("files", "checksum:company");
        assertThat(checks(r)).filteredOn(c -> "rowCount".equals(c.get("name"))).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("passed", true));
        assertThat((String) r.get("error")).contains("validation failed: files, checksum:company");
        // no completion marker for a copy that failed validation: its manifest keeps the pending name
        assertThat(dir.resolve("replicas/corrupt/anthem/_lineage.json")).doesNotExist();
        Map<String, Object> lineage = JSON.readValue(dir.resolve("replicas/corrupt/anthem/_lineage.pending.json").toFile(),
                Map.class);
        assertThat((Map<String, Object>) lineage.get("validation")).containsEntry("status", "FAILED");

        await().atMost(Duration.ofSeconds(30)).until(() -> MAIL.getReceivedMessages().length == 1);
        MimeMessage mail = MAIL.getReceivedMessages()[0];
        assertThat(mail.getSubject()).contains(id).contains("FAILED").contains("validation FAILED");
        assertThat(GreenMailUtil.getBody(mail)).contains("Validation: FAILED").contains("[FAIL] checksum:company")
                .contains("[FAIL] files").contains("[PASS] rowCount");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCrashMidCopyLeavesNoVisiblePartialReplica() throws Exception {
        Map<String, java.util.concurrent.atomic.AtomicLong> written = new java.util.concurrent.ConcurrentHashMap<>();
        FaultInjection.arm(FaultPoint.REPLICATION_ROW_WRITTEN, replication -> {
            if (written.computeIfAbsent(replication, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet() == 100) {
                throw new IllegalStateException("simulated crash after 100 rows");
            }
        });
        String id = (String) post(request("anthem-crash-1", "replicas", "crash/anthem", "parquet")).getBody().get("id");
        Map<String, Object> r = awaitFinished(id);
        assertThat(r).containsEntry("status", "FAILED");
        assertThat((String) r.get("error")).contains("simulated crash after 100 rows");
        assertThat(dir.resolve("replicas/crash")).doesNotExist();
        try (Stream<Path> staging = Files.list(dir.resolve("replicas/.staging"))) {
            assertThat(staging).isEmpty();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> MAIL.getReceivedMessages().length == 1);
        assertThat(MAIL.getReceivedMessages()[0].getSubject()).contains("FAILED");
        assertThat(GreenMailUtil.getBody(MAIL.getReceivedMessages()[0])).contains("simulated crash after 100 rows")
                .contains("Validation: not run");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMalformedJsonBodyIsRefusedWithTheReplicationRequestExampleAndTheParseLocation() throws Exception {
        int recordsBefore = http.getForObject("/api/replications?limit=1000", List.class).size();
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        // a missing comma after the table name, on line 3 of the body
        String body = "{\n  \"requestId\": \"malformed-1\",\n  \"table\": \"insurance_complaints\"\n  \"target\": \"replicas\"\n}";
        ResponseEntity<Map> r = http.postForEntity("/api/replications", new HttpEntity<>(body, headers), Map.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        String error = (String) r.getBody().get("error");
        assertThat(error).contains("not valid JSON for a replication request").contains("line 4, column")
                .contains("\"requestId\"").contains("\"target\"").doesNotContain("\"tag\"");

        ResponseEntity<Map> wrongShape = http.postForEntity("/api/replications",
                new HttpEntity<>("[\"insurance_complaints\"]", headers), Map.class);
        assertThat(wrongShape.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) wrongShape.getBody().get("error")).contains("not valid JSON for a replication request")
                .contains("line 1, column 1");

        // the tag endpoint still answers with its own example
        ResponseEntity<Map> tag = http.postForEntity("/api/tables/insurance_complaints/tags",
                new HttpEntity<>("{\"tag\": v1}", headers), Map.class);
        assertThat(tag.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) tag.getBody().get("error")).contains("not valid JSON for a tag request").contains("\"tag\":\"v2015\"");

        assertThat(http.getForObject("/api/replications?limit=1000", List.class)).hasSize(recordsBefore);
    }

    @Test
    @SuppressWarnings("unchecked")
    void badRequestsAreRefusedWith400AndWriteNothing() throws Exception {
        int recordsBefore = http.getForObject("/api/replications?limit=1000", List.class).size();

        Map<String, Object> unknownTarget = request("bad-target-1", "somewhere-else", "x/anthem", "csv");
        ResponseEntity<Map> r1 = post(unknownTarget);
        assertThat(r1.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) r1.getBody().get("error")).contains("somewhere-else").contains("not a configured replication target");

        for (String escape : List.of("../outside", "a/../../outside", "/tmp/outside", ".staging/x", "a//b", "C:\\x")) {
            ResponseEntity<Map> r = post(request("bad-path-" + Math.abs(escape.hashCode()), "replicas", escape, "csv"));
            assertThat(r.getStatusCode()).as(escape).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat((String) r.getBody().get("error")).as(escape).containsAnyOf("inside the target", "relative", "segment");
        }

        Map<String, Object> badFilter = request("bad-filter-1", "replicas", "x/filter", "csv");
        badFilter.put("filter", "company = 'x' OR 1=1; DROP TABLE t");
        ResponseEntity<Map> r3 = post(badFilter);
        assertThat(r3.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) r3.getBody().get("error")).contains("filter error at position 17");

        Map<String, Object> badColumn = request("bad-column-1", "replicas", "x/column", "csv");
        badColumn.put("columns", List.of("company", "ssn"));
        assertThat(post(badColumn).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);

        Map<String, Object> badMail = request("bad-mail-1", "replicas", "x/mail", "csv");
        badMail.put("notify", List.of("not a mail address"));
        assertThat(post(badMail).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);

        Map<String, Object> noId = request("x", "replicas", "x/noid", "csv");
        noId.remove("requestId");
        assertThat(post(noId).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);

        Map<String, Object> unknownTable = request("bad-table-1", "replicas", "x/table", "csv");
        unknownTable.put("table", "no_such_table");
        assertThat(post(unknownTable).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);

        assertThat(dir.resolve("outside")).doesNotExist();
        assertThat(dir.resolve("replicas/x")).doesNotExist();
        assertThat(http.getForObject("/api/replications?limit=1000", List.class)).hasSize(recordsBefore);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutRecipientsTheMailGoesToTheOutbox() throws Exception {
        Map<String, Object> req = request("anthem-outbox-1", "replicas", "outbox/anthem", "csv");
        req.remove("notify");
        Map<String, Object> r = awaitFinished((String) post(req).getBody().get("id"));
        assertThat(r).containsEntry("status", "SUCCEEDED");
        Map<String, Object> n = (Map<String, Object>) r.get("notification");
        assertThat(n).containsEntry("channel", "outbox").containsEntry("status", "WRITTEN");
        Path eml = dir.resolve("lake").resolve((String) n.get("file"));
        String text = Files.readString(eml);
        assertThat(text).contains("Subject: [lakehub] replication " + r.get("id")).contains("Validation: PASSED");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anSmtpOutageIsRetriedThenTheMailIsKeptInTheOutboxAndTheReplicationStillSucceeds() throws Exception {
        MAIL.stop();
        try {
            Map<String, Object> r = awaitFinished((String) post(request("anthem-smtp-down-1", "replicas", "smtp-down/anthem",
                    "csv")).getBody().get("id"));
            assertThat(r).containsEntry("status", "SUCCEEDED");
            Map<String, Object> n = (Map<String, Object>) r.get("notification");
            assertThat(n).containsEntry("channel", "outbox").containsEntry("status", "FAILED").containsEntry("attempts", 3);
            assertThat(Files.readString(dir.resolve("lake").resolve((String) n.get("file")))).contains("Validation: PASSED");
        } finally {
            // the same port again: the hub's configuration still points at it
            MAIL = new GreenMail(SMTP);
            MAIL.start();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void replicatesToARealAzuriteBlobContainerWithoutVisiblePartialBlobs() throws Exception {
        String cs = Azurite.blobConnectionString();
        long expected = anthemRowsInSample();
        Map<String, Object> r = awaitFinished((String) post(request("anthem-blob-1", "partner-blob", "insurance/anthem",
                "delta")).getBody().get("id"));
        assertThat(r).containsEntry("status", "SUCCEEDED").containsEntry("targetType", "blob");
        assertThat((Map<String, Object>) r.get("validation")).containsEntry("status", "PASSED");
        assertThat(((Number) r.get("rowsWritten")).longValue()).isEqualTo(expected);

        BlobContainerClient container = new BlobServiceClientBuilder().connectionString(cs).buildClient()
                .getBlobContainerClient("partner");
        List<String> names = new ArrayList<>();
        for (BlobItem b : container.listBlobs()) {
            names.add(b.getName());
        }
        assertThat(names).contains("from-lakehub/insurance/anthem/_lineage.json",
                "from-lakehub/insurance/anthem/_delta_log/00000000000000000000.json")
                .anyMatch(n -> n.matches("from-lakehub/insurance/anthem/part-.*\\.snappy\\.parquet"));
        Map<String, Object> lineage = JSON.readValue(container.getBlobClient("from-lakehub/insurance/anthem/_lineage.json")
                .downloadContent().toBytes(), Map.class);
        assertThat(lineage).containsEntry("replicationId", r.get("id"));
        assertThat((Map<String, Object>) lineage.get("validation")).containsEntry("status", "PASSED");

        // a crash in the middle of the copy: no blob of that replica becomes visible
        Map<String, java.util.concurrent.atomic.AtomicLong> written = new java.util.concurrent.ConcurrentHashMap<>();
        FaultInjection.arm(FaultPoint.REPLICATION_ROW_WRITTEN, replication -> {
            if (written.computeIfAbsent(replication, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet() == 50) {
                throw new IllegalStateException("simulated crash after 50 rows");
            }
        });
        Map<String, Object> crashed = awaitFinished((String) post(request("anthem-blob-crash-1", "partner-blob",
                "insurance/crashed", "csv")).getBody().get("id"));
        assertThat(crashed).containsEntry("status", "FAILED");
        List<String> after = new ArrayList<>();
        for (BlobItem b : container.listBlobs()) {
            after.add(b.getName());
        }
        assertThat(after).noneMatch(n -> n.startsWith("from-lakehub/insurance/crashed"));
    }
}
