package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The files-ingest flow through the running hub, on the real IMDB samples in tests/resources/imdb,
 * with the declared kinds of application.yaml: files dropped into the landing folder land in bronze
 * (one row per line, {@code \N} null), flatten into typed silver tables and bridge tables, and are
 * archived; a truncated gzip and a file with a short line go to quarantine with their reason and line
 * while silver keeps its version; a second dump becomes a new version and the first stays readable
 * by version; the same file landed again (a restart before the archive move) writes nothing; the admin
 * API shows the runs.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesIngestFlowTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SAMPLES = Path.of("tests/resources/imdb");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:files-flow;DB_CLOSE_DELAY=-1");
        // the strict rule (the first bad line quarantines the whole dump): this class shows that a snapshot
        // kind keeps its version and names the line; FilesRowRejectsTest shows a threshold, BadRowLimitDefaultTest the default
        registry.add("lakehub.files.max-bad-rows", () -> "0");
        // the sample loans source stays configured but is not polled: this test is about files
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.files.landing", () -> dir.resolve("landing").toString());
        registry.add("lakehub.files.archive", () -> dir.resolve("archive").toString());
        registry.add("lakehub.files.poll-delay", () -> "200ms");
        registry.add("lakehub.files.settle-time", () -> "200ms");
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

    /**
     * Drops a file into the landing folder the way a copy tool should: under a hidden name, then
     * renamed; the modification time is kept, as {@code cp -p} or azcopy keep it.
     */
    static void land(Path source, String name) throws IOException {
        Path landing = dir.resolve("landing");
        Files.createDirectories(landing);
        Path hidden = landing.resolve("." + name + ".part");
        Files.copy(source, hidden, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(hidden, landing.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    static List<String> gunzipLines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    long counter(String name) {
        return (Long) status.counters().get(name);
    }

    List<Object[]> rows(String table, Long version) throws IOException {
        DeltaTable t = new DeltaTable(lake, table);
        List<Object[]> out = new ArrayList<>();
        try (DeltaTable.RowIterator it = t.rows(t.snapshot(version))) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    long version(String table) {
        return new DeltaTable(lake, table).latest().getVersion();
    }

    /** Key to the set of elements of a bridge table. */
    Map<String, TreeSet<String>> bridge(String table, Long version) throws IOException {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (Object[] r : rows(table, version)) {
            out.computeIfAbsent((String) r[0], k -> new TreeSet<>()).add((String) r[1]);
        }
        return out;
    }

    static Object[] byKey(List<Object[]> rows, String key) {
        return rows.stream().filter(r -> key.equals(r[0])).findFirst().orElseThrow(() -> new AssertionError("no row " + key));
    }

    @Test
    @Order(1)
    void firstDumpLandsInBronzeAndSilverAndIsArchived() throws IOException {
        land(SAMPLES.resolve("dump2025/title.basics.tsv.gz"), "title.basics.tsv.gz");
        land(SAMPLES.resolve("dump2025/title.crew.tsv.gz"), "title.crew.tsv.gz");
        land(SAMPLES.resolve("dump2025/name.basics.tsv.gz"), "name.basics.tsv.gz");
        await().atMost(WAIT).until(() -> counter("files") == 3);

        // bronze: one Parquet file per source file, one row per line, \N as null
        List<Path> bronze;
        try (Stream<Path> s = Files.walk(dir.resolve("lake/bronze/files/title.basics"))) {
            bronze = s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertThat(bronze).hasSize(1);
        assertThat(bronze.get(0).getParent().getFileName().toString()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        List<String> header = List.of(gunzipLines(SAMPLES.resolve("dump2025/title.basics.tsv.gz")).get(0).split("\t"));
        List<Object[]> bronzeRows = ConvertToBronzeTest.readBronze(
                new org.apache.hadoop.fs.Path(bronze.get(0).toUri()), header);
        assertThat(bronzeRows).hasSize(3000);
        assertThat(byKey(bronzeRows, "tt0000001")).containsExactly("tt0000001", "short", "Carmencita", "Carmencita", "0",
                "1894", null, "1", "Documentary,Short");

        // silver: typed columns
        List<Object[]> titles = rows("imdb_title_basics", null);
        assertThat(titles).hasSize(3000);
        assertThat(byKey(titles, "tt0000001")).containsExactly("tt0000001", "short", "Carmencita", "Carmencita", false,
                1894, null, 1);
        // bridge tables split the comma-joined fields, one row per element
        Map<String, TreeSet<String>> genres = bridge("imdb_title_genres", null);
        assertThat(genres.get("tt0000001")).containsExactly("Documentary", "Short");
        assertThat(genres.get("tt0000003")).containsExactly("Animation", "Comedy", "Romance");
        long expectedGenreRows = gunzipLines(SAMPLES.resolve("dump2025/title.basics.tsv.gz")).stream().skip(1)
                .map(l -> l.split("\t")[8]).filter(g -> !g.equals("\\N")).mapToLong(g -> g.split(",").length).sum();
        assertThat(rows("imdb_title_genres", null)).hasSize((int) expectedGenreRows);
        assertThat(bridge("imdb_title_directors", null).get("tt0000007")).containsExactly("nm0005690", "nm0374658");
        assertThat(bridge("imdb_title_writers", null)).doesNotContainKey("tt0000001");
        assertThat(bridge("imdb_name_known_for", null).get("nm0000001"))
                .containsExactlyInAnyOrder("tt0072308", "tt0050419", "tt0027125", "tt0031983");
        assertThat(bridge("imdb_name_professions", null).get("nm0000002"))
                .containsExactly("actress", "archive_footage", "soundtrack");
        assertThat(byKey(rows("imdb_name_basics", null), "nm0000001")).containsExactly("nm0000001", "Fred Astaire", 1899, 1987);

        // one WRITE commit per table, with the lineage of the file
        Map<String, Object> last = new DeltaTable(lake, "imdb_title_basics").history(1).get(0);
        assertThat(last.get("operation")).isEqualTo("WRITE");
        assertThat(((Map<?, ?>) last.get("userMetadata")).get("sourceFile")).isEqualTo("title.basics.tsv.gz");

        // archived, landing empty
        Path archived = dir.resolve("archive").resolve(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(archived.resolve("title.basics.tsv.gz")).exists()
                .hasSameBinaryContentAs(SAMPLES.resolve("dump2025/title.basics.tsv.gz"));
        assertThat(archived.resolve("title.crew.tsv.gz")).exists();
        try (Stream<Path> s = Files.list(dir.resolve("landing"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void truncatedGzipGoesToQuarantineAndSilverKeepsItsVersion() throws IOException {
        long before = version("imdb_title_basics");
        long genresBefore = version("imdb_title_genres");
        byte[] whole = Files.readAllBytes(SAMPLES.resolve("dump2025/title.basics.tsv.gz"));
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        land(cut, "title.basics-truncated.tsv.gz");
        await().atMost(WAIT).until(() -> counter("quarantined") == 1);

        Path folder = dir.resolve("lake/quarantine/files/title.basics").resolve(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(folder.resolve("title.basics-truncated.tsv.gz")).hasSameBinaryContentAs(cut);
        JsonNode reason = JSON.readTree(folder.resolve("title.basics-truncated.tsv.gz.reason.json").toFile());
        assertThat(reason.get("reason").asText()).startsWith("truncated gzip");
        assertThat(reason.get("line").asLong()).isBetween(1000L, 3001L);
        assertThat(reason.get("kind").asText()).isEqualTo("title.basics");

        assertThat(version("imdb_title_basics")).isEqualTo(before);
        assertThat(version("imdb_title_genres")).isEqualTo(genresBefore);
        assertThat(rows("imdb_title_basics", null)).hasSize(3000);
        try (Stream<Path> s = Files.walk(dir.resolve("lake/bronze/files/title.basics"))) {
            assertThat(s.filter(Files::isRegularFile).toList()).as("no bronze file, no staging leftover").hasSize(1);
        }
        assertThat(dir.resolve("landing/title.basics-truncated.tsv.gz")).doesNotExist();
    }

    @Test
    @Order(3)
    void aShortLineIsNamedInTheReason() throws IOException {
        land(SAMPLES.resolve("dump2025/title.ratings.tsv.gz"), "title.ratings.tsv.gz");
        await().atMost(WAIT).until(() -> counter("files") == 4);
        long before = version("imdb_title_ratings");
        assertThat(byKey(rows("imdb_title_ratings", null), "tt0000001")).containsExactly("tt0000001", 5.7, 2133);

        List<String> lines = new ArrayList<>(gunzipLines(SAMPLES.resolve("dump2025/title.ratings.tsv.gz")));
        String l77 = lines.get(76);
        lines.set(76, l77.substring(0, l77.lastIndexOf('\t')));
        Path bad = dir.resolve("bad-ratings.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bad))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        land(bad, "title.ratings.tsv.gz");
        await().atMost(WAIT).until(() -> counter("quarantined") == 2);

        Path folder = dir.resolve("lake/quarantine/files/title.ratings").resolve(LocalDate.now(ZoneOffset.UTC).toString());
        JsonNode reason = JSON.readTree(folder.resolve("title.ratings.tsv.gz.reason.json").toFile());
        assertThat(reason.get("reason").asText()).isEqualTo("wrong column count: 2 values where the header has 3");
        assertThat(reason.get("line").asLong()).isEqualTo(77);
        assertThat(version("imdb_title_ratings")).isEqualTo(before);
    }

    @Test
    @Order(4)
    void secondDumpIsANewVersionAndTheFirstStaysReadable() throws IOException {
        long first = version("imdb_title_basics");
        land(SAMPLES.resolve("tt98/title.basics.tsv.gz"), "title.basics.tsv.gz");
        await().atMost(WAIT).until(() -> counter("files") == 5);

        assertThat(version("imdb_title_basics")).isEqualTo(first + 1);
        List<Object[]> now = rows("imdb_title_basics", null);
        assertThat(now).hasSize(2000);
        assertThat(now.stream().noneMatch(r -> "tt0000001".equals(r[0]))).as("a full dump replaces the content").isTrue();
        assertThat(bridge("imdb_title_genres", null).get("tt9806258")).containsExactly("Drama", "Mystery", "Thriller");

        List<Object[]> old = rows("imdb_title_basics", first);
        assertThat(old).hasSize(3000);
        assertThat(byKey(old, "tt0000001")[2]).isEqualTo("Carmencita");
        assertThat(bridge("imdb_title_genres", version("imdb_title_genres") - 1).get("tt0000001"))
                .containsExactly("Documentary", "Short");

        Path archived = dir.resolve("archive").resolve(LocalDate.now(ZoneOffset.UTC).toString());
        try (Stream<Path> s = Files.list(archived)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("title.basics.tsv.gz")).toList())
                    .as("both dumps archived, the second under its run id").hasSize(2);
        }
    }

    @Test
    @Order(5)
    void theSameFileLandedAgainIsArchivedWithoutANewVersion() throws IOException {
        // a hub that committed a file and stopped before archiving it finds the file again after a restart
        long basics = version("imdb_title_basics");
        long genres = version("imdb_title_genres");
        land(SAMPLES.resolve("tt98/title.basics.tsv.gz"), "title.basics.tsv.gz");
        await().atMost(WAIT).until(() -> counter("files") == 6);

        assertThat(version("imdb_title_basics")).isEqualTo(basics);
        assertThat(version("imdb_title_genres")).isEqualTo(genres);
        assertThat(rows("imdb_title_basics", null)).hasSize(2000);
        Map<String, Object> last = status.recent(1).get(0);
        assertThat(last.get("replayed")).isEqualTo(true);
        assertThat(last.get("bronze")).as("no second bronze copy").isNull();
        try (Stream<Path> s = Files.walk(dir.resolve("lake/bronze/files/title.basics"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".parquet")).toList()).hasSize(2);
        }
        try (Stream<Path> s = Files.list(dir.resolve("landing"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    @Order(6)
    void adminApiShowsTheFlow() {
        JsonNode flow = http.getForObject("/api/flows/files-ingest", JsonNode.class);
        assertThat(flow.get("enabled").asBoolean()).isTrue();
        assertThat(flow.at("/counters/files").asLong()).isEqualTo(6);
        assertThat(flow.at("/counters/quarantined").asLong()).isEqualTo(2);
        assertThat(flow.at("/counters/rows").asLong()).isEqualTo(3000 + 3000 + 2000 + 3000 + 2000 + 2000);
        assertThat(flow.at("/lastRun/flow").asText()).isEqualTo("files-ingest");
        assertThat(flow.at("/lastRun/status").asText()).isEqualTo("SUCCEEDED");
        assertThat(flow.at("/lastRun/rowsIn").asLong()).isEqualTo(2000);
        JsonNode quarantined = null;
        for (JsonNode f : flow.get("files")) {
            if ("QUARANTINED".equals(f.get("status").asText()) && "title.ratings".equals(f.get("kind").asText())) {
                quarantined = f;
            }
        }
        assertThat(quarantined).isNotNull();
        assertThat(quarantined.get("line").asLong()).isEqualTo(77);
        JsonNode runs = http.getForObject("/api/runs?source=title.basics-truncated.tsv.gz", JsonNode.class);
        assertThat(runs.get(0).get("status").asText()).isEqualTo("QUARANTINED");
        assertThat(runs.get(0).get("error").asText()).startsWith("truncated gzip");
    }

    @Test
    @Order(7)
    void plainTsvAndAnUndeclaredCsvKind() throws IOException {
        land(SAMPLES.resolve("simpsons/title.episode.tsv"), "title.episode.tsv");
        land(Path.of("tests/resources/files/ct_complaints_head.csv"), "ct_complaints.csv");
        await().atMost(WAIT).until(() -> counter("files") == 8);

        // a plain (not gzip) TSV of a declared kind: typed silver
        List<Object[]> episodes = rows("imdb_title_episode", null);
        assertThat(episodes).hasSize(59);
        List<String> lines = Files.readAllLines(SAMPLES.resolve("simpsons/title.episode.tsv"));
        String[] first = lines.get(1).split("\t");
        Object[] row = byKey(episodes, first[0]);
        assertThat(row[1]).isEqualTo(first[1]);
        assertThat(row[2]).isEqualTo("\\N".equals(first[2]) ? null : Integer.valueOf(first[2]));

        // a CSV of no declared kind: bronze only, quoted values kept whole, then archived
        List<Path> bronze;
        try (Stream<Path> s = Files.walk(dir.resolve("lake/bronze/files/ct_complaints"))) {
            bronze = s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertThat(bronze).hasSize(1);
        List<String> header = List.of(Files.readAllLines(Path.of("tests/resources/files/ct_complaints_head.csv")).get(0).split(","));
        List<Object[]> csvRows = ConvertToBronzeTest.readBronze(new org.apache.hadoop.fs.Path(bronze.get(0).toUri()), header);
        assertThat(csvRows).hasSize(20);
        assertThat(csvRows.get(10)[0]).isEqualTo("Physicians Mutual Insurance Company, Inc.");
        assertThat(csvRows.get(10)[4]).isEqualTo("");
        assertThat(dir.resolve("lake/silver")).isDirectoryNotContaining("glob:**ct_complaints*");
        assertThat(dir.resolve("archive").resolve(LocalDate.now(ZoneOffset.UTC).toString()).resolve("ct_complaints.csv")).exists();
    }
}
