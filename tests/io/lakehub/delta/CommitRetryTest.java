package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSourceTable;
import org.h2.jdbcx.JdbcDataSource;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit that lands between a load's snapshot and its commit makes the MERGE start over, not fail. */
class CommitRetryTest {

    @TempDir
    Path dir;

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    @Test
    void aTagCommittedDuringAMergeIsRetriedPast() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:retry-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        sql(ds, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(5), ts TIMESTAMP(6) NOT NULL)",
                "INSERT INTO t VALUES (1, 'a', TIMESTAMP '2024-01-01 00:00:00')");
        SqlSourceTable src = new SqlSourceTable();
        src.setName("racy");
        src.setTable("t");
        src.setKeys(List.of("id"));
        src.setWatermarkColumn("ts");
        src.setLag(Duration.ZERO);
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, new LakeStorage(dir.resolve("lake").toString()));
        loader.loadOnce();
        sql(ds, "INSERT INTO t VALUES (2, 'b', TIMESTAMP '2024-01-02 00:00:00')",
                "UPDATE t SET v = 'A', ts = TIMESTAMP '2024-01-02 00:00:01' WHERE id = 1");

        AtomicBoolean tagged = new AtomicBoolean();
        FaultInjection.armOnce(FaultPoint.DELTA_BEFORE_COMMIT, "racy", context -> {
            new TableTags(new DeltaTable(new LakeStorage(dir.resolve("lake").toString()), "racy")).set("v0", 0L, false);
            tagged.set(true);
        });
        SqlIncrementalLoader.LoadResult r = loader.loadOnce();

        assertThat(tagged).as("the concurrent tag commit happened inside the MERGE").isTrue();
        assertThat(r.tableVersion()).as("the MERGE lands after the tag commit (version 1)").isEqualTo(2);
        assertThat(r.updated()).isEqualTo(1);
        assertThat(r.inserted()).isEqualTo(1);
        List<String> rows = new ArrayList<>();
        try (DeltaTable.RowIterator it = loader.table().rows(loader.table().snapshot(null))) {
            it.forEachRemaining(row -> rows.add(row[0] + "=" + row[1]));
        }
        assertThat(rows).containsExactlyInAnyOrder("1=A", "2=b");
        assertThat(loader.table().properties()).containsEntry("lakehub.tag.v0", "0");
        assertThat(loader.table().history(1).get(0).get("operation")).isEqualTo("MERGE");
    }

    private static void sql(JdbcDataSource ds, String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
