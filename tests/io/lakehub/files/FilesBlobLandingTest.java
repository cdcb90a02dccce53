package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.lakehub.LakehubApplication;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.testsupport.Azurite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * files-ingest from an Azure Blob container (Azurite), through the running hub: an IMDB {@code .tsv.gz}
 * uploaded under the landing prefix lands in bronze and silver with its row count and is moved under the
 * archive prefix after the commit; a hub that fails at {@link FaultPoint#FILES_BEFORE_ARCHIVE} (the
 * silver commit done, the blob not archived) and is then restarted on the same lake and container finds
 * the blob again, writes no second version and no duplicate row, and archives it.
 */
class FilesBlobLandingTest {

    static final Path SAMPLES = Path.of("tests/resources/imdb");
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    ConfigurableApplicationContext start(String database, String container) {
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
                "--lakehub.files.landings[0].name=imdb-blob",
                "--lakehub.files.landings[0].type=blob",
                "--lakehub.files.landings[0].container=" + container,
                "--lakehub.files.landings[0].prefix=incoming",
                "--lakehub.files.landings[0].archive-prefix=archive",
                "--lakehub.files.landings[0].connection-string=" + Azurite.blobConnectionString(),
                "--lakehub.files.landings[0].poll-delay=200ms",
                "--lakehub.files.landings[0].settle-time=0s");
    }

    static BlobContainerClient container(String name) {
        BlobContainerClient c = new BlobServiceClientBuilder().connectionString(Azurite.blobConnectionString()).buildClient()
                .getBlobContainerClient(name);
        c.createIfNotExists();
        return c;
    }

    static List<String> names(BlobContainerClient c, String prefix) {
        return c.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream().map(BlobItem::getName).toList();
    }

    static long tsvRows(Path gz) throws IOException {
        return FilesIngestRestartTest.rows(gz);
    }

    /** The rows of a table's latest version, and checks that no tconst appears twice. */
    static long distinctRows(LakeStorage lake, String table) throws IOException {
        DeltaTable t = new DeltaTable(lake, table);
        Set<Object> keys = new HashSet<>();
        long n = 0;
        try (DeltaTable.RowIterator it = t.rows(t.latest())) {
            while (it.hasNext()) {
                Object[] row = it.next();
                assertThat(keys.add(row[0])).as("tconst %s once in %s", row[0], table).isTrue();
                n++;
            }
        }
        return n;
    }

    @Test
    void aTsvGzBlobLandsInBronzeAndSilverAndIsArchivedAfterTheCommit() throws IOException {
        BlobContainerClient c = container("landing-ok");
        Path ratings = SAMPLES.resolve("dump2025/title.ratings.tsv.gz");
        c.getBlobClient("incoming/title.ratings.tsv.gz").uploadFromFile(ratings.toString(), true);
        try (ConfigurableApplicationContext hub = start("files-blob-ok", "landing-ok")) {
            LakeStorage lake = hub.getBean(LakeStorage.class);
            String archived = "archive/" + LocalDate.now(ZoneOffset.UTC) + "/title.ratings.tsv.gz";
            // the archive is a copy then an ETag-checked delete of the source: wait for both halves
            await().atMost(WAIT).until(() -> names(c, "archive/").contains(archived) && names(c, "incoming/").isEmpty());
            assertThat(names(c, "archive/")).as("archived once").containsExactly(archived);
            assertThat(distinctRows(lake, "imdb_title_ratings")).isEqualTo(tsvRows(ratings));
            DeltaTable t = new DeltaTable(lake, "imdb_title_ratings");
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> lineage = (java.util.Map<String, Object>) t.history(1).get(0).get("userMetadata");
            assertThat(lineage.get("landing")).isEqualTo("imdb-blob");
            assertThat((String) lineage.get("sourceLocation")).endsWith("/landing-ok/incoming/title.ratings.tsv.gz");
            assertThat(lineage.get("sourceETag")).isNotNull();
            assertThat(java.nio.file.Files.list(dir.resolve("lake/bronze/files/title.ratings")).toList()).isNotEmpty();
            FilesIngestStatus status = hub.getBean(FilesIngestStatus.class);
            // the run is recorded after the archive step's delete
            await().atMost(WAIT).until(() -> status.counters().get("files") != null
                    && ((Number) status.counters().get("files")).longValue() >= 1L);
            assertThat(status.counters().get("files")).isEqualTo(1L);
        }
    }

    @Test
    void aHubStoppedBetweenTheSilverCommitAndTheArchiveLeavesNoDuplicateAfterItsRestart() throws IOException {
        BlobContainerClient c = container("landing-crash");
        Path ratings = SAMPLES.resolve("dump2025/title.ratings.tsv.gz");
        c.getBlobClient("incoming/title.ratings.tsv.gz").uploadFromFile(ratings.toString(), true);
        // every archive attempt of the first hub fails, as a crash right after the commit would leave it
        FaultInjection.arm(FaultPoint.FILES_BEFORE_ARCHIVE, file -> {
            throw new IllegalStateException("injected: stopped before archiving " + file);
        });
        long version;
        try (ConfigurableApplicationContext first = start("files-blob-crash-1", "landing-crash")) {
            LakeStorage lake = first.getBean(LakeStorage.class);
            DeltaTable t = new DeltaTable(lake, "imdb_title_ratings");
            await().atMost(WAIT).until(() -> t.exists() && FaultInjection.reached(FaultPoint.FILES_BEFORE_ARCHIVE) >= 2);
            version = t.latest().version();
            assertThat(names(c, "incoming/")).as("not archived: the blob stays").containsExactly("incoming/title.ratings.tsv.gz");
            assertThat(names(c, "archive/")).isEmpty();
            assertThat(t.history(100)).as("re-reads of the blob wrote nothing more").hasSize(1);
        }
        FaultInjection.disarmAll();
        try (ConfigurableApplicationContext second = start("files-blob-crash-2", "landing-crash")) {
            LakeStorage lake = second.getBean(LakeStorage.class);
            await().atMost(WAIT).until(() -> names(c, "incoming/").isEmpty());
            assertThat(names(c, "archive/")).hasSize(1);
            DeltaTable t = new DeltaTable(lake, "imdb_title_ratings");
            assertThat(t.latest().version()).as("no second commit of the same blob").isEqualTo(version);
            assertThat(distinctRows(lake, "imdb_title_ratings")).isEqualTo(tsvRows(ratings));
        }
    }
}
