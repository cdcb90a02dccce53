package io.lakehub.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.sample.InsuranceComplaintsSample;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hub started on a lake that a killed hub left files in (issue 12, defect 10): a 0-byte
 * {@code bronze/files/<kind>/_staging/<run>.parquet} and a never-committed data file in a silver table,
 * both two days old. With the default settings ({@code min-age} 24 h) the start removes both and keeps the
 * table's committed file, a staging file of a running conversion and the table's rows.
 */
@CamelSpringBootTest
@SpringBootTest
class OrphanFilesAtStartTest {

    @TempDir
    static Path dir;

    static Path staleStaging;
    static Path runningStaging;
    static Path orphan;
    static Path committed;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Path root = dir.resolve("lake");
        try {
            // what the killed hub left: the sample table committed, then the files of two interrupted attempts
            LakeStorage lake = new LakeStorage(root.toString());
            InsuranceComplaintsSample.seed(lake);
            Path table = root.resolve("silver/" + InsuranceComplaintsSample.TABLE);
            try (java.util.stream.Stream<Path> files = Files.list(table)) {
                committed = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
            }
            orphan = table.resolve("part-" + UUID.randomUUID() + ".snappy.parquet");
            Files.copy(committed, orphan);
            staleStaging = root.resolve("bronze/files/title.basics/_staging/20261130010203-0a1b2c3d.parquet");
            Files.createDirectories(staleStaging.getParent());
            Files.createFile(staleStaging);
            runningStaging = root.resolve("quarantine/files/_staging/20261202-running-title.basics.tsv.gz");
            Files.createDirectories(runningStaging.getParent());
            Files.writeString(runningStaging, "a conversion in progress");
            FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
            for (Path p : new Path[] {committed, orphan, staleStaging}) {
                Files.setLastModifiedTime(p, twoDaysAgo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("lakehub.lake.root", root::toString);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:orphan-files;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
    }

    @Autowired
    LakeStorage lake;

    @Test
    void theStartRemovesWhatKilledAttemptsLeftAndNothingElse() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(staleStaging) && !Files.exists(orphan));
        assertThat(committed).exists();
        assertThat(runningStaging).exists();
        DeltaTable table = new DeltaTable(lake, InsuranceComplaintsSample.TABLE);
        long rows = 0;
        try (DeltaTable.RowIterator it = table.rows(table.latest())) {
            while (it.hasNext()) {
                it.next();
                rows++;
            }
        }
        assertThat(rows).isEqualTo(1902);
    }
}
