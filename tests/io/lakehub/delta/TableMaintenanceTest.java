package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.testsupport.DeltaLogReader;
import io.lakehub.sql.SqlSourceTable;
import org.h2.jdbcx.JdbcDataSource;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPTIMIZE, VACUUM and CHECKPOINT ({@link TableMaintenance}) on a table loaded by the sql-incremental
 * loader from H2 with 5 rows per file: version 0 writes 23 rows in 5 files, version 1 MERGEs two updated
 * rows (rewriting the 2 files that held them and adding 1), so the table has 6 small files and 2
 * removed ones. Each check is what a user looks at: the rows of each version, the files in the table
 * folder, the commit JSON in {@code _delta_log}.
 */
class TableMaintenanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "items";

    @TempDir
    Path dir;

    private LakeStorage lake;
    private DeltaTable table;
    private Path tableDir;
    private Set<String> rowsV0;
    private Set<String> rowsV1;
    private JdbcDataSource ds;
    private SqlIncrementalLoader loader;

    @BeforeEach
    void loadTwoVersions() throws Exception {
        ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:maintenance-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        lake = new LakeStorage(dir.resolve("lake").toString());
        tableDir = dir.resolve("lake/silver/" + TABLE);
        sql(ds, "CREATE TABLE items (id BIGINT PRIMARY KEY, v VARCHAR(20), updated_at TIMESTAMP(6) NOT NULL)");
        StringBuilder insert = new StringBuilder("INSERT INTO items VALUES ");
        for (int id = 1; id <= 23; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'v").append(id)
                    .append("', TIMESTAMP '2024-01-01 00:00:00')");
        }
        sql(ds, insert.toString());
        SqlSourceTable source = new SqlSourceTable();
        source.setName(TABLE);
        source.setTable("items");
        source.setKeys(List.of("id"));
        source.setWatermarkColumn("updated_at");
        source.setLag(Duration.ZERO);
        source.setRowsPerFile(5);
        loader = new SqlIncrementalLoader(source, ds, lake);
        assertThat(loader.loadOnce().tableVersion()).isZero();
        sql(ds, "UPDATE items SET v = 'changed', updated_at = TIMESTAMP '2024-02-01 00:00:00' WHERE id IN (1, 12)");
        assertThat(loader.loadOnce().tableVersion()).isEqualTo(1);
        table = new DeltaTable(lake, TABLE);
        assertThat(table.snapshot(null).getAllFiles()).hasSize(6);
        rowsV0 = rows(0);
        rowsV1 = rows(1);
        assertThat(rowsV0).hasSize(23).contains("1=v1", "12=v12");
        assertThat(rowsV1).hasSize(23).contains("1=changed", "12=changed");
    }

    @Test
    void optimizeCompactsTheSmallFilesIntoOneVersionWithTheSameRows() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake);

        TableMaintenance.OptimizeResult r = maintenance.optimize(TABLE);

        assertThat(r.committed()).isTrue();
        assertThat(r.version()).isEqualTo(2);
        assertThat(r.filesRemoved()).isEqualTo(6);
        assertThat(r.filesAdded()).isEqualTo(1);
        assertThat(r.rows()).isEqualTo(23);
        assertThat(table.snapshot(2L).getAllFiles()).hasSize(1);
        assertThat(rows(2)).isEqualTo(rowsV1);
        assertThat(rows(1)).as("the previous version is still readable").isEqualTo(rowsV1);
        assertThat(rows(0)).as("and the first").isEqualTo(rowsV0);
        int readIndependently = 0;
        for (Map<String, Object> row : DeltaLogReader.forTable(lake.conf(), table.path()).snapshot(2L).rows()) {
            assertThat((Long) row.get("id")).isBetween(1L, 23L);
            readIndependently++;
        }
        assertThat(readIndependently).as("the independent DeltaLogReader reads the compacted file").isEqualTo(23);

        List<JsonNode> commit = commitJson(2);
        JsonNode info = commit.stream().filter(a -> a.has("commitInfo")).findFirst().orElseThrow().get("commitInfo");
        assertThat(info.get("operation").asText()).isEqualTo("Manual Update");
        assertThat(info.get("operationParameters").get("operation").asText()).isEqualTo("OPTIMIZE");
        assertThat(info.get("operationMetrics").get("numRemovedFiles").asText()).isEqualTo("6");
        assertThat(info.get("operationMetrics").get("numAddedFiles").asText()).isEqualTo("1");
        List<JsonNode> fileActions = commit.stream().filter(a -> a.has("add") || a.has("remove"))
                .map(a -> a.has("add") ? a.get("add") : a.get("remove")).toList();
        assertThat(fileActions).hasSize(7).allSatisfy(a -> assertThat(a.get("dataChange").asBoolean()).isFalse());
        JsonNode add = commit.stream().filter(a -> a.has("add")).findFirst().orElseThrow().get("add");
        assertThat(JSON.readTree(add.get("stats").asText()).get("numRecords").asLong()).isEqualTo(23);

        assertThat(table.history(1).get(0).get("operationParameters")).isEqualTo(Map.of("operation", "OPTIMIZE",
                "predicate", "[]", "zOrderBy", "[]", "targetFileRows", String.valueOf(TableMaintenance.DEFAULT_TARGET_FILE_ROWS)));
    }

    @Test
    void optimizePacksFilesIntoFilesOfAtMostTheTargetRows() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake, TableMaintenance.DEFAULT_MIN_RETENTION, 10);
        List<Long> before = fileRows(table.snapshot(null).getAllFiles());
        assertThat(before).containsExactlyInAnyOrder(5L, 5L, 4L, 4L, 3L, 2L);

        TableMaintenance.OptimizeResult r = maintenance.optimize(TABLE);

        assertThat(r.committed()).isTrue();
        assertThat(r.filesRemoved()).isEqualTo(6);
        assertThat(r.filesAdded()).isEqualTo(3);
        assertThat(rows(r.version())).isEqualTo(rowsV1);
        List<io.lakehub.delta.DataFile> after = table.snapshot(null).getAllFiles();
        assertThat(fileRows(after)).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
        assertThat(fileRows(after).stream().mapToLong(Long::longValue).sum()).isEqualTo(23);
        // packed in order of the key minimum (lakehub.keys = id), so the files' id ranges stay narrow for MERGE pruning
        assertThat(idRanges(after)).containsExactlyInAnyOrder("1..12", "6..15", "16..23");
    }

    private static List<String> idRanges(List<io.lakehub.delta.DataFile> files) throws Exception {
        List<String> out = new ArrayList<>();
        for (io.lakehub.delta.DataFile f : files) {
            JsonNode stats = JSON.readTree(FileStats.unquote(f.getStats()));
            out.add(stats.get("minValues").get("id").asLong() + ".." + stats.get("maxValues").get("id").asLong());
        }
        return out;
    }

    @Test
    void optimizeCommitsAfterAConcurrentLoadThatLeftItsFilesInPlace() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake);
        beforeOptimizeCommit(unchecked(() -> {
            sql(ds, "INSERT INTO items VALUES (24, 'v24', TIMESTAMP '2024-03-01 00:00:00')");
            assertThat(loader.loadOnce().tableVersion()).as("the load wins version 2").isEqualTo(2);
        }));

        TableMaintenance.OptimizeResult r = maintenance.optimize(TABLE);

        assertThat(r.committed()).isTrue();
        assertThat(r.version()).isEqualTo(3);
        assertThat(r.filesRemoved()).isEqualTo(6);
        Set<String> expected = new TreeSet<>(rowsV1);
        expected.add("24=v24");
        assertThat(rows(3)).isEqualTo(expected);
        assertThat(table.snapshot(3L).getAllFiles()).as("the compacted file and the load's file").hasSize(2);
    }

    @Test
    void optimizeLosingAFileToAConcurrentMergeChangesNothing() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake);
        beforeOptimizeCommit(unchecked(() -> {
            sql(ds, "UPDATE items SET v = 'again', updated_at = TIMESTAMP '2024-03-01 00:00:00' WHERE id = 7");
            assertThat(loader.loadOnce().updated()).isEqualTo(1);
        }));
        Set<String> filesBefore = dataFiles();

        assertThatThrownBy(() -> maintenance.optimize(TABLE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conflicted with a concurrent commit");

        assertThat(table.snapshot(null).getVersion()).as("only the load committed").isEqualTo(2);
        assertThat(rows(2)).contains("7=again").hasSize(23);
        Set<String> leftover = dataFiles();
        leftover.removeAll(filesBefore);
        leftover.removeAll(liveFiles());
        assertThat(leftover).as("the OPTIMIZE's files were deleted").isEmpty();
    }

    /** Runs {@code hook} once, at the next OPTIMIZE of the table between its rewrite and its commit. */
    private static void beforeOptimizeCommit(Runnable hook) {
        FaultInjection.armOnce(FaultPoint.OPTIMIZE_BEFORE_COMMIT, TABLE, context -> hook.run());
    }

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Runnable unchecked(Step step) {
        return () -> {
            try {
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void optimizeWithNothingToCompactMakesNoVersion() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake);
        assertThat(maintenance.optimize(TABLE).version()).isEqualTo(2);

        TableMaintenance.OptimizeResult again = maintenance.optimize(TABLE);

        assertThat(again.committed()).isFalse();
        assertThat(again.version()).isEqualTo(2);
        assertThat(table.snapshot(null).getVersion()).isEqualTo(2);
    }

    @Test
    void vacuumDeletesOnlyFilesThatNoVersionWithinTheRetentionNeeds() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake, Duration.ZERO, TableMaintenance.DEFAULT_TARGET_FILE_ROWS);
        maintenance.optimize(TABLE);
        Set<String> live = liveFiles();
        Set<String> removed = dataFiles();
        removed.removeAll(live);
        assertThat(removed).hasSize(8);
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3));
        for (String f : removed) {
            Files.setLastModifiedTime(tableDir.resolve(f), FileTime.from(threeDaysAgo));
        }
        Path oldOrphan = Files.writeString(tableDir.resolve("part-orphan-old.snappy.parquet"), "never committed");
        Files.setLastModifiedTime(oldOrphan, FileTime.from(threeDaysAgo));
        Path newOrphan = Files.writeString(tableDir.resolve("part-orphan-new.snappy.parquet"), "a load in flight");
        Files.setLastModifiedTime(newOrphan, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
        Set<String> logBefore = list(tableDir.resolve("_delta_log"));

        TableMaintenance.VacuumResult oneDay = maintenance.vacuum(TABLE, Duration.ofDays(1), false);

        assertThat(oneDay.files()).as("files removed just now are kept though written 3 days ago; the new orphan is kept")
                .containsExactly("part-orphan-old.snappy.parquet");
        assertThat(oldOrphan).doesNotExist();
        assertThat(newOrphan).exists();
        assertThat(dataFiles()).containsAll(removed);

        TableMaintenance.VacuumResult dry = maintenance.vacuum(TABLE, Duration.ZERO, true);
        Set<String> expected = new TreeSet<>(removed);
        expected.add("part-orphan-new.snappy.parquet");
        assertThat(dry.dryRun()).isTrue();
        assertThat(new TreeSet<>(dry.files())).isEqualTo(expected);
        assertThat(dry.startVersion()).isNull();
        assertThat(dataFiles()).as("a dry run deletes nothing").containsAll(expected);
        long versionBefore = table.snapshot(null).getVersion();

        TableMaintenance.VacuumResult r = maintenance.vacuum(TABLE, Duration.ZERO, false);

        assertThat(r.filesDeleted()).isEqualTo(9);
        assertThat(dataFiles()).isEqualTo(live);
        assertThat(list(tableDir.resolve("_delta_log"))).as("_delta_log untouched but for the four VACUUM START/END commits")
                .containsAll(logBefore).hasSize(logBefore.size() + 4);
        assertThat(r.startVersion()).isEqualTo(versionBefore + 1);
        assertThat(r.endVersion()).isEqualTo(versionBefore + 2);
        assertThat(rows(r.endVersion())).as("the current version is intact").isEqualTo(rowsV1);
        assertThat(table.history(2)).extracting(h -> (Object) ((Map<?, ?>) h.get("operationParameters")).get("operation"))
                .containsExactly("VACUUM END", "VACUUM START");
        assertThat(((Map<?, ?>) table.history(1).get(0).get("operationMetrics")).get("numDeletedFiles")).isEqualTo("9");
        assertThatThrownBy(() -> rows(0)).as("version 0 lost its files").isInstanceOf(Exception.class);

        assertThat(maintenance.vacuum(TABLE, Duration.ZERO, false).filesDeleted()).as("nothing left").isZero();
        assertThat(table.snapshot(null).getVersion()).as("a VACUUM with nothing to delete records nothing")
                .isEqualTo(r.endVersion());
    }

    @Test
    void vacuumKeepsTheFilesOfTaggedVersions() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake, Duration.ZERO, TableMaintenance.DEFAULT_TARGET_FILE_ROWS);
        new TableTags(table).set("v0-training", 0L, false);
        maintenance.optimize(TABLE);

        TableMaintenance.VacuumResult r = maintenance.vacuum(TABLE, Duration.ZERO, false);

        assertThat(r.filesDeleted()).as("only the files version 1 added and OPTIMIZE then compacted").isPositive();
        assertThat(rows(0)).as("the tagged version still reads").isEqualTo(rowsV0);
        assertThat(rows(table.snapshot(null).getVersion())).isEqualTo(rowsV1);
        assertThatThrownBy(() -> rows(1)).as("untagged version 1 lost files only it used").isInstanceOf(Exception.class);
    }

    @Test
    void vacuumRefusesARetentionShorterThanTheMinimum() throws Exception {
        TableMaintenance production = new TableMaintenance(lake);
        assertThat(production.minRetention()).isEqualTo(Duration.ofHours(168));
        new TableMaintenance(lake, Duration.ZERO, 1_000_000).optimize(TABLE);
        Set<String> files = dataFiles();

        assertThatThrownBy(() -> production.vacuum(TABLE, Duration.ofHours(1), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1h").hasMessageContaining("lakehub.maintenance.min-retention (168h)");
        assertThatThrownBy(() -> new TableMaintenance(lake, Duration.ZERO, 10).vacuum(TABLE, Duration.ofHours(-1), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dataFiles()).isEqualTo(files);
        assertThat(production.vacuum(TABLE, null, false).filesDeleted()).as("default retention 168h").isZero();
    }

    @Test
    void checkpointOnDemandWritesTheLatestVersion() throws Exception {
        TableMaintenance maintenance = new TableMaintenance(lake);
        assertThat(tableDir.resolve("_delta_log/_last_checkpoint")).doesNotExist();

        TableMaintenance.CheckpointResult r = maintenance.checkpoint(TABLE);

        assertThat(r.version()).isEqualTo(1);
        assertThat(r.written()).isTrue();
        assertThat(r.files()).isEqualTo(6);
        assertThat(r.checkpoint()).isEqualTo("_delta_log/00000000000000000001.checkpoint.parquet");
        assertThat(tableDir.resolve(r.checkpoint())).exists();
        JsonNode last = JSON.readTree(tableDir.resolve("_delta_log/_last_checkpoint").toFile());
        assertThat(last.get("version").asLong()).isEqualTo(1);
        assertThat(maintenance.checkpoint(TABLE).written()).as("already checkpointed").isFalse();
        // a fresh reader starts from the checkpoint, without the commits before it
        Files.delete(tableDir.resolve("_delta_log/00000000000000000000.json"));
        table = new DeltaTable(lake, TABLE);
        assertThat(rows(1)).isEqualTo(rowsV1);
    }

    @Test
    void anUnknownTableIsNoSuchElement() {
        TableMaintenance maintenance = new TableMaintenance(lake);
        assertThatThrownBy(() -> maintenance.optimize("nope")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> maintenance.vacuum("nope", null, true)).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> maintenance.checkpoint("nope")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> maintenance.optimize("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void sql(JdbcDataSource ds, String statement) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private Set<String> rows(long version) throws Exception {
        Set<String> out = new TreeSet<>();
        try (DeltaTable.RowIterator it = table.rows(table.snapshot(version))) {
            while (it.hasNext()) {
                Object[] row = it.next();
                assertThat(out.add(row[0] + "=" + row[1])).as("no duplicate row").isTrue();
            }
        }
        return out;
    }

    private static List<Long> fileRows(List<io.lakehub.delta.DataFile> files) throws Exception {
        List<Long> out = new ArrayList<>();
        for (io.lakehub.delta.DataFile f : files) {
            out.add(JSON.readTree(FileStats.unquote(f.getStats())).get("numRecords").asLong());
        }
        return out;
    }

    private List<JsonNode> commitJson(long version) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(tableDir.resolve(String.format("_delta_log/%020d.json", version)))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private Set<String> liveFiles() {
        return table.snapshot(null).getAllFiles().stream().map(io.lakehub.delta.DataFile::getPath).collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> dataFiles() throws Exception {
        try (Stream<Path> files = Files.list(tableDir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> list(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
