package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.LakehubApplication;
import io.lakehub.testsupport.TestUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * files-ingest across a restart of the hub (issue 12, defects 6 and 14), two hubs one after the other
 * in this JVM on one lake and one landing folder: a 0-byte file that an older hub left in the landing
 * folder with its {@code .camelLock} is quarantined at the next start; the counters and recent files
 * that {@code GET /api/flows/files-ingest} shows after a restart are those before it, the runs are in
 * {@code GET /api/runs} again, and the counters go on from there.
 */
class FilesIngestRestartTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SAMPLES = Path.of("tests/resources/imdb");
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    ConfigurableApplicationContext start(String database) {
        return new SpringApplicationBuilder(LakehubApplication.class).run(
                "--server.port=0",
                "--lakehub.lake.root=" + dir.resolve("lake"),
                "--spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1",
                "--lakehub.sql.tables[0].name=loans",
                "--lakehub.sql.tables[0].table=loans",
                "--lakehub.sql.tables[0].keys[0]=id",
                "--lakehub.sql.tables[0].watermark-column=updated_at",
                "--lakehub.sql.tables[0].enabled=false",
                "--lakehub.events.enabled=false",
                "--lakehub.files.landing=" + dir.resolve("landing"),
                "--lakehub.files.archive=" + dir.resolve("archive"),
                "--lakehub.files.poll-delay=200ms",
                "--lakehub.files.settle-time=200ms");
    }

    static TestRestTemplate http(ConfigurableApplicationContext hub) {
        String port = hub.getEnvironment().getProperty("local.server.port");
        return TestUsers.operator(new TestRestTemplate(new RestTemplateBuilder().rootUri("http://127.0.0.1:" + port)));
    }

    /** GET as JSON: the test client could read XML too, and would ask for it first. */
    static JsonNode get(TestRestTemplate http, String path) throws IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.setAccept(List.of(MediaType.APPLICATION_JSON));
        ResponseEntity<String> r = http.exchange(path, HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(r.getStatusCode().is2xxSuccessful()).as("GET %s: %s", path, r.getBody()).isTrue();
        return JSON.readTree(r.getBody());
    }

    static JsonNode flow(TestRestTemplate http) throws IOException {
        return get(http, "/api/flows/files-ingest?limit=100");
    }

    void land(Path source, String name) throws IOException {
        Path hidden = dir.resolve("landing").resolve("." + name + ".part");
        Files.copy(source, hidden, StandardCopyOption.REPLACE_EXISTING);
        Files.move(hidden, dir.resolve("landing").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    List<String> landingFolder() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("landing"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    static long rows(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            byte[] all = in.readAllBytes();
            long lines = 0;
            for (byte b : all) {
                lines += b == '\n' ? 1 : 0;
            }
            return lines - 1;
        }
    }

    @Test
    void aZeroByteFileLeftByAnOlderHubIsQuarantinedAtStart() throws IOException {
        // what a hub of today's main leaves behind: a 0-byte file it never took, and its lock marker
        Files.createDirectories(dir.resolve("landing"));
        String empty = "title.ratings-2025-03-01.tsv.gz";
        Files.createFile(dir.resolve("landing").resolve(empty));
        Files.createFile(dir.resolve("landing").resolve(empty + ".camelLock"));
        try (ConfigurableApplicationContext hub = start("files-restart-0")) {
            TestRestTemplate http = http(hub);
            await().atMost(WAIT).until(() -> flow(http).at("/counters/quarantined").asLong() == 1);
            await().atMost(WAIT).untilAsserted(() -> assertThat(landingFolder()).as("no file, no .camelLock").isEmpty());
            assertThat(dir.resolve("lake/quarantine/files/title.ratings").resolve(LocalDate.now(ZoneOffset.UTC).toString())
                    .resolve(empty + ".reason.json")).exists();
            JsonNode runs = get(http, "/api/runs?source=" + empty);
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).get("status").asText()).isEqualTo("QUARANTINED");
            assertThat(runs.get(0).get("error").asText()).startsWith("empty file: 0 bytes");
        }
    }

    @Test
    void countersAndRecentFilesSurviveARestart() throws IOException {
        Files.createDirectories(dir.resolve("landing"));
        Path ratings = SAMPLES.resolve("dump2025/title.ratings.tsv.gz");
        long ratingRows = rows(ratings);
        byte[] whole = Files.readAllBytes(SAMPLES.resolve("dump2025/title.basics.tsv.gz"));
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        String truncated = "title.basics-2025-03-02.tsv.gz";

        JsonNode before;
        try (ConfigurableApplicationContext first = start("files-restart-1")) {
            TestRestTemplate http = http(first);
            land(cut, truncated);
            await().atMost(WAIT).until(() -> flow(http).at("/counters/quarantined").asLong() == 1);
            land(ratings, "title.ratings.tsv.gz");
            await().atMost(WAIT).until(() -> flow(http).at("/counters/files").asLong() == 1);
            before = flow(http);
        }
        assertThat(before.at("/counters/rows").asLong()).isEqualTo(ratingRows);
        assertThat(before.get("files")).hasSize(2);

        try (ConfigurableApplicationContext second = start("files-restart-2")) {
            TestRestTemplate http = http(second);
            JsonNode after = flow(http);
            assertThat(after.get("counters")).as("counters read back from the run history").isEqualTo(before.get("counters"));
            assertThat(after.get("files")).as("recent files read back from the run history").isEqualTo(before.get("files"));
            assertThat(after.get("lastRun")).isEqualTo(before.get("lastRun"));
            JsonNode runs = get(http, "/api/runs?source=" + truncated);
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).get("status").asText()).isEqualTo("QUARANTINED");
            assertThat(runs.get(0).get("error").asText()).startsWith("truncated gzip");
            JsonNode health = get(http, "/actuator/health/flows");
            assertThat(health.at("/components/files-ingest-title.ratings/status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/files-ingest-title.basics/status").asText()).as("still held").isEqualTo("DEGRADED");

            // and they go on from there
            land(SAMPLES.resolve("dump2025/title.crew.tsv.gz"), "title.crew.tsv.gz");
            await().atMost(WAIT).until(() -> flow(http).at("/counters/files").asLong() == 2);
            JsonNode now = flow(http);
            assertThat(now.at("/counters/rows").asLong()).isEqualTo(ratingRows + rows(SAMPLES.resolve("dump2025/title.crew.tsv.gz")));
            assertThat(now.at("/counters/quarantined").asLong()).isEqualTo(1);
            assertThat(now.get("files")).hasSize(3);
            assertThat(landingFolder()).isEmpty();
        }
    }
}
