package io.lakehub.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * {@link DeltaLogReader} against tables other writers wrote: Spark 4.1.3 + Delta 4.3.1
 * ({@code tests/resources/delta-foreign/}, row counts and rows from its README's files) and delta-standalone 3.3.2
 * ({@code tests/resources/upgrade-lake/}, INT96 timestamps, a checkpoint at version 10, see UpgradeLakeTest).
 */
class DeltaLogReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static DeltaLogReader foreign(String name) {
        return DeltaLogReader.forTable(new Configuration(), new org.apache.hadoop.fs.Path(ForeignTables.root().resolve(name).toUri()));
    }

    private static long numRecords(DeltaLogReader.Snapshot s) throws Exception {
        long n = 0;
        for (DeltaLogReader.AddFile f : s.files()) {
            n += JSON.readTree(f.stats()).path("numRecords").asLong();
        }
        return n;
    }

    @Test
    void sharesNoCodeWithTheHubsReaderNorUsesADeltaLibrary() {
        com.tngtech.archunit.core.domain.JavaClasses classes = new com.tngtech.archunit.core.importer.ClassFileImporter()
                .importPackages("io.lakehub.testsupport");
        assertThat(classes.contain(DeltaLogReader.Snapshot.class.getName())).isTrue();
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().haveNameMatching("io\\.lakehub\\.testsupport\\.DeltaLogReader(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("io.lakehub.delta..", "io.delta..", "shadedelta..")
                .because("the independent reader must not grade the hub's reader with the hub's own code")
                .check(classes);
    }

    @Test
    void readsEveryVersionOfSparksPlainTableAsSparkDoes() {
        DeltaLogReader reader = foreign("spark_plain");
        NavigableMap<Long, Long> counts = ForeignTables.versionCounts("spark_plain");
        assertThat(reader.latestVersion()).isEqualTo(counts.lastKey()).isEqualTo(4);
        assertThat(reader.lastCheckpointHint()).isNull();
        for (Map.Entry<Long, Path> e : ForeignTables.expectedVersions("spark_plain").entrySet()) {
            DeltaLogReader.Snapshot s = reader.snapshot(e.getKey());
            List<String> header = ForeignTables.expectedHeader(e.getValue());
            assertThat(s.columnNames()).isEqualTo(header);
            Map<Long, List<String>> actual = new TreeMap<>();
            for (Map<String, Object> row : s.rows()) {
                List<String> c = new ArrayList<>();
                row.values().forEach(v -> c.add(ForeignTables.canonical(v)));
                assertThat(actual.put((Long) row.get("id"), c)).as("id %s once", row.get("id")).isNull();
            }
            Map<Long, List<String>> expected = new TreeMap<>();
            for (List<String> r : ForeignTables.expectedRows(e.getValue())) {
                List<String> c = new ArrayList<>();
                c.add(r.get(0));
                c.add(r.get(1));
                c.add(r.get(2) == null ? null : new BigDecimal(r.get(2)).stripTrailingZeros().toPlainString());
                c.add(r.get(3) == null ? null : LocalDate.parse(r.get(3)).toString());
                c.add(r.get(4) == null ? null : ForeignTables.canonicalText(io.lakehub.delta.ColumnType.TIMESTAMP, r.get(4)));
                c.add(r.get(5) == null ? null : Boolean.toString(r.get(5).equals("t") || Boolean.parseBoolean(r.get(5))));
                c.add(r.get(6) == null ? null : ForeignTables.canonicalText(io.lakehub.delta.ColumnType.DOUBLE, r.get(6)));
                expected.put(Long.parseLong(r.get(0)), c);
            }
            assertThat(actual).as("version %d", e.getKey()).hasSize(counts.get(e.getKey()).intValue()).isEqualTo(expected);
        }
        DeltaLogReader.Snapshot latest = reader.latest();
        assertThat(latest.protocol().path("minReaderVersion").asInt()).isEqualTo(1);
        assertThat(latest.protocol().path("minWriterVersion").asInt()).isEqualTo(2);
        assertThat(latest.commitInfo()).containsOnlyKeys(0L, 1L, 2L, 3L, 4L);
        assertThat(latest.commitInfo().get(2L).path("operation").asText()).isEqualTo("MERGE");
        assertThat(latest.commitInfo().get(0L).path("engineInfo").asText()).startsWith("Apache-Spark/4.1.3");
        assertThat(latest.configuration()).containsEntry("delta.enableDeletionVectors", "false");
    }

    @Test
    void readsALogFromSparksCheckpointAndRefusesColumnMappingRows() throws Exception {
        DeltaLogReader reader = foreign("column_mapping");
        assertThat(reader.lastCheckpointHint()).isEqualTo(10);
        NavigableMap<Long, Long> counts = ForeignTables.versionCounts("column_mapping");
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            assertThat(numRecords(reader.snapshot(e.getKey()))).as("version %d", e.getKey()).isEqualTo(e.getValue());
        }
        DeltaLogReader.Snapshot latest = reader.latest();
        assertThat(latest.version()).isEqualTo(13);
        assertThat(latest.commitInfo()).as("versions after the checkpoint only").containsOnlyKeys(11L, 12L, 13L);
        assertThat(latest.partitionColumns()).containsExactly("region");
        assertThat(latest.columnNames()).contains("amount_usd").doesNotContain("amount", "note");
        String physical = null;
        for (var f : latest.schema().path("fields")) {
            if (f.path("name").asText().equals("region")) {
                physical = f.path("metadata").path("delta.columnMapping.physicalName").asText();
            }
        }
        String regionKey = physical;
        assertThat(regionKey).as("column mapping gives region a physical name").startsWith("col-");
        assertThat(latest.files()).as("partition values keyed by physical name").isNotEmpty()
                .allSatisfy(f -> assertThat(f.partitionValues()).containsOnlyKeys(regionKey));
        assertThat(latest.protocol().path("minReaderVersion").asInt()).isEqualTo(2);
        assertThatThrownBy(latest::rows).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("column mapping");
        // the checkpoint at 10 holds what the commits 0..10 say
        assertThat(reader.snapshot(10).files()).extracting(DeltaLogReader.AddFile::path).hasSize(reader.snapshot(10).files().size())
                .doesNotHaveDuplicates();
        assertThat(reader.snapshot(10).schema().path("fields").size()).isEqualTo(reader.snapshot(9).schema().path("fields").size());
    }

    @Test
    void refusesDeletionVectors() {
        DeltaLogReader reader = foreign("deletion_vectors");
        assertThat(reader.snapshot(1).rows()).hasSize(1000);
        assertThatThrownBy(() -> reader.snapshot(2).rows()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("deletion vectors");
    }

    @Test
    void readsTheStandaloneLakeWithItsCheckpointInt96TimestampsAndTxn() throws URISyntaxException {
        Path items = Paths.get(DeltaLogReaderTest.class.getClassLoader().getResource("upgrade-lake/silver/items/_delta_log").toURI()).getParent();
        assertThat(Files.exists(items.resolve("_delta_log/00000000000000000010.checkpoint.parquet"))).isTrue();
        DeltaLogReader reader = DeltaLogReader.forTable(new Configuration(), new org.apache.hadoop.fs.Path(items.toUri()));
        assertThat(reader.latestVersion()).isEqualTo(12);
        assertThat(reader.lastCheckpointHint()).isEqualTo(10);
        for (long v = 0; v <= 12; v++) {
            long expected = v <= 1 ? 3 : Math.min(13, v + 2);
            assertThat(reader.snapshot(v).rows()).as("version %d", v).hasSize((int) expected);
        }
        DeltaLogReader.Snapshot latest = reader.latest();
        Map<String, Object> two = latest.rows().stream().filter(r -> r.get("id").equals(2L)).findFirst().orElseThrow();
        assertThat(two.get("name")).isEqualTo("two");
        assertThat(two.get("updated_at")).isInstanceOf(Instant.class);
        assertThat(latest.rows()).extracting(r -> r.get("id")).doesNotHaveDuplicates();
        assertThat(latest.txn()).as("the txn from the checkpoint and the commits after it").isNotEmpty();
        assertThat(latest.txn().values()).containsExactly(11L);
        assertThat(reader.snapshot(10).txn().values()).as("from the checkpoint").containsExactly(9L);
        assertThat(latest.configuration()).containsKey("lakehub.tag.first");
        assertThat(latest.protocol().path("minWriterVersion").asInt()).isEqualTo(2);
    }
}
