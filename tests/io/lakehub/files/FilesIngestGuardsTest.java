package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What files-ingest does with files that are not a good dump, through the running hub and its real
 * landing folder (issue 12, defects 5 to 9): a 0-byte file is quarantined with its reason and leaves
 * nothing behind; stream-level errors (a byte that is not UTF-8, a cut gzip) name the line where they
 * are; a dump with only a header, or far fewer rows than its table, is held in quarantine and the table
 * keeps its version unless its kind allows it; the health has one component per kind, not per file
 * name, and a quarantined file is not UP; the tables carry {@code lakehub.keys}, so a diff needs no key
 * columns. The kinds are declared here (a list given here replaces application.yaml's), with the
 * default rules except for title.episode, which allows empty dumps.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class FilesIngestGuardsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SAMPLES = Path.of("tests/resources/imdb");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:files-guards;DB_CLOSE_DELAY=-1");
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
        registry.add("lakehub.files.kinds[0].name", () -> "title.ratings");
        registry.add("lakehub.files.kinds[0].table", () -> "imdb_title_ratings");
        registry.add("lakehub.files.kinds[0].key", () -> "tconst");
        registry.add("lakehub.files.kinds[0].columns", () -> "tconst, averageRating double, numVotes int");
        registry.add("lakehub.files.kinds[1].name", () -> "title.basics");
        registry.add("lakehub.files.kinds[1].table", () -> "imdb_title_basics");
        registry.add("lakehub.files.kinds[1].key", () -> "tconst");
        registry.add("lakehub.files.kinds[1].columns", () -> "tconst, titleType, primaryTitle, originalTitle, "
                + "isAdult boolean, startYear int, endYear int, runtimeMinutes int");
        registry.add("lakehub.files.kinds[1].arrays[0].column", () -> "genres");
        registry.add("lakehub.files.kinds[1].arrays[0].table", () -> "imdb_title_genres");
        registry.add("lakehub.files.kinds[1].arrays[0].element", () -> "genre");
        registry.add("lakehub.files.kinds[2].name", () -> "title.episode");
        registry.add("lakehub.files.kinds[2].table", () -> "imdb_title_episode");
        registry.add("lakehub.files.kinds[2].key", () -> "tconst");
        registry.add("lakehub.files.kinds[2].columns", () -> "tconst, parentTconst, seasonNumber int, episodeNumber int");
        registry.add("lakehub.files.kinds[2].allow-empty", () -> "true");
        registry.add("lakehub.files.kinds[2].min-rows-ratio", () -> "0");
    }

    @Autowired
    LakeStorage lake;
    @Autowired
    FilesIngestStatus status;
    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    /** Drops a file into the landing folder under a hidden name, then renames it, as a copy tool should. */
    static void land(Path source, String name) throws IOException {
        Path landing = dir.resolve("landing");
        Files.createDirectories(landing);
        Path hidden = landing.resolve("." + name + ".part");
        Files.copy(source, hidden, StandardCopyOption.REPLACE_EXISTING);
        Files.move(hidden, landing.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    static byte[] gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    static Path gzip(byte[] text, String name) throws IOException {
        Path out = dir.resolve(name);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out))) {
            o.write(text);
        }
        return out;
    }

    static List<String> lines(Path gz) throws IOException {
        return List.of(new String(gunzip(gz), StandardCharsets.UTF_8).split("\n"));
    }

    long counter(String name) {
        return (Long) status.counters().get(name);
    }

    /** Waits until the flow reports an outcome for the file {@code name} (each test lands its own names). */
    void awaitOutcome(String name) {
        await().atMost(WAIT).until(() -> status.recent(FilesIngestStatus.CAPACITY).stream().anyMatch(f -> name.equals(f.get("file"))));
    }

    long version(String table) {
        return new DeltaTable(lake, table).latest().getVersion();
    }

    long rowCount(String table) throws IOException {
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

    JsonNode reason(String kind, String name) throws IOException {
        Path file = dir.resolve("lake/quarantine/files").resolve(kind).resolve(LocalDate.now(ZoneOffset.UTC).toString())
                .resolve(name + ".reason.json");
        await().atMost(WAIT).until(() -> Files.exists(file));
        return JSON.readTree(file.toFile());
    }

    List<String> landingFolder() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("landing"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    JsonNode flowFile(String name) {
        for (JsonNode f : http.getForObject("/api/flows/files-ingest?limit=100", JsonNode.class).get("files")) {
            if (name.equals(f.get("file").asText())) {
                return f;
            }
        }
        throw new AssertionError("no file " + name + " in GET /api/flows/files-ingest");
    }

    @Test
    @Order(1)
    void aZeroByteFileIsQuarantinedWithItsReasonAndLeavesNothingBehind(CapturedOutput log) throws IOException {
        String name = "title.ratings-2025-01-01.tsv.gz";
        Path empty = Files.createFile(dir.resolve("empty.tsv.gz"));
        land(empty, name);
        awaitOutcome(name);
        assertThat(counter("quarantined")).isEqualTo(1);

        Path folder = dir.resolve("lake/quarantine/files/title.ratings").resolve(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(folder.resolve(name)).exists().isEmptyFile();
        JsonNode reason = reason("title.ratings", name);
        assertThat(reason.get("reason").asText()).startsWith("empty file: 0 bytes");
        assertThat(reason.get("line").isNull()).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(landingFolder()).as("no file, no .camelLock").isEmpty());
        assertThat(log.getOut() + log.getErr()).contains(name + " quarantined to").contains("empty file: 0 bytes");
        assertThat(flowFile(name).get("status").asText()).isEqualTo("QUARANTINED");
    }

    @Test
    @Order(2)
    void aByteThatIsNotUtf8IsReportedAtItsLine() throws IOException {
        byte[] text = gunzip(SAMPLES.resolve("dump2025/title.basics.tsv.gz"));
        int at = 0;
        for (int newlines = 0; newlines < 20; at++) {
            if (text[at] == '\n') {
                newlines++;
            }
        }
        // 'at' is the first byte of line 21; its primaryTitle (after two tabs) gets a lone 0xFF byte
        int tab = at;
        for (int tabs = 0; tabs < 2; tab++) {
            if (text[tab] == '\t') {
                tabs++;
            }
        }
        text[tab] = (byte) 0xFF;
        String name = "title.basics-2025-01-02.tsv.gz";
        land(gzip(text, "latin.gz"), name);
        awaitOutcome(name);

        JsonNode reason = reason("title.basics", name);
        assertThat(reason.get("reason").asText()).startsWith("not UTF-8 text");
        assertThat(reason.get("line").asLong()).isEqualTo(21);
    }

    @Test
    @Order(3)
    void aCutGzipIsReportedAtItsLastCompleteLine() throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLES.resolve("dump2025/title.basics.tsv.gz"));
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        // the lines the cut file still holds whole: every line feed gzip yields before the stream ends
        long complete = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(cut))) {
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    complete += buf[i] == '\n' ? 1 : 0;
                }
            }
            throw new AssertionError("the cut file was read to its end");
        } catch (EOFException expected) {
            // the cut: what was read until here is what the file holds
        }
        assertThat(complete).isGreaterThan(100);
        String name = "title.basics-2025-01-03.tsv.gz";
        land(cut, name);
        awaitOutcome(name);

        JsonNode reason = reason("title.basics", name);
        assertThat(reason.get("reason").asText()).startsWith("truncated gzip");
        assertThat(reason.get("line").asLong()).isEqualTo(complete);
    }

    @Test
    @Order(4)
    void aDumpWithOnlyItsHeaderIsHeldAndTheTableKeepsItsVersion() throws IOException {
        Path sample = SAMPLES.resolve("dump2025/title.ratings.tsv.gz");
        long sampleRows = lines(sample).size() - 1;
        land(sample, "title.ratings.tsv.gz");
        awaitOutcome("title.ratings.tsv.gz");
        long before = version("imdb_title_ratings");
        assertThat(rowCount("imdb_title_ratings")).isEqualTo(sampleRows);

        String name = "title.ratings-2025-01-04.tsv.gz";
        land(gzip((lines(sample).get(0) + "\n").getBytes(StandardCharsets.UTF_8), "header.gz"), name);
        awaitOutcome(name);

        JsonNode reason = reason("title.ratings", name);
        assertThat(reason.get("reason").asText()).startsWith("no data rows").contains("keeps version " + before);
        assertThat(reason.get("rule").asText()).isEqualTo("allow-empty");
        assertThat(version("imdb_title_ratings")).isEqualTo(before);
        assertThat(rowCount("imdb_title_ratings")).isEqualTo(sampleRows);
        JsonNode reported = flowFile(name);
        assertThat(reported.get("status").asText()).isEqualTo("QUARANTINED");
        assertThat(reported.get("error").asText()).startsWith("no data rows");
        assertThat(reported.get("silverVersions").size()).isZero();
    }

    @Test
    @Order(5)
    void aDumpFarSmallerThanItsTableIsHeld() throws IOException {
        Path sample = SAMPLES.resolve("dump2025/title.ratings.tsv.gz");
        List<String> all = lines(sample);
        long before = version("imdb_title_ratings");
        int keep = (all.size() - 1) / 10;
        String name = "title.ratings-2025-01-05.tsv.gz";
        land(gzip((String.join("\n", all.subList(0, keep + 1)) + "\n").getBytes(StandardCharsets.UTF_8), "tenth.gz"), name);
        awaitOutcome(name);

        JsonNode reason = reason("title.ratings", name);
        assertThat(reason.get("reason").asText()).startsWith("too few rows: " + keep + " rows where imdb_title_ratings has "
                + (all.size() - 1));
        assertThat(reason.get("rule").asText()).isEqualTo("min-rows-ratio");
        assertThat(version("imdb_title_ratings")).isEqualTo(before);
        assertThat(rowCount("imdb_title_ratings")).isEqualTo(all.size() - 1);
        try (Stream<Path> s = Files.walk(dir.resolve("lake/bronze/files/title.ratings"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".parquet")).toList()).as("only the accepted dump in bronze").hasSize(1);
        }
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void healthHasOneComponentPerKindAndAQuarantinedFileIsNotUp() {
        Map<String, Object> health = http.getForObject("/actuator/health/flows", Map.class);
        Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) health.get("components");
        List<String> files = components.keySet().stream().filter(k -> k.startsWith("files-ingest-")).toList();
        assertThat(files).as("one component per kind, whatever the file names")
                .containsExactlyInAnyOrder("files-ingest-title.ratings", "files-ingest-title.basics");
        Map<String, Object> ratings = components.get("files-ingest-title.ratings");
        assertThat(ratings.get("status")).isEqualTo("DEGRADED");
        Map<String, Object> details = (Map<String, Object>) ratings.get("details");
        assertThat(details.get("lastStatus")).isEqualTo("QUARANTINED");
        assertThat(details.get("lastQuarantined")).isEqualTo("title.ratings-2025-01-05.tsv.gz");
        assertThat(((Number) details.get("quarantined")).intValue()).isEqualTo(3);
        assertThat(components.get("files-ingest-title.basics").get("status")).isEqualTo("DEGRADED");
        assertThat(health.get("status")).isEqualTo("DEGRADED");
    }

    @Test
    @Order(7)
    void aKindThatAllowsEmptyDumpsIsReplacedByOne() throws IOException {
        Path episodes = SAMPLES.resolve("simpsons/title.episode.tsv");
        List<String> lines = Files.readAllLines(episodes);
        land(episodes, "title.episode.tsv");
        awaitOutcome("title.episode.tsv");
        long before = version("imdb_title_episode");
        assertThat(rowCount("imdb_title_episode")).isEqualTo(lines.size() - 1);

        Path header = dir.resolve("episode-header.tsv");
        Files.writeString(header, lines.get(0) + "\n");
        land(header, "title.episode-2025-01-06.tsv");
        awaitOutcome("title.episode-2025-01-06.tsv");
        assertThat(version("imdb_title_episode")).isEqualTo(before + 1);
        assertThat(rowCount("imdb_title_episode")).isZero();
        assertThat(flowFile("title.episode-2025-01-06.tsv").get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(8)
    @SuppressWarnings("unchecked")
    void tablesCarryTheirKeysSoADiffNeedsNoKeyColumns() throws IOException {
        land(SAMPLES.resolve("dump2025/title.basics.tsv.gz"), "title.basics.tsv.gz");
        awaitOutcome("title.basics.tsv.gz");
        assertThat(http.getForObject("/api/tables/imdb_title_basics", JsonNode.class).at("/properties/lakehub.keys").asText())
                .isEqualTo("tconst");
        assertThat(http.getForObject("/api/tables/imdb_title_genres", JsonNode.class).at("/properties/lakehub.keys").asText())
                .isEqualTo("tconst,genre");

        // the next ratings dump: some titles gone, some re-rated, some new
        List<String> all = lines(SAMPLES.resolve("dump2025/title.ratings.tsv.gz"));
        List<String> next = new ArrayList<>(all.subList(0, 1));
        int deleted = 0;
        int updated = 0;
        for (int i = 1; i < all.size(); i++) {
            String[] v = all.get(i).split("\t");
            if (i % 100 == 0) {
                deleted++;
            } else if (i % 100 == 1) {
                next.add(v[0] + "\t" + v[1] + "\t" + (Integer.parseInt(v[2]) + 1));
                updated++;
            } else {
                next.add(all.get(i));
            }
        }
        List<String> added = List.of("tt99999991\t7.1\t12", "tt99999992\t6.4\t7");
        next.addAll(added);
        long from = version("imdb_title_ratings");
        long files = counter("files");
        land(gzip((String.join("\n", next) + "\n").getBytes(StandardCharsets.UTF_8), "next.gz"), "title.ratings.tsv.gz");
        await().atMost(WAIT).until(() -> counter("files") == files + 1);
        assertThat(version("imdb_title_ratings")).isEqualTo(from + 1);

        JsonNode diff = http.getForObject("/api/tables/imdb_title_ratings/diff?from=" + from, JsonNode.class);
        assertThat(diff.get("keyColumns").get(0).asText()).isEqualTo("tconst");
        assertThat(diff.get("inserted").asLong()).isEqualTo(added.size());
        assertThat(diff.get("updated").asLong()).isEqualTo(updated);
        assertThat(diff.get("deleted").asLong()).isEqualTo(deleted);

        // a good dump of the kind makes its health component UP again
        Map<String, Object> health = http.getForObject("/actuator/health/flows", Map.class);
        Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) health.get("components");
        assertThat(components.get("files-ingest-title.ratings").get("status")).isEqualTo("UP");
    }
}
