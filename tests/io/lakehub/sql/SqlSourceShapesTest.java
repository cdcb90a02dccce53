package io.lakehub.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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

    private List<List<Object>> rows(DeltaTable table) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(table.snapshot(null))) {
            while (it.hasNext()) {
                out.add(List.of(it.next()));
            }
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
        assertThat(rows(loader.table())).extracting(r -> r.get(0) + "=" + r.get(2))
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
        assertThat(rows(loader.table())).extracting(row -> row.get(0) + "/" + row.get(1) + "=" + row.get(2))
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
        assertThat(dir.resolve("lake/bronze/sql/dupes/load=000000/dupes.csv")).doesNotExist();

        sql("DELETE FROM a WHERE v = 'x'");
        assertThat(loader.loadOnce().rows()).as("recovers once the source is fixed").isEqualTo(1);
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
