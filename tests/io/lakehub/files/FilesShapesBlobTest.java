package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.LakehubApplication;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.Azurite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every file shape of issue 16 through the running hub from one Azure Blob container (Azurite), with the kinds
 * application.yaml ships: an IMDB {@code .tsv.gz}, a {@code .zip} of two CSV parts of the Connecticut insurance
 * complaints (each entry one bronze file, one overwrite commit), a JSON-lines file of GitHub events and a
 * folder of TMDB movie documents (two {@code /movie/{id}} objects and one array of list results) land in
 * bronze and silver with the right row counts, read back with Delta Kernel; every blob is moved under the
 * archive prefix after its commit; JSON fields no column names are kept in {@code _rescued_data}. A hub
 * stopped between a JSON-lines file's MERGE commit and its archive (fault point FILES_BEFORE_ARCHIVE), then
 * restarted, merges nothing twice.
 */
class FilesShapesBlobTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FILES = Path.of("tests/resources/files");
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    static byte[] zip(Map<String, Path> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, Path> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(Files.readAllBytes(e.getValue()));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static List<Object[]> rows(LakeStorage lake, String table) throws IOException {
        DeltaTable t = new DeltaTable(lake, table);
        List<Object[]> out = new ArrayList<>();
        try (DeltaTable.RowIterator it = t.rows(t.latest())) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static long lines(Path p) throws IOException {
        return Files.readAllLines(p).size();
    }

    @Test
    void everyShapeLandsInBronzeAndSilverAndIsArchived() throws IOException {
        BlobContainerClient c = FilesBlobLandingTest.container("landing-shapes");
        Path ratings = FilesBlobLandingTest.SAMPLES.resolve("dump2025/title.ratings.tsv.gz");
        c.getBlobClient("incoming/title.ratings.tsv.gz").uploadFromFile(ratings.toString(), true);
        Path c2024 = FILES.resolve("ct_insurance_complaints_closed_2024_head.csv");
        Path c2025 = FILES.resolve("ct_insurance_complaints_closed_2025_head.csv");
        c.getBlobClient("incoming/ct_insurance_complaints_2024-2025.zip").upload(BinaryData.fromBytes(zip(
                new java.util.LinkedHashMap<>(Map.of("closed_2024/part-1.csv", c2024, "closed_2025/part-2.csv", c2025)))), true);
        Path events = FILES.resolve("github_events_2021-07-21_h06_head200.jsonl");
        c.getBlobClient("incoming/github_events_2021-07-21.jsonl").uploadFromFile(events.toString(), true);
        Path fightClub = Path.of("tests/resources/tmdb/movie_550_en_jdrouet.json");
        Path avatar = FILES.resolve("movie_19995_fr_arias800.json");
        c.getBlobClient("incoming/tmdb/tmdb_movie-550.json").uploadFromFile(fightClub.toString(), true);
        c.getBlobClient("incoming/tmdb/tmdb_movie-19995.json").uploadFromFile(avatar.toString(), true);
        JsonNode upcoming = JSON.readTree(Path.of("tests/resources/tmdb/upcoming_p1_2023-05_c-eg.json").toFile()).get("results");
        c.getBlobClient("incoming/tmdb/tmdb_movie-upcoming-2023-05.json").upload(BinaryData.fromBytes(JSON.writeValueAsBytes(upcoming)), true);
        Set<Long> movieIds = new HashSet<>(List.of(550L, 19995L));
        upcoming.forEach(m -> movieIds.add(m.get("id").asLong()));

        try (ConfigurableApplicationContext hub = start()) {
            LakeStorage lake = hub.getBean(LakeStorage.class);
            FilesIngestStatus status = hub.getBean(FilesIngestStatus.class);
            await().atMost(WAIT).until(() -> FilesBlobLandingTest.names(c, "incoming/").isEmpty() && (Long) status.counters().get("files") == 6);
            String day = LocalDate.now(ZoneOffset.UTC).toString();
            assertThat(FilesBlobLandingTest.names(c, "archive/")).containsExactlyInAnyOrder(
                    "archive/" + day + "/title.ratings.tsv.gz",
                    "archive/" + day + "/ct_insurance_complaints_2024-2025.zip",
                    "archive/" + day + "/github_events_2021-07-21.jsonl",
                    "archive/" + day + "/tmdb/tmdb_movie-550.json",
                    "archive/" + day + "/tmdb/tmdb_movie-19995.json",
                    "archive/" + day + "/tmdb/tmdb_movie-upcoming-2023-05.json");
            assertThat(status.counters().get("quarantined")).isEqualTo(0L);

            assertThat(FilesBlobLandingTest.distinctRows(lake, "imdb_title_ratings")).isEqualTo(FilesBlobLandingTest.tsvRows(ratings));

            // the zip: two bronze files, one commit holding both parts
            assertThat(rows(lake, "ct_insurance_complaints")).hasSize((int) (lines(c2024) - 1 + lines(c2025) - 1));
            assertThat(new DeltaTable(lake, "ct_insurance_complaints").history(10)).hasSize(1);
            try (var s = Files.walk(dir.resolve("lake/bronze/files/ct_insurance_complaints"))) {
                assertThat(s.filter(p -> p.toString().endsWith(".parquet")).map(p -> p.getFileName().toString()))
                        .hasSize(2).allMatch(n -> n.startsWith("ct_insurance_complaints_2024-2025.part-"));
            }
            List<Object[]> complaints = rows(lake, "ct_insurance_complaints");
            assertThat(complaints).extracting(r -> r[10]).as("recovery is typed double").allMatch(v -> v == null || v instanceof Double)
                    .anyMatch(v -> v instanceof Double d && d > 0);
            assertThat(complaints).extracting(r -> (String) r[0]).as("quoted values with commas")
                    .anyMatch(company -> company.contains(", "));

            // JSON lines: one row per event, nested fields by path, the rest rescued
            List<Object[]> ev = rows(lake, "github_events");
            assertThat(ev).hasSize((int) lines(events));
            JsonNode first = JSON.readTree(Files.readAllLines(events).get(0));
            Object[] row = ev.stream().filter(r -> first.get("id").asText().equals(r[0])).findFirst().orElseThrow();
            assertThat(row[2]).isEqualTo(first.at("/actor/id").asLong());
            assertThat(row[3]).isEqualTo(first.at("/actor/login").asText());
            assertThat(row[5]).isEqualTo(first.at("/repo/name").asText());
            assertThat(row[7]).isEqualTo(Boolean.TRUE);
            JsonNode rescued = JSON.readTree((String) row[9]);
            assertThat(rescued.get("payload")).as("an unknown field is kept in _rescued_data").isEqualTo(first.get("payload"));
            assertThat(rescued.at("/actor/url").asText()).isEqualTo(first.at("/actor/url").asText());
            assertThat(rescued.has("id")).as("declared fields are not rescued").isFalse();
            assertThat(rescued.at("/actor/login").isMissingNode()).isTrue();

            // JSON documents: an object per file and an array of objects, merged by id
            List<Object[]> movies = rows(lake, "tmdb_movie_documents");
            assertThat(movies).extracting(r -> r[0]).containsExactlyInAnyOrderElementsOf(movieIds);
            Object[] fc = movies.stream().filter(r -> Long.valueOf(550).equals(r[0])).findFirst().orElseThrow();
            assertThat(fc[2]).isEqualTo("Fight Club");
            assertThat(JSON.readTree((String) fc[fc.length - 1]).get("tagline").asText())
                    .isEqualTo(JSON.readTree(fightClub.toFile()).get("tagline").asText());
            assertThat(rows(lake, "tmdb_movie_document_genres")).extracting(r -> r[0] + "/" + r[1]).contains("550/Drama");
        }
    }

    @Test
    void aMergeKindStoppedBeforeTheArchiveIsNotMergedTwiceAfterARestart() throws IOException {
        BlobContainerClient c = FilesBlobLandingTest.container("landing-shapes-crash");
        Path events = FILES.resolve("github_events_2021-07-21_h06_head200.jsonl");
        c.getBlobClient("incoming/github_events_2021-07-21.jsonl").uploadFromFile(events.toString(), true);
        io.lakehub.faults.FaultInjection.arm(io.lakehub.faults.FaultPoint.FILES_BEFORE_ARCHIVE, file -> {
            throw new IllegalStateException("injected: stopped before archiving " + file);
        });
        long version;
        try {
            try (ConfigurableApplicationContext first = start("landing-shapes-crash", "files-shapes-crash-1")) {
                DeltaTable t = new DeltaTable(first.getBean(LakeStorage.class), "github_events");
                await().atMost(WAIT).until(() -> t.exists()
                        && io.lakehub.faults.FaultInjection.reached(io.lakehub.faults.FaultPoint.FILES_BEFORE_ARCHIVE) >= 2);
                version = t.latest().version();
                assertThat(FilesBlobLandingTest.names(c, "incoming/")).hasSize(1);
                assertThat(t.history(100)).as("re-reads of the blob merged nothing more").hasSize(1);
            }
        } finally {
            io.lakehub.faults.FaultInjection.disarmAll();
        }
        try (ConfigurableApplicationContext second = start("landing-shapes-crash", "files-shapes-crash-2")) {
            LakeStorage lake = second.getBean(LakeStorage.class);
            await().atMost(WAIT).until(() -> FilesBlobLandingTest.names(c, "incoming/").isEmpty());
            assertThat(FilesBlobLandingTest.names(c, "archive/")).hasSize(1);
            assertThat(new DeltaTable(lake, "github_events").latest().version()).isEqualTo(version);
            List<Object[]> ev = rows(lake, "github_events");
            assertThat(ev).hasSize((int) lines(events));
            assertThat(ev.stream().map(r -> r[0]).distinct().count()).as("no duplicate id").isEqualTo(ev.size());
        }
    }

    ConfigurableApplicationContext start() {
        return start("landing-shapes", "files-shapes");
    }

    ConfigurableApplicationContext start(String container, String database) {
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
                "--lakehub.files.landings[0].name=shapes",
                "--lakehub.files.landings[0].type=blob",
                "--lakehub.files.landings[0].container=" + container,
                "--lakehub.files.landings[0].prefix=incoming",
                "--lakehub.files.landings[0].archive-prefix=archive",
                "--lakehub.files.landings[0].connection-string=" + Azurite.blobConnectionString(),
                "--lakehub.files.landings[0].poll-delay=200ms",
                "--lakehub.files.landings[0].settle-time=0s");
    }
}
