package io.lakehub.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSourceTable;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A small source table {@code items(id, name, price, updated_at)} in its own H2 in-memory database,
 * loaded by the real {@link SqlIncrementalLoader} into {@code silver/<target>}, so that tests can build
 * table versions by hand: each {@link #load()} is one Delta version with exactly the changes made since
 * the previous one. Every insert or update moves {@code updated_at} one second on from 2024-01-01, so
 * the watermark sees it (timestamps in the past, lag zero: no waiting).
 */
public final class ItemsTable {

    private final JdbcDataSource ds = new JdbcDataSource();
    private final LakeStorage lake;
    private final String target;
    private final SqlIncrementalLoader loader;
    private LocalDateTime clock = LocalDateTime.of(2024, 1, 1, 0, 0);
    private int replays;

    /** Creates the source table (empty) for silver table {@code target}. */
    public ItemsTable(LakeStorage lake, String target) throws Exception {
        this.lake = lake;
        this.target = target;
        ds.setURL("jdbc:h2:mem:items-" + target + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        sql("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2),"
                + " updated_at TIMESTAMP(6) NOT NULL)");
        SqlSourceTable t = source(target);
        t.setTable("items");
        this.loader = new SqlIncrementalLoader(t, ds, lake);
    }

    private SqlSourceTable source(String name) {
        SqlSourceTable t = new SqlSourceTable();
        t.setName(name);
        t.setTarget(target);
        t.setKeys(List.of("id"));
        t.setWatermarkColumn("updated_at");
        t.setLag(Duration.ZERO);
        return t;
    }

    /** Runs SQL statements against the source. */
    public void sql(String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Inserts rows {@code ids} with name {@code item<id>} and price {@code id * 1.50}. */
    public ItemsTable insert(long... ids) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
            for (long id : ids) {
                clock = clock.plusSeconds(1);
                ps.setLong(1, id);
                ps.setString(2, "item" + id);
                ps.setBigDecimal(3, java.math.BigDecimal.valueOf(id * 150, 2));
                ps.setObject(4, clock);
                ps.executeUpdate();
            }
        }
        return this;
    }

    /** Renames row {@code id} (a real change: name and updated_at differ). */
    public ItemsTable rename(long id, String name) throws Exception {
        clock = clock.plusSeconds(1);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE items SET name = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, name);
            ps.setObject(2, clock);
            ps.setLong(3, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no item " + id);
            }
        }
        return this;
    }

    /** Loads the changes since the last load as one version. @return the new table version */
    public long load() throws Exception {
        SqlIncrementalLoader.LoadResult r = loader.loadOnce();
        if (r.tableVersion() < 0) {
            throw new IllegalStateException("nothing was loaded");
        }
        return r.tableVersion();
    }

    /** Loads the changes since the last load, if any, and tells what the load did (version -1: nothing to load). */
    public SqlIncrementalLoader.LoadResult loadResult() throws Exception {
        return loader.loadOnce();
    }

    /**
     * Loads row {@code id} again, unchanged, through a second source (its own watermark) writing into
     * the same table: a MERGE that replaces the row with an identical copy, as a replayed or
     * re-extracted window does. @return the new table version
     */
    public long reload(long id) throws Exception {
        SqlSourceTable t = source(target + "_reload" + (++replays));
        t.setQuery("SELECT * FROM items WHERE id = " + id);
        SqlIncrementalLoader.LoadResult r = new SqlIncrementalLoader(t, ds, lake).loadOnce();
        if (r.tableVersion() < 0 || r.updated() != 1) {
            throw new IllegalStateException("the reload of " + id + " did not replace one row: " + r);
        }
        return r.tableVersion();
    }

    /** The silver table, through a new {@link DeltaTable} (a fresh Delta log, as after a restart). */
    public DeltaTable table() {
        return new DeltaTable(lake, target);
    }
}
