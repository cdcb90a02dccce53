package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.testsupport.DeltaLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hub's Delta commits (through Delta Kernel, {@link DeltaCommit} and {@link KernelActions}) put in the
 * log, read back from the commit files themselves and by the tests' {@link DeltaLogReader} as an independent reader
 * (no Kernel): protocol (1,2) for a table the hub creates, the hub's {@code commitInfo} (operation name,
 * metrics, {@code userMetadata}), {@code txn} actions, statistics, {@code remove} actions, checkpoints every 10
 * commits, no {@code .crc} files, the put-if-absent log store, and a rewrite planned again instead of rebased.
 */
class DeltaCommitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TableSchema SCHEMA = TableSchema.of(
        new Column("partition", ColumnType.INTEGER, true),
        new Column("offset", ColumnType.LONG, true));

    @TempDir
    Path dir;

    private DeltaTable table() {
        return new DeltaTable(new LakeStorage(dir.resolve("lake").toString()), "t");
    }

    private Path tableDir() {
        return dir.resolve("lake/silver/t");
    }

    private static DataFile file(DeltaTable t, int partition, long first, long last)
            throws java.io.IOException {
        ParquetRowWriter w = new ParquetRowWriter(t.path(), t.lake().conf(), SCHEMA);
        for (long o = first; o <= last; o++) {
            w.write(new Object[] {partition, o});
        }
        return w.finish();
    }

    /** The actions of commit {@code version}, one JSON object per line, keyed by action name. */
    private List<JsonNode> commit(long version) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(tableDir().resolve(String.format("_delta_log/%020d.json", version)))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<JsonNode> actions(List<JsonNode> commit, String name) {
        return commit.stream().filter(a -> a.has(name)).map(a -> a.get(name)).toList();
    }

    private List<String> crcFiles() throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList();
        }
    }

    @Test
    void aTableTheHubCreatesIsAtProtocolOneTwoWithTheHubsCommitInfoTxnAndStatistics() throws Exception {
        DeltaTable t = table();
        var f = file(t, 0, 0, 2);

        DeltaTable.AppendOutcome out = t.commitAppend(List.of(f), 3, SCHEMA, Map.of("app-0", 2L, "app-1", 7L),
                "{\"lineage\":\"test\"}");

        assertThat(out.version()).isZero();
        List<JsonNode> v0 = commit(0);
        JsonNode protocol = actions(v0, "protocol").get(0);
        assertThat(protocol.get("minReaderVersion").asInt()).isEqualTo(1);
        assertThat(protocol.get("minWriterVersion").asInt()).isEqualTo(2);
        assertThat(protocol.has("readerFeatures") || protocol.has("writerFeatures")).as("no table features").isFalse();
        assertThat(v0.get(0).has("commitInfo")).as("commitInfo first, as Spark writes it").isTrue();
        JsonNode info = v0.get(0).get("commitInfo");
        assertThat(info.get("operation").asText()).isEqualTo("STREAMING UPDATE");
        assertThat(info.get("operationParameters").get("outputMode").asText()).isEqualTo("Append");
        assertThat(info.get("operationMetrics").get("numOutputRows").asText()).isEqualTo("3");
        assertThat(info.get("operationMetrics").get("numAddedFiles").asText()).isEqualTo("1");
        assertThat(info.get("userMetadata").asText()).isEqualTo("{\"lineage\":\"test\"}");
        assertThat(info.get("engineInfo").asText()).isEqualTo(DeltaTable.ENGINE);
        assertThat(actions(v0, "txn")).extracting(x -> x.get("appId").asText() + "=" + x.get("version").asLong())
                .containsExactlyInAnyOrder("app-0=2", "app-1=7");
        JsonNode add = actions(v0, "add").get(0);
        assertThat(add.get("stats").isTextual()).as("stats is a JSON string (protocol)").isTrue();
        JsonNode stats = JSON.readTree(add.get("stats").asText());
        assertThat(stats.get("numRecords").asLong()).isEqualTo(3);
        assertThat(stats.get("minValues").get("offset").asLong()).isZero();
        assertThat(stats.get("maxValues").get("offset").asLong()).isEqualTo(2);
        assertThat(add.get("dataChange").asBoolean()).isTrue();
        JsonNode metaData = actions(v0, "metaData").get(0);
        assertThat(JSON.readTree(metaData.get("schemaString").asText()).get("fields")).extracting(x -> x.get("name").asText())
                .containsExactly("partition", "offset");
        assertThat(t.txnVersion("app-1")).isEqualTo(7);
        assertThat(crcFiles()).as("raw local files: no Hadoop .crc sidecars").isEmpty();
    }

    @Test
    void aCheckpointIsWrittenEveryTenCommitsAndDeltaStandaloneReadsEveryVersion() throws Exception {
        DeltaTable t = table();
        for (int i = 0; i <= 10; i++) {
            t.commitAppend(List.of(file(t, 0, i * 10L, i * 10L + 9)), 10, SCHEMA, Map.of("app-0", i * 10L + 9), "{}");
        }

        assertThat(tableDir().resolve("_delta_log/00000000000000000010.checkpoint.parquet")).exists();
        assertThat(JSON.readTree(tableDir().resolve("_delta_log/_last_checkpoint").toFile()).get("version").asLong())
                .isEqualTo(10);
        assertThat(crcFiles()).isEmpty();
        DeltaLogReader independent = DeltaLogReader.forTable(t.lake().conf(), t.path());
        assertThat(independent.latestVersion()).isEqualTo(10);
        for (long v = 0; v <= 10; v++) {
            assertThat(independent.snapshot(v).files()).hasSize((int) v + 1);
            assertThat(t.snapshot(v).files()).hasSize((int) v + 1);
        }
        assertThat(t.txnVersion("app-0")).as("the txn read back from the checkpoint and the log").isEqualTo(109);
    }

    @Test
    void anOverwriteRemovesEveryFileOfTheReadVersionWithItsSizeAndStatistics() throws Exception {
        DeltaTable t = table();
        t.commitAppend(List.of(file(t, 0, 0, 4), file(t, 1, 0, 4)), 10, SCHEMA, Map.of(), "{}");
        List<String> before = t.latest().files().stream().map(DataFile::path).toList();

        t.commitOverwrite(List.of(file(t, 2, 0, 1)), 2, SCHEMA, Map.of("lakehub.keys", "offset"), "{}");

        List<JsonNode> v1 = commit(1);
        List<JsonNode> removes = actions(v1, "remove");
        assertThat(removes).extracting(r -> r.get("path").asText()).containsExactlyInAnyOrderElementsOf(before);
        for (JsonNode r : removes) {
            assertThat(r.get("dataChange").asBoolean()).isTrue();
            assertThat(r.get("deletionTimestamp").asLong()).isPositive();
            assertThat(r.get("size").asLong()).isPositive();
            assertThat(JSON.readTree(r.get("stats").asText()).get("numRecords").asLong()).isEqualTo(5);
        }
        JsonNode info = v1.get(0).get("commitInfo");
        assertThat(info.get("operation").asText()).isEqualTo("WRITE");
        assertThat(info.get("operationParameters").get("mode").asText()).isEqualTo("Overwrite");
        assertThat(info.get("readVersion").asLong()).isZero();
        assertThat(info.get("operationMetrics").get("numRemovedFiles").asText()).isEqualTo("2");
        assertThat(t.properties()).containsEntry("lakehub.keys", "offset");
        DeltaLogReader.Snapshot independent = DeltaLogReader.forTable(t.lake().conf(), t.path()).latest();
        assertThat(independent.files()).hasSize(1);
        assertThat(independent.configuration()).containsEntry("lakehub.keys", "offset");
    }

    @Test
    void aRewriteThatLosesTheRaceIsPlannedAgainOnTheNewVersionNotRebased() throws Exception {
        DeltaTable t = table();
        t.commitAppend(List.of(file(t, 0, 0, 4)), 5, SCHEMA, Map.of("app-0", 4L), "{}");
        DeltaTable other = table();
        var concurrent = file(other, 1, 0, 9);
        List<Long> readVersions = new ArrayList<>();
        List<Integer> filesSeen = new ArrayList<>();

        long version = t.commitRewrite(SCHEMA, view -> {
            readVersions.add(view.readVersion());
            filesSeen.add(view.files().size());
            var replacement = file(t, 0, 0, 5);
            if (readVersions.size() == 1) {
                other.commitAppend(List.of(concurrent), 10, SCHEMA, Map.of("app-1", 9L), "{}"); // wins version 1
            }
            return new DeltaTable.RewritePlan(List.of(view.files().get(0)), List.of(replacement), 6,
                    Map.of("app-0", 5L), Map.of(), "{}");
        });

        assertThat(readVersions).as("planned on version 0, then again on the winner's version 1").containsExactly(0L, 1L);
        assertThat(filesSeen).containsExactly(1, 2);
        assertThat(version).isEqualTo(2);
        JsonNode info = commit(2).get(0).get("commitInfo");
        assertThat(info.get("operation").asText()).isEqualTo("MERGE");
        assertThat(info.get("readVersion").asLong()).isEqualTo(1);
        assertThat(t.latest().files()).hasSize(2);
        assertThat(t.txnVersion("app-1")).isEqualTo(9);
        assertThat(t.txnVersion("app-0")).isEqualTo(5);
    }

    @Test
    void kernelWritesCommitsThroughTheLocalPutIfAbsentLogStore() throws Exception {
        assertThat(io.delta.kernel.defaults.internal.logstore.LogStoreProvider.getLogStore(LakeStorage.hadoopConfiguration(),
                "file")).isInstanceOf(AtomicLocalLogStore.class);
        DeltaTable t = table();
        t.commitAppend(List.of(file(t, 0, 0, 1)), 2, SCHEMA, Map.of(), "{}");
        DeltaCommit first = DeltaCommit.begin(table());
        DeltaCommit second = DeltaCommit.begin(table());
        first.operation("Manual Update", Map.of("operation", "first"), Map.of(), null);
        second.operation("Manual Update", Map.of("operation", "second"), Map.of(), null);

        assertThat(first.commit()).isEqualTo(1);
        assertThatThrownBy(second::commit).isInstanceOf(CommitConflictException.class)
                .hasMessageContaining("won the race after version 0");

        String v1 = Files.readString(tableDir().resolve("_delta_log/00000000000000000001.json"), StandardCharsets.UTF_8);
        assertThat(v1).contains("\"first\"").doesNotContain("\"second\"");
    }
}
