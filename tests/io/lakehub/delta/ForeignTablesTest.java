package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;

import io.lakehub.testsupport.ForeignTables;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hub reads tables Apache Spark 4.1.3 + Delta 4.3.1 wrote with the reader features Spark users meet
 * (deletion vectors, column mapping with a rename, a drop and a checkpoint, {@code timestampNtz} with a
 * partition, and a plain protocol (1,2) table; {@code tests/resources/delta-foreign/README.md}), as
 * Spark reads them: every version's row count, the rows, the diff between versions. A table with a
 * feature the hub does not read, or a corrupt commit, fails with a typed error naming it.
 */
class ForeignTablesTest {

    @TempDir
    Path dir;

    LakeStorage lake;

    @BeforeEach
    void setUp() {
        lake = new LakeStorage(dir.resolve("lake").toString());
    }

    static List<String> tables() {
        return ForeignTables.NAMES;
    }

    private DeltaTable fixture(String name) {
        ForeignTables.copy(name, dir.resolve("lake/silver/" + name));
        return new DeltaTable(lake, name);
    }

    private static List<Object[]> rows(TableSnapshot s) throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (VersionRows it = s.rows()) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tables")
    void everyVersionHasTheRowCountSparkCounts(String name) throws Exception {
        DeltaTable table = fixture(name);
        NavigableMap<Long, Long> counts = ForeignTables.versionCounts(name);
        assertThat(table.latest().version()).isEqualTo(counts.lastKey());
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            assertThat((long) rows(table.snapshot(e.getKey())).size()).as("%s version %d", name, e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    @ParameterizedTest
    @MethodSource("tables")
    void rowsEqualTheRowsSparkWrote(String name) throws Exception {
        DeltaTable table = fixture(name);
        for (Map.Entry<Long, Path> e : ForeignTables.expectedVersions(name).entrySet()) {
            TableSnapshot s = table.snapshot(e.getKey());
            assertThat(s.schema().names()).as("%s version %d: logical column names", name, e.getKey())
                    .containsExactlyElementsOf(ForeignTables.expectedHeader(e.getValue()));
            assertThat(ForeignTables.byId(rows(s))).as("%s version %d", name, e.getKey())
                    .isEqualTo(ForeignTables.expectedById(e.getValue(), s.schema()));
        }
    }

    @Test
    void deletionVectorsHideDeletedRowsWithoutARewrite() throws Exception {
        DeltaTable table = fixture("deletion_vectors");
        TableSnapshot v1 = table.snapshot(1L);
        TableSnapshot v2 = table.snapshot(2L);
        assertThat(v2.protocol()).containsEntry("minReaderVersion", 3);
        assertThat(v2.files()).extracting(DataFile::path).as("DELETE attached deletion vectors to the same files")
                .containsExactlyInAnyOrderElementsOf(v1.files().stream().map(DataFile::path).toList());
        assertThat(v2.files()).allSatisfy(f -> assertThat(f.deletionVector()).isNotNull());
        assertThat(rows(v2)).extracting(r -> (Long) r[0]).noneMatch(id -> id % 20 == 0);
        VersionDiff.Result diff = VersionDiff.compare(table, v1, v2, List.of("id"), true);
        Set<Long> divisibleBy20 = new TreeSet<>();
        for (Object[] r : rows(v1)) {
            if ((Long) r[0] % 20 == 0) {
                divisibleBy20.add((Long) r[0]);
            }
        }
        assertThat(diff.deleted()).isEqualTo(ForeignTables.versionCounts("deletion_vectors").get(1L)
                - ForeignTables.versionCounts("deletion_vectors").get(2L)).isEqualTo(divisibleBy20.size());
        assertThat(diff.inserted()).isZero();
        assertThat(diff.updated()).isZero();
        assertThat(diff.keys().deleted()).containsExactlyElementsOf(new ArrayList<Object>(divisibleBy20));
    }

    @Test
    void columnMappingReadsEachVersionWithItsOwnColumnNames() throws Exception {
        DeltaTable table = fixture("column_mapping");
        assertThat(table.snapshot(10L).schema().names()).contains("amount", "note").doesNotContain("amount_usd");
        assertThat(table.snapshot(11L).schema().names()).contains("amount_usd", "note").doesNotContain("amount");
        assertThat(table.snapshot(12L).schema().names()).contains("amount_usd").doesNotContain("note");
        int amount = table.snapshot(10L).schema().names().indexOf("amount");
        assertThat(rows(table.snapshot(10L))).as("the physical column is read under its logical name")
                .allSatisfy(r -> assertThat(r[amount]).isNotNull());
        DataFile file = table.latest().files().get(0);
        assertThat(file.partitionValues()).as("partition values under logical names").containsKey("region");
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(table.path(), file.path()), lake.conf()))) {
            assertThat(reader.getFooter().getFileMetaData().getSchema().getFields()).extracting(t -> t.getName())
                    .as("Spark wrote physical names").allSatisfy(n -> assertThat(n).startsWith("col-"));
        }
        VersionDiff.Result rename = VersionDiff.compare(table, table.snapshot(10L), table.snapshot(11L), List.of("id"), false);
        assertThat(rename.inserted() + rename.updated() + rename.deleted()).as("a rename changes no row").isZero();
        VersionDiff.Result delete = VersionDiff.compare(table, table.snapshot(12L), table.snapshot(13L), List.of("id"), true);
        assertThat(delete.deleted()).isEqualTo(ForeignTables.versionCounts("column_mapping").get(12L)
                - ForeignTables.versionCounts("column_mapping").get(13L));
        assertThat(delete.keys().deleted()).allSatisfy(id -> assertThat((Long) id).isGreaterThan(990L));
        assertThat(delete.inserted() + delete.updated()).isZero();
    }

    @Test
    void timestampNtzIsAWallClockAndThePartitionIsADate() throws Exception {
        DeltaTable table = fixture("timestamp_ntz");
        TableSnapshot latest = table.latest();
        assertThat(latest.schema().column("seen").type()).isEqualTo(ColumnType.TIMESTAMP_NTZ);
        assertThat(latest.partitionColumns()).containsExactly("day");
        assertThat(latest.files()).allSatisfy(f -> assertThat(f.partitionValues()).containsKey("day"));
        List<Object[]> rows = rows(latest);
        assertThat(rows).extracting(r -> r[1]).filteredOn(v -> v != null).allSatisfy(v -> assertThat(v).isInstanceOf(LocalDateTime.class));
        Path csv = ForeignTables.expectedVersions("timestamp_ntz").lastEntry().getValue();
        Set<Long> nulled = new HashSet<>();
        for (List<String> r : ForeignTables.expectedRows(csv)) {
            if (r.get(1) == null) {
                nulled.add(Long.parseLong(r.get(0)));
            }
        }
        VersionDiff.Result update = VersionDiff.compare(table, table.snapshot(2L), latest, List.of("id"), true);
        assertThat(update.updated()).as("the UPDATE that set seen to NULL").isEqualTo(nulled.size());
        assertThat(update.keys().updated()).containsExactlyInAnyOrderElementsOf(new ArrayList<Object>(nulled));
        assertThat(update.inserted() + update.deleted()).isZero();
        VersionDiff.Result append = VersionDiff.compare(table, table.snapshot(1L), table.snapshot(2L), List.of("id"), false);
        assertThat(append.inserted()).isEqualTo(ForeignTables.versionCounts("timestamp_ntz").get(2L)
                - ForeignTables.versionCounts("timestamp_ntz").get(1L));
    }

    @Test
    void diffsOfASparkTableMatchTheRowsSparkWrote() throws Exception {
        DeltaTable table = fixture("spark_plain");
        NavigableMap<Long, Path> expected = ForeignTables.expectedVersions("spark_plain");
        for (long v = expected.firstKey(); v < expected.lastKey(); v++) {
            TableSnapshot a = table.snapshot(v);
            TableSnapshot b = table.snapshot(v + 1);
            Map<Long, List<String>> before = ForeignTables.expectedById(expected.get(v), a.schema());
            Map<Long, List<String>> after = ForeignTables.expectedById(expected.get(v + 1), b.schema());
            long inserted = after.keySet().stream().filter(k -> !before.containsKey(k)).count();
            long deleted = before.keySet().stream().filter(k -> !after.containsKey(k)).count();
            long updated = after.keySet().stream().filter(k -> before.containsKey(k) && !before.get(k).equals(after.get(k))).count();
            VersionDiff.Result r = VersionDiff.compare(table, a, b, List.of("id"), false);
            assertThat(List.of(r.inserted(), r.updated(), r.deleted())).as("diff %d..%d", v, v + 1)
                    .containsExactly(inserted, updated, deleted);
        }
        List<HistoryEntry> history = table.historyEntries(100);
        assertThat(history).extracting(HistoryEntry::version).containsExactly(4L, 3L, 2L, 1L, 0L);
        assertThat(history.get(2).operation()).isEqualTo("MERGE");
        assertThat(history.get(2).engineInfo()).startsWith("Apache-Spark/4.1.3");
        assertThat(history.get(2).operationMetrics()).containsKey("numTargetRowsUpdated");
    }

    @Test
    void aTableWithReaderFeaturesIsReadButNotChanged() throws Exception {
        DeltaTable table = fixture("deletion_vectors");
        long before = table.latest().version();
        assertThatThrownBy(() -> new TableTags(table).set("v1", 1L, false)).isInstanceOf(UnwritableTableException.class)
                .hasMessageContaining("deletionVectors").hasMessageContaining("protocol (1,2)");
        assertThatThrownBy(() -> new TableMaintenance(lake).optimize("deletion_vectors"))
                .isInstanceOf(UnwritableTableException.class);
        assertThat(table.latest().version()).as("nothing was committed").isEqualTo(before);
        new TableTags(fixture("spark_plain")).set("first", 0L, false);
        assertThat(new TableTags(new DeltaTable(lake, "spark_plain")).version("first")).as("a (1,2) Spark table takes a tag")
                .isZero();
    }

    @Test
    void aFeatureTheHubDoesNotReadIsNamed() throws Exception {
        DeltaTable table = fixture("spark_plain");
        Files.writeString(Path.of(table.path().toUri()).resolve("_delta_log/00000000000000000005.json"),
                "{\"commitInfo\":{\"timestamp\":1796173400000,\"operation\":\"UPGRADE PROTOCOL\"}}\n"
                        + "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                        + "\"readerFeatures\":[\"lakehubImaginaryFeature\"],\"writerFeatures\":[\"lakehubImaginaryFeature\"]}}\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(table::latest).isInstanceOfSatisfying(UnreadableTableException.class,
                e -> assertThat(e.reason()).isEqualTo(UnreadableTableException.Reason.UNSUPPORTED_FEATURE))
                .hasMessageContaining("lakehubImaginaryFeature").hasMessageContaining("spark_plain");
        assertThat(table.exists()).as("it is still a table").isTrue();
    }

    @Test
    void aCorruptCommitIsABrokenLog() throws Exception {
        DeltaTable table = fixture("spark_plain");
        Files.writeString(Path.of(table.path().toUri()).resolve("_delta_log/00000000000000000005.json"),
                "{\"commitInfo\":{\"timestamp\":17961734", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        assertThatThrownBy(table::latest).isInstanceOfSatisfying(UnreadableTableException.class,
                e -> assertThat(e.reason()).isEqualTo(UnreadableTableException.Reason.BROKEN_LOG))
                .hasMessageContaining("spark_plain");
    }
}
