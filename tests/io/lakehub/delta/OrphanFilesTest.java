package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lakehub.sample.InsuranceComplaintsSample;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orphan files (issue 12, defect 10): a failed attempt removes the data file it wrote, and
 * {@link OrphanFiles} removes what a kill left (stale {@code _staging/} files, never-committed hub data
 * files) by its rule: hub-named, referenced by no retained version, older than the minimum age. Real
 * Delta tables in a local lake folder; the files' ages are set with their modification time.
 */
class OrphanFilesTest {

    static final TableSchema SCHEMA = TableSchema.of(
        new Column("id", ColumnType.LONG, true), new Column("name", ColumnType.STRING, true));

    @TempDir
    Path dir;

    LakeStorage lake;

    @BeforeEach
    void setUp() {
        lake = new LakeStorage(dir.resolve("lake").toString());
    }

    private DataFile write(DeltaTable table, long... ids) throws Exception {
        ParquetRowWriter w = new ParquetRowWriter(table.path(), lake.conf(), SCHEMA);
        for (long id : ids) {
            w.write(new Object[] {id, "n" + id});
        }
        return w.finish();
    }

    private Set<String> dataFiles(String table) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("lake/silver/" + table))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> live(DeltaTable table) {
        return table.latest().getAllFiles().stream().map(DataFile::getPath).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void age(Path file, Duration age) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    }

    @Test
    void aSeedThatCannotCommitRemovesTheFileItWrote() throws Exception {
        // silver/insurance_complaints exists with other columns: the sample's commit is refused (a real schema mismatch)
        DeltaTable table = new DeltaTable(lake, InsuranceComplaintsSample.TABLE);
        table.commitAppend(List.of(write(table, 1, 2)), 2, SCHEMA, Map.of(), "{}");
        assertThat(dataFiles(InsuranceComplaintsSample.TABLE)).hasSize(1);

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> InsuranceComplaintsSample.seed(lake)).isInstanceOf(SchemaMismatchException.class);
        }
        assertThat(dataFiles(InsuranceComplaintsSample.TABLE)).as("no file of the failed attempts is left")
                .isEqualTo(live(table));
    }

    @Test
    void removesOnlyStaleNeverCommittedHubFilesAndStaleStaging() throws Exception {
        DeltaTable table = new DeltaTable(lake, "items");
        DataFile first = write(table, 1, 2, 3);
        table.commitAppend(List.of(first), 3, SCHEMA, Map.of(), "{}");
        DataFile second = write(table, 4, 5);
        table.commitOverwrite(List.of(second), 2, SCHEMA, "{}");
        Path silver = dir.resolve("lake/silver/items");
        // every file of the table is old: only the reference decides for them
        age(silver.resolve(first.getPath()), Duration.ofDays(3));
        age(silver.resolve(second.getPath()), Duration.ofDays(3));

        // what killed attempts left: a never-committed hub data file (old) and one just written (a running attempt)
        Path orphan = silver.resolve("part-" + UUID.randomUUID() + ".snappy.parquet");
        Files.copy(silver.resolve(second.getPath()), orphan);
        age(orphan, Duration.ofDays(2));
        Path fresh = silver.resolve("part-" + UUID.randomUUID() + ".snappy.parquet");
        Files.copy(silver.resolve(second.getPath()), fresh);
        // another writer's file (Spark's name), old and unreferenced: not the hub's to remove
        Path spark = silver.resolve("part-00000-" + UUID.randomUUID() + "-c000.snappy.parquet");
        Files.copy(silver.resolve(second.getPath()), spark);
        age(spark, Duration.ofDays(2));

        // a 0-byte staging file of a killed conversion, one of a running one, and an old bronze file
        Path staleStaging = dir.resolve("lake/bronze/files/title.basics/_staging/20261201-abcd1234.parquet");
        Files.createDirectories(staleStaging.getParent());
        Files.createFile(staleStaging);
        age(staleStaging, Duration.ofDays(2));
        Path runningStaging = dir.resolve("lake/bronze/events/wiki/_staging/part-running.parquet");
        Files.createDirectories(runningStaging.getParent());
        Files.writeString(runningStaging, "being written");
        Path bronze = dir.resolve("lake/bronze/files/title.basics/2026-12-01/title.basics.20261201-abcd1234.parquet");
        Files.createDirectories(bronze.getParent());
        Files.writeString(bronze, "bronze data");
        age(bronze, Duration.ofDays(2));

        OrphanFiles.Removed staging = OrphanFiles.removeStaleStaging(lake, Duration.ofHours(24));
        assertThat(staging.files()).containsExactly("bronze/files/title.basics/_staging/20261201-abcd1234.parquet");
        OrphanFiles.Removed data = OrphanFiles.removeUnreferenced(table, Duration.ofHours(24));
        assertThat(data.files()).containsExactly("silver/items/" + orphan.getFileName());
        assertThat(data.bytes()).isPositive();

        assertThat(staleStaging).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(runningStaging).exists();
        assertThat(fresh).exists();
        assertThat(spark).exists();
        assertThat(bronze).exists();
        // the version the overwrite removed stays readable (VACUUM's business), and so does the latest
        assertThat(silver.resolve(first.getPath())).exists();
        assertThat(count(table, 0)).isEqualTo(3);
        assertThat(count(table, 1)).isEqualTo(2);
    }

    private static long count(DeltaTable table, long version) throws Exception {
        long n = 0;
        try (DeltaTable.RowIterator rows = table.rows(table.snapshot(version))) {
            while (rows.hasNext()) {
                rows.next();
                n++;
            }
        }
        return n;
    }
}
