package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Row-level rejects through the running hub, with {@code lakehub.files.max-bad-rows: 5} and IMDB's declared
 * title.ratings kind: a real ratings dump with 3 broken lines (a missing value, a non-number in the int column
 * numVotes, an extra value) lands every good row in silver, and the 3 lines are in
 * {@code quarantine/files/title.ratings/<date>/<name>.<runId>.rejects.jsonl} with their line numbers, reasons
 * and original text; the per-file counters are in {@code GET /api/flows/files-ingest}. A dump with 10 broken
 * lines (above 5) lands nothing, is quarantined whole with the reason, and the table keeps its version.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesRowRejectsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path RATINGS = Path.of("tests/resources/imdb/dump2025/title.ratings.tsv.gz");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:files-rejects;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.events.enabled", () -> "false");
        registry.add("lakehub.files.landing", () -> dir.resolve("landing").toString());
        registry.add("lakehub.files.archive", () -> dir.resolve("archive").toString());
        registry.add("lakehub.files.poll-delay", () -> "200ms");
        registry.add("lakehub.files.settle-time", () -> "200ms");
        registry.add("lakehub.files.max-bad-rows", () -> "5");
    }

    @Autowired
    LakeStorage lake;
    @Autowired
    FilesIngestStatus status;
    @Autowired
    TestRestTemplate anonymous;

    static void land(List<String> lines, String name) throws IOException {
        Path landing = dir.resolve("landing");
        Files.createDirectories(landing);
        Path hidden = landing.resolve("." + name + ".part");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hidden))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.move(hidden, landing.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    long counter(String name) {
        return (Long) status.counters().get(name);
    }

    long rows(String table) throws IOException {
        DeltaTable t = new DeltaTable(lake, table);
        long n = 0;
        try (DeltaTable.RowIterator it = t.rows(t.latest())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    Path quarantineDay(String kind) {
        return dir.resolve("lake/quarantine/files").resolve(kind).resolve(LocalDate.now(ZoneOffset.UTC).toString());
    }

    @Test
    @Order(1)
    void threeBadLinesAreRejectedWithTheirLinesAndTheGoodRowsLand() throws IOException {
        List<String> lines = new ArrayList<>(FilesIngestFlowTest.gunzipLines(RATINGS));
        long good = lines.size() - 1 - 3;
        // list index i is file line i + 1 (the header is line 1)
        String l11 = lines.get(10);
        lines.set(10, l11.substring(0, l11.lastIndexOf('\t')));
        String l21 = lines.get(20);
        lines.set(20, l21.substring(0, l21.lastIndexOf('\t')) + "\tmany");
        String l31 = lines.get(30);
        lines.set(31 - 1, l31 + "\t42");
        land(lines, "title.ratings-bad3.tsv.gz");
        await().atMost(WAIT).until(() -> counter("files") == 1);

        assertThat(rows("imdb_title_ratings")).isEqualTo(good);
        Path rejects;
        try (Stream<Path> s = Files.list(quarantineDay("title.ratings"))) {
            rejects = s.filter(p -> p.getFileName().toString().startsWith("title.ratings-bad3.tsv.gz.")
                    && p.getFileName().toString().endsWith(".rejects.jsonl")).findFirst().orElseThrow();
        }
        List<JsonNode> rejected = new ArrayList<>();
        for (String line : Files.readAllLines(rejects)) {
            rejected.add(JSON.readTree(line));
        }
        assertThat(rejected).extracting(j -> j.get("line").asLong()).containsExactly(11L, 21L, 31L);
        assertThat(rejected.get(0).get("reason").asText()).isEqualTo("wrong column count: 2 values where the header has 3");
        assertThat(rejected.get(0).get("text").asText()).isEqualTo(lines.get(10));
        assertThat(rejected.get(1).get("reason").asText()).isEqualTo("column numVotes: 'many' is not an int");
        assertThat(rejected.get(1).get("text").asText()).isEqualTo(lines.get(20));
        assertThat(rejected.get(2).get("reason").asText()).isEqualTo("wrong column count: 4 values where the header has 3");
        assertThat(rejected.get(2).get("file").asText()).isEqualTo("title.ratings-bad3.tsv.gz");
        assertThat(counter("rejectedRows")).isEqualTo(3);
        assertThat(counter("quarantined")).isZero();

        JsonNode flow = JSON.readTree(TestUsers.operator(anonymous).getForObject("/api/flows/files-ingest", String.class));
        JsonNode file = flow.at("/files/0");
        assertThat(file.get("file").asText()).isEqualTo("title.ratings-bad3.tsv.gz");
        assertThat(file.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(file.get("rowsRead").asLong()).isEqualTo(good + 3);
        assertThat(file.get("rowsLanded").asLong()).isEqualTo(good);
        assertThat(file.get("rowsRejected").asLong()).isEqualTo(3);
        assertThat(file.get("rejects").asText()).endsWith(".rejects.jsonl");
        assertThat(flow.at("/counters/rejectedRows").asLong()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void aFileAboveMaxBadRowsLandsNothingAndIsQuarantinedWhole() throws IOException {
        long version = new DeltaTable(lake, "imdb_title_ratings").latest().version();
        List<String> lines = new ArrayList<>(FilesIngestFlowTest.gunzipLines(RATINGS));
        for (int i = 1; i <= 10; i++) {
            String l = lines.get(i * 100);
            lines.set(i * 100, l.substring(0, l.lastIndexOf('\t')) + "\tn/a");
        }
        land(lines, "title.ratings-bad10.tsv.gz");
        await().atMost(WAIT).until(() -> counter("quarantined") == 1);

        assertThat(new DeltaTable(lake, "imdb_title_ratings").latest().version()).as("nothing landed").isEqualTo(version);
        Path day = quarantineDay("title.ratings");
        assertThat(day.resolve("title.ratings-bad10.tsv.gz")).exists();
        JsonNode reason = JSON.readTree(day.resolve("title.ratings-bad10.tsv.gz.reason.json").toFile());
        assertThat(reason.get("reason").asText())
                .startsWith("too many bad records: 6 of ")
                .contains("above max-bad-rows 5")
                .contains("line 101: column numVotes: 'n/a' is not an int");
        assertThat(reason.get("line").asLong()).isEqualTo(101);
        try (Stream<Path> s = Files.list(day)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .as("no rejects file beside a file quarantined whole")
                    .noneMatch(n -> n.startsWith("title.ratings-bad10.tsv.gz.") && n.endsWith(".rejects.jsonl"));
        }
        try (Stream<Path> s = Files.walk(dir.resolve("lake/bronze/files/title.ratings"))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("title.ratings-bad10"))).as("no bronze").isEmpty();
        }
        assertThat(counter("rejectedRows")).isEqualTo(3);
    }
}
