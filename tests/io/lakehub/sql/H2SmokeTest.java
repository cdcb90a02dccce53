package io.lakehub.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import io.lakehub.delta.LakeStorage;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2SmokeTest {
    @TempDir
    Path dir;

    @Test
    void loads() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:smoke;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, amt DECIMAL(10,2), d DATE, name VARCHAR(20), ok BOOLEAN, updated_at TIMESTAMP(6))");
            st.execute("INSERT INTO t VALUES (1, 1.50, DATE '2015-12-01', 'a', TRUE, TIMESTAMP '2020-01-01 00:00:00')");
            st.execute("INSERT INTO t VALUES (2, NULL, NULL, NULL, NULL, TIMESTAMP '2020-01-01 00:00:00')");
        }
        SqlSourceTable src = new SqlSourceTable();
        src.setName("t");
        src.setTable("t");
        src.setKeys(List.of("id"));
        src.setWatermarkColumn("updated_at");
        LakeStorage lake = new LakeStorage("/tmp/smoke-lake-" + System.nanoTime());
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, lake);
        var r = loader.loadOnce();
        System.out.println(r);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("UPDATE t SET amt = 9.99, updated_at = TIMESTAMP '2020-01-02 00:00:00' WHERE id = 1");
            st.execute("INSERT INTO t VALUES (3, 3.00, NULL, 'c', FALSE, TIMESTAMP '2020-01-02 00:00:00')");
        }
        var r2 = loader.loadOnce();
        System.out.println(r2);
        System.out.println(loader.table().history(10));
        try (var it = loader.table().rows(loader.table().snapshot(null))) {
            while (it.hasNext()) System.out.println(java.util.Arrays.toString(it.next()));
        }
        assertThat(r2.updated()).isEqualTo(1);
    }
}
