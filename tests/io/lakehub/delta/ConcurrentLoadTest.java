package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSourceTable;
import org.h2.jdbcx.JdbcDataSource;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub instances loading the same source into the same lake at once, as happens without
 * {@code lakehub.cluster.enabled}, or when "run now" reaches a follower: the second instance's load of
 * the same window commits between the first one's snapshot and its commit. The first one's commit
 * conflicts on the source's {@code txn}, starts over, finds its load already committed and writes
 * nothing: each source row is in silver once, and the history holds one commit per load.
 */
class ConcurrentLoadTest {

    @TempDir
    Path dir;

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    private final JdbcDataSource ds = new JdbcDataSource();

    private SqlIncrementalLoader instance(String id) {
        SqlSourceTable src = new SqlSourceTable();
        src.setName("shared");
        src.setTable("t");
        src.setKeys(List.of("id"));
        src.setWatermarkColumn("ts");
        src.setLag(Duration.ZERO);
        // each instance has its own LakeStorage and DeltaTable, as two processes would
        return new SqlIncrementalLoader(src, ds, new LakeStorage(dir.resolve("lake").toString()), id);
    }

    @Test
    void aLoadThatLosesTheRaceToTheSameLoadOfAnotherInstanceWritesNothing() throws Exception {
        ds.setURL("jdbc:h2:mem:concurrent-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        sql("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(5), ts TIMESTAMP(6) NOT NULL)",
                "INSERT INTO t VALUES (1, 'a', TIMESTAMP '2024-01-01 00:00:00'), (2, 'b', TIMESTAMP '2024-01-01 00:00:01')");
        SqlIncrementalLoader a = instance("hub-a");
        SqlIncrementalLoader b = instance("hub-b");

        // load 0 (the first WRITE): hub-b creates the table while hub-a is about to
        AtomicReference<SqlIncrementalLoader.LoadResult> bFirst = new AtomicReference<>();
        FaultInjection.armOnce(FaultPoint.DELTA_BEFORE_COMMIT, "shared", context -> bFirst.set(loadQuietly(b)));
        SqlIncrementalLoader.LoadResult aFirst = a.loadOnce();
        assertThat(bFirst.get().tableVersion()).isZero();
        assertThat(aFirst.alreadyCommitted()).as("hub-a's load 0 after hub-b committed it").isTrue();

        // load 1 (a MERGE): the same race on an existing table
        sql("INSERT INTO t VALUES (3, 'c', TIMESTAMP '2024-01-02 00:00:00')",
                "UPDATE t SET v = 'A', ts = TIMESTAMP '2024-01-02 00:00:01' WHERE id = 1");
        AtomicReference<SqlIncrementalLoader.LoadResult> bSecond = new AtomicReference<>();
        FaultInjection.armOnce(FaultPoint.DELTA_BEFORE_COMMIT, "shared", context -> bSecond.set(loadQuietly(b)));
        SqlIncrementalLoader.LoadResult aSecond = a.loadOnce();
        assertThat(bSecond.get().tableVersion()).isEqualTo(1);
        assertThat(bSecond.get().inserted()).isEqualTo(1);
        assertThat(bSecond.get().updated()).isEqualTo(1);
        assertThat(aSecond.alreadyCommitted()).as("hub-a's load 1 after hub-b committed it").isTrue();

        DeltaTable table = new DeltaTable(new LakeStorage(dir.resolve("lake").toString()), "shared");
        List<String> rows = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(table.snapshot(null))) {
            it.forEachRemaining(row -> rows.add(row[0] + "=" + row[1]));
        }
        assertThat(rows).containsExactlyInAnyOrder("1=A", "2=b", "3=c");
        List<Map<String, Object>> history = table.history(10);
        assertThat(history).as("one commit per load").hasSize(2);
        assertThat(history).extracting(h -> (Object) ((Map<?, ?>) h.get("userMetadata")).get("instance")).containsOnly("hub-b");

        // the next load of hub-a goes on from hub-b's watermark: nothing new, nothing written
        SqlIncrementalLoader.LoadResult aThird = a.loadOnce();
        assertThat(aThird.rows()).isZero();
        assertThat(table.history(10)).hasSize(2);
    }

    private static SqlIncrementalLoader.LoadResult loadQuietly(SqlIncrementalLoader loader) {
        try {
            return loader.loadOnce();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
