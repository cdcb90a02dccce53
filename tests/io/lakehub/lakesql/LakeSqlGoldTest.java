package io.lakehub.lakesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableVersions;
import io.lakehub.delta.VersionFiles;
import io.lakehub.testsupport.ItemsTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gold tables without Spring: a refresh after each new version of a source (direct or through a logical
 * view), none when nothing changed, the lineage naming the versions read, the engine's HUGEINT written
 * as decimal(38,0), and a column name Delta cannot hold refused with the fix.
 */
class LakeSqlGoldTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LakeStorage lake;
    private ItemsTable items;
    private LakeSqlEngine engine;
    private GoldProperties gold;

    @BeforeEach
    void setUp() throws Exception {
        lake = new LakeStorage(dir.resolve("lake").toString());
        items = new ItemsTable(lake, "items");
        items.insert(1, 2, 3).load();
        LakeSqlProperties props = new LakeSqlProperties();
        props.getViews().put("cheap_items", "select * from items where price < 5");
        engine = new LakeSqlEngine(lake, props);
        gold = new GoldProperties();
        gold.getTables().add(table("item_totals", "select count(*) as n, sum(id) as ids, sum(price) as amount from items"));
        gold.getTables().add(table("cheap_counts", "select count(*) as n from cheap_items"));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private static GoldProperties.Table table(String name, String sql) {
        GoldProperties.Table t = new GoldProperties.Table();
        t.setName(name);
        t.setSql(sql);
        return t;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lineage(String table) {
        return (Map<String, Object>) DeltaTable.gold(lake, table).history(1).get(0).get("userMetadata");
    }

    private JsonNode query(String sql) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SqlQueries q = new SqlQueries(engine)) {
            q.start(new SqlRequest(sql, null, null, null, SqlFormat.JSON, null)).writeTo(out);
        }
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void aGoldVersionPerSourceVersionWithItsLineage() throws Exception {
        RefreshGoldTables refresher = new RefreshGoldTables(engine, lake, gold);
        List<RefreshGoldTables.Refreshed> first = refresher.refreshDue();
        assertThat(first).extracting(RefreshGoldTables.Refreshed::table).containsExactly("item_totals", "cheap_counts");
        assertThat(first).extracting(RefreshGoldTables.Refreshed::version).containsExactly(0L, 0L);
        assertThat(lineage("item_totals")).containsEntry("sources", Map.of("items", 0)).containsEntry("gold", "item_totals");
        assertThat(lineage("cheap_counts")).containsEntry("sources", Map.of("items", 0));
        assertThat(refresher.refreshDue()).isEmpty();

        items.insert(4, 5).load();
        List<RefreshGoldTables.Refreshed> second = refresher.refreshDue();
        assertThat(second).extracting(RefreshGoldTables.Refreshed::version).containsExactly(1L, 1L);
        assertThat(second.get(0).reason()).isEqualTo("items 0 -> 1");
        assertThat(lineage("item_totals")).containsEntry("sources", Map.of("items", 1));
        assertThat(lineage("cheap_counts")).containsEntry("sources", Map.of("items", 1));

        JsonNode totals = query("select n, ids, amount from gold.item_totals");
        assertThat(totals.path("rows").get(0).get(0).asLong()).isEqualTo(5);
        assertThat(totals.path("rows").get(0).get(1).asLong()).isEqualTo(15);
        assertThat(totals.path("rows").get(0).get(2).decimalValue()).isEqualByComparingTo("22.50");
        assertThat(query("select n from gold.cheap_counts").path("rows").toString()).isEqualTo("[[3]]");
        assertThat(query("select n from gold.\"item_totals@0\"").path("rows").toString()).isEqualTo("[[3]]");
        VersionFiles files = new TableVersions(DeltaTable.gold(lake, "item_totals")).files(TableVersions.Selector.LATEST);
        assertThat(files.columns()).extracting(VersionFiles.Column::type).containsExactly("long", "decimal(38,0)", "decimal(38,2)");
        assertThat(files.files()).hasSize(1);
        assertThat(files.files().get(0).rows()).isEqualTo(1);

        // a Delta reader other than the SQL engine (Delta Kernel, through the hub's Delta package) reads every
        // gold version with the rows the engine answered: version 0 from items v0 (3 rows), version 1 from v1
        assertThat(goldRows("item_totals", 0L)).containsExactly(List.of(3L, 6L));
        assertThat(goldRows("item_totals", 1L)).containsExactly(List.of(5L, 15L));
    }

    /** The first two columns of each row of a gold version, read through Delta Kernel. */
    private List<List<Long>> goldRows(String table, long version) throws Exception {
        List<List<Long>> rows = new java.util.ArrayList<>();
        try (var it = DeltaTable.gold(lake, table).snapshot(version).rows()) {
            while (it.hasNext()) {
                Object[] r = it.next();
                rows.add(List.of(((Number) r[0]).longValue(), ((Number) r[1]).longValue()));
            }
        }
        return rows;
    }

    @Test
    void aColumnNameDeltaCannotHoldIsRefusedWithTheFix() {
        gold.getTables().clear();
        gold.getTables().add(table("bad", "select count(*) from items"));
        RefreshGoldTables refresher = new RefreshGoldTables(engine, lake, gold);
        assertThat(refresher.refreshDue()).isEmpty();
        assertThatThrownBy(() -> refresher.refresh("bad")).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("count_star()").hasMessageContaining("alias it");
        assertThat(DeltaTable.gold(lake, "bad").exists()).isFalse();
    }
}
