package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file a {@link ParquetRowWriter} has just written is a {@link DataFile} (lakehub's type, statistics as plain
 * JSON); committed, its {@code add} action in the log is what the Delta protocol asks ("Add File and Remove File",
 * "Per-file Statistics"): {@code stats} a string holding the statistics JSON, {@code dataChange} true, the path and
 * size of the file. Read back through the snapshot, the same file and statistics come out, and
 * {@link DataFile.Statistics} gives the bounds in the columns' value classes.
 */
class WrittenFileActionsTest {

    static final TableSchema SCHEMA = TableSchema.of(
            new Column("id", ColumnType.LONG),
            new Column("at", ColumnType.TIMESTAMP),
            new Column("amount", ColumnType.decimal(12, 2)));

    @TempDir
    Path dir;

    @Test
    void aWrittenFileIsCommittedAsTheProtocolsAddActionAndReadBackWithItsStatistics() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        DeltaTable table = new DeltaTable(lake, "written");
        ParquetRowWriter writer = new ParquetRowWriter(table.path(), lake.conf(), SCHEMA);
        Instant t0 = Instant.parse("2025-03-30T01:30:00.123456Z");
        writer.write(new Object[] {7L, t0, new java.math.BigDecimal("10.50")});
        writer.write(new Object[] {3L, t0.plusSeconds(60), null});
        DataFile written = writer.finish();

        assertThat(written.deletionVector()).isNull();
        assertThat(written.size()).isEqualTo(Files.size(dir.resolve("lake/silver/written").resolve(written.path())));
        assertThat(new ObjectMapper().readTree(written.stats()).get("numRecords").asLong())
                .as("a written file's statistics are plain JSON").isEqualTo(2);

        table.commitAppend(List.of(written), 2, SCHEMA, Map.of("test", 1L), null);

        JsonNode add = null;
        for (String line : Files.readAllLines(dir.resolve("lake/silver/written/_delta_log/00000000000000000000.json"))) {
            JsonNode action = new ObjectMapper().readTree(line);
            if (action.has("add")) {
                add = action.get("add");
            }
        }
        assertThat(add).isNotNull();
        assertThat(add.get("path").asText()).isEqualTo(written.path());
        assertThat(add.get("size").asLong()).isEqualTo(written.size());
        assertThat(add.get("dataChange").asBoolean()).isTrue();
        assertThat(add.get("stats").isTextual()).as("add.stats is a string holding JSON").isTrue();
        assertThat(new ObjectMapper().readTree(add.get("stats").asText())).isEqualTo(new ObjectMapper().readTree(written.stats()));

        TableSnapshot latest = table.latest();
        assertThat(latest.schema()).isEqualTo(SCHEMA);
        DataFile read = latest.files().get(0);
        assertThat(read.path()).isEqualTo(written.path());
        DataFile.Statistics stats = read.statistics();
        assertThat(stats.numRecords()).isEqualTo(2);
        assertThat(stats.min(SCHEMA.column("id"))).isEqualTo(3L);
        assertThat(stats.max(SCHEMA.column("id"))).isEqualTo(7L);
        assertThat(stats.min(SCHEMA.column("at"))).as("milliseconds, rounded down").isEqualTo(Instant.parse("2025-03-30T01:30:00.123Z"));
        assertThat(stats.max(SCHEMA.column("at"))).as("milliseconds, rounded up").isEqualTo(Instant.parse("2025-03-30T01:31:00.124Z"));
        assertThat(stats.min(SCHEMA.column("amount"))).isEqualTo(new java.math.BigDecimal("10.50"));
        assertThat(stats.nullCount("amount")).isEqualTo(1);
        assertThat(stats.nullCount("id")).isZero();
    }
}
