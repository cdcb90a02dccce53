package io.lakehub.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source shapes beyond a table with a timestamp watermark and one key: a query source, an integer
 * watermark, a composite key without a tie-breaker, and a source that breaks the key contract.
 */
class SqlSourceShapesTest {

    @TempDir
    Path dir;

    private JdbcDataSource ds;
    private LakeStorage lake;

    @BeforeEach
    void setUp() throws Exception {
        ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:shapes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        lake = new LakeStorage(dir.resolve("lake").toString());
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static SqlSourceTable source(String name, List<String> keys, String watermark) {
        SqlSourceTable t = new SqlSourceTable();
        t.setName(name);
        t.setKeys(keys);
        t.setWatermarkColumn(watermark);
        t.setLag(java.time.Duration.ZERO);
        return t;
    }

    private List<Object[]> rows(DeltaTable table) throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(table.snapshot(null))) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void integerWatermarkLoadsOnlyRowsAboveTheHighWaterMark() throws Exception {
        sql("CREATE TABLE events (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, v VARCHAR(10))",
                "INSERT INTO events VALUES (1, 10, 'a'), (2, 20, 'b')");
        SqlSourceTable t = source("events", List.of("id"), "seq");
        t.setTable("events");
        SqlIncrementalLoader loader = new SqlIncrementalLoader(t, ds, lake);
        SqlIncrementalLoader.LoadResult first = loader.loadOnce();
        assertThat(first.rows()).isEqualTo(2);
        assertThat(first.watermark().value()).isEqualTo("20");

        sql("INSERT INTO events VALUES (3, 30, 'c')", "UPDATE events SET seq = 40, v = 'B' WHERE id = 2");
        SqlIncrementalLoader.LoadResult second = loader.loadOnce();
        assertThat(second.rows()).isEqualTo(2);
        assertThat(second.updated()).isEqualTo(1);
        assertThat(second.inserted()).isEqualTo(1);
        assertThat(rows(loader.table())).extracting(r -> r[0] + "=" + r[2])
                .containsExactlyInAnyOrder("1=a", "2=B", "3=c");
        assertThat(loader.loadOnce().tableVersion()).as("nothing new: no version").isEqualTo(-1);
    }

    @Test
    void queryWithCompositeKeyAndNoTieBreakerReadsWholeTimestampGroups() throws Exception {
        sql("CREATE TABLE lines (order_id INT NOT NULL, line INT NOT NULL, qty INT, changed TIMESTAMP(6) NOT NULL,"
                        + " PRIMARY KEY (order_id, line))",
                "INSERT INTO lines VALUES (1, 1, 5, TIMESTAMP '2024-01-01 10:00:00'), (1, 2, 6, TIMESTAMP '2024-01-01 10:00:00'),"
                        + " (2, 1, 7, TIMESTAMP '2024-01-01 10:00:00'), (3, 1, 0, TIMESTAMP '2024-01-01 11:00:00')");
        SqlSourceTable t = source("order_lines", List.of("order_id", "line"), "changed");
        t.setQuery("SELECT order_id, line, qty, changed FROM lines WHERE qty > 0");
        t.setBatchSize(2);
        SqlIncrementalLoader loader = new SqlIncrementalLoader(t, ds, lake);
        assertThat(t.effectiveTieBreaker()).isNull();
        SqlIncrementalLoader.LoadResult r = loader.loadOnce();
        assertThat(r.rows()).as("a timestamp group is never cut without a tie-breaker").isEqualTo(3);
        assertThat(r.moreRows()).isFalse();

        sql("UPDATE lines SET qty = 9, changed = TIMESTAMP '2024-01-02 00:00:00' WHERE order_id = 1 AND line = 2");
        SqlIncrementalLoader.LoadResult r2 = loader.loadOnce();
        assertThat(r2.updated()).isEqualTo(1);
        assertThat(rows(loader.table())).extracting(row -> row[0] + "/" + row[1] + "=" + row[2])
                .containsExactlyInAnyOrder("1/1=5", "1/2=9", "2/1=7");
    }

    @Test
    void aSourceReturningAKeyTwiceFailsTheLoadAndCommitsNothing() throws Exception {
        sql("CREATE TABLE a (id BIGINT, v VARCHAR(5), ts TIMESTAMP(6) NOT NULL)",
                "INSERT INTO a VALUES (1, 'x', TIMESTAMP '2024-01-01 00:00:00'), (1, 'y', TIMESTAMP '2024-01-01 00:00:01')");
        SqlSourceTable t = source("dupes", List.of("id"), "ts");
        t.setTable("a");
        t.setTieBreakerColumn("v");
        SqlIncrementalLoader loader = new SqlIncrementalLoader(t, ds, lake);
        assertThatThrownBy(loader::loadOnce).hasMessageContaining("key 1 twice in one load");
        assertThat(loader.table().exists()).isFalse();
        Path tableDir = dir.resolve("lake/silver/dupes");
        if (Files.exists(tableDir)) {
            try (var files = Files.list(tableDir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".parquet"))).as("staged files removed").isEmpty();
            }
        }
        assertThat(dir.resolve("lake/bronze/sql/dupes/load=000000")).as("no bronze file of the failed load").doesNotExist();

        sql("DELETE FROM a WHERE v = 'x'");
        assertThat(loader.loadOnce().rows()).as("recovers once the source is fixed").isEqualTo(1);
    }

    @Test
    void softDeletedRowsLeaveSilverButStayInTheHistory() throws Exception {
        sql("CREATE TABLE accts (id BIGINT PRIMARY KEY, owner VARCHAR(10), is_deleted BOOLEAN NOT NULL, ts TIMESTAMP(6) NOT NULL)",
                "INSERT INTO accts VALUES (1, 'ann', FALSE, TIMESTAMP '2024-01-01 00:00:00'),"
                        + " (2, 'bob', FALSE, TIMESTAMP '2024-01-01 00:00:01'), (3, 'cy', FALSE, TIMESTAMP '2024-01-01 00:00:02')");
        SqlSourceTable t = source("accts", List.of("id"), "ts");
        t.setTable("accts");
        t.setSoftDeleteColumn("is_deleted");
        SqlIncrementalLoader loader = new SqlIncrementalLoader(t, ds, lake);
        assertThat(loader.loadOnce().inserted()).isEqualTo(3);

        sql("UPDATE accts SET is_deleted = TRUE, ts = TIMESTAMP '2024-01-02 00:00:00' WHERE id = 2",
                "INSERT INTO accts VALUES (4, 'dee', TRUE, TIMESTAMP '2024-01-02 00:00:01'),"
                        + " (5, 'eve', FALSE, TIMESTAMP '2024-01-02 00:00:02')");
        SqlIncrementalLoader.LoadResult r = loader.loadOnce();
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.deleted()).as("row 2 removed").isEqualTo(1);
        assertThat(r.inserted()).as("row 5; row 4 arrived already deleted").isEqualTo(1);
        assertThat(r.updated()).isZero();
        assertThat(rows(loader.table())).extracting(row -> row[0]).containsExactlyInAnyOrder(1L, 3L, 5L);
        @SuppressWarnings("unchecked")
        java.util.Map<String, String> metrics = (java.util.Map<String, String>) loader.table().history(1).get(0).get("operationMetrics");
        assertThat(metrics).containsEntry("numTargetRowsDeleted", "1").containsEntry("numTargetRowsInserted", "1");
        List<Object> v0 = new ArrayList<>();
        try (DeltaTable.RowIterator it = loader.table().rows(loader.table().snapshot(0L))) {
            it.forEachRemaining(row -> v0.add(row[0]));
        }
        assertThat(v0).as("version 0 keeps row 2").containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(dir.resolve("lake/" + r.bronzePath())).content().contains("2,bob,true");
    }

    @Test
    void loadsAreTaggedByTheYearOfAColumnAndKeysAreRecorded() throws Exception {
        sql("CREATE TABLE l (id BIGINT PRIMARY KEY, issue_d DATE, ts TIMESTAMP(6) NOT NULL)",
                "INSERT INTO l VALUES (1, DATE '2015-03-01', TIMESTAMP '2024-01-01 00:00:00'),"
                        + " (2, DATE '2015-12-01', TIMESTAMP '2024-01-01 00:00:01')");
        SqlSourceTable t = source("l", List.of("id"), "ts");
        t.setTable("l");
        t.setTagByYearOf("issue_d");
        SqlIncrementalLoader loader = new SqlIncrementalLoader(t, ds, lake);
        loader.loadOnce();
        sql("INSERT INTO l VALUES (3, DATE '2016-01-01', TIMESTAMP '2024-01-02 00:00:00')");
        loader.loadOnce();
        assertThat(loader.table().properties())
                .containsEntry("lakehub.tag.v2015", "0")
                .containsEntry("lakehub.tag.v2016", "1")
                .containsEntry("lakehub.keys", "id");
        String log1 = Files.readString(dir.resolve("lake/silver/l/_delta_log/00000000000000000001.json"));
        assertThat(log1).contains("lakehub.tag.v2016");
    }

    @Test
    void partitionedTableWritesHiveFoldersAndMergesWithinThePartition() throws Exception {
        sql("CREATE TABLE loans (id BIGINT PRIMARY KEY, amt DECIMAL(10,2), issue_d DATE, ts TIMESTAMP(6) NOT NULL)",
                "INSERT INTO loans VALUES (1, 10.00, DATE '2015-03-01', TIMESTAMP '2024-01-01 00:00:00'),"
                        + " (2, 20.00, DATE '2016-05-01', TIMESTAMP '2024-01-01 00:00:01'),"
                        + " (3, 30.00, DATE '2015-07-01', TIMESTAMP '2024-01-01 00:00:02')");
        SqlSourceTable t = source("ploans", List.of("id"), "ts");
        t.setQuery("SELECT id, amt, issue_d, EXTRACT(YEAR FROM issue_d) AS issue_year, ts FROM loans");
        t.setPartitionBy(List.of("issue_year"));
        SqlIncrementalLoader loader = new SqlIncrementalLoader(t, ds, lake);
        loader.loadOnce();

        DeltaTable table = loader.table();
        assertThat(table.snapshot(null).getMetadata().getPartitionColumns()).containsExactly("issue_year");
        assertThat(table.snapshot(null).getAllFiles()).extracting(f -> f.getPath().substring(0, f.getPath().indexOf('/')))
                .containsExactlyInAnyOrder("issue_year=2015", "issue_year=2016");
        assertThat(table.snapshot(null).getAllFiles()).extracting(f -> f.getPartitionValues().get("issue_year"))
                .containsExactlyInAnyOrder("2015", "2016");
        String file2016 = table.snapshot(null).getAllFiles().stream()
                .filter(f -> f.getPath().startsWith("issue_year=2016/")).findFirst().orElseThrow().getPath();

        sql("UPDATE loans SET amt = 11.00, ts = TIMESTAMP '2024-02-01 00:00:00' WHERE id = 1");
        SqlIncrementalLoader.LoadResult r = loader.loadOnce();
        assertThat(r.updated()).isEqualTo(1);
        assertThat(table.snapshot(null).getAllFiles()).extracting(f -> f.getPath())
                .as("the 2016 file holds no incoming key and stays").contains(file2016)
                .allMatch(path -> path.startsWith("issue_year=2015/") || path.startsWith("issue_year=2016/"));
        assertThat(rows(table)).extracting(row -> row[0] + "=" + row[1] + "@" + row[3])
                .containsExactlyInAnyOrder("1=11.00@2015", "2=20.00@2016", "3=30.00@2015");
        assertThat(Files.isDirectory(dir.resolve("lake/silver/ploans/issue_year=2016"))).isTrue();

        int independent = 0;
        for (Map<String, Object> rec : io.lakehub.testsupport.DeltaLogReader.forTable(LakeStorage.hadoopConfiguration(),
                new org.apache.hadoop.fs.Path(dir.resolve("lake/silver/ploans").toString())).latest().rows()) {
            assertThat((Integer) rec.get("issue_year")).isIn(2015, 2016);
            independent++;
        }
        assertThat(independent).as("the independent DeltaLogReader reads the partitioned table").isEqualTo(3);

        SqlSourceTable repartitioned = source("ploans", List.of("id"), "ts");
        repartitioned.setQuery(t.getQuery());
        repartitioned.setPartitionBy(List.of("amt"));
        sql("UPDATE loans SET ts = TIMESTAMP '2024-03-01 00:00:00' WHERE id = 2");
        assertThatThrownBy(() -> new SqlIncrementalLoader(repartitioned, ds, lake).loadOnce())
                .hasMessageContaining("partitioned by [issue_year]");
    }

    @Test
    void badConfigurationIsRefusedWithTheSettingNamed() {
        SqlSourceTable t = source("loans", List.of("id"), "updated_at");
        t.setTable("loans; DROP TABLE x");
        assertThatThrownBy(() -> new SqlIncrementalLoader(t, ds, lake))
                .hasMessageContaining("lakehub.sql.tables[loans].table");
        SqlSourceTable noKeys = source("loans", List.of(), "updated_at");
        noKeys.setTable("loans");
        assertThatThrownBy(noKeys::validate).hasMessageContaining("keys");
    }
}
