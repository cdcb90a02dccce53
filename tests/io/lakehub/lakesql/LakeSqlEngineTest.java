package io.lakehub.lakesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableTags;
import io.lakehub.delta.TableVersions.Selector;
import io.lakehub.testsupport.ItemsTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against real Delta tables built by the sql-incremental loader from H2: every version and
 * tag readable by name, pinning, logical views, the statements it refuses (each of issue 15 item 6), the
 * engine's own containment under the statement check, refused table features, and the statement timeout.
 */
class LakeSqlEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LakeStorage lake;
    private LakeSqlEngine engine;
    private SqlQueries queries;
    private LakeSqlProperties props;
    private ItemsTable items;

    @BeforeEach
    void setUp() throws Exception {
        lake = new LakeStorage(dir.resolve("lake").toString());
        items = new ItemsTable(lake, "items");
        items.insert(1, 2, 3).load();                   // version 0: items 1..3
        items.insert(4).rename(1, "renamed").load();    // version 1: items 1..4, item 1 renamed
        new TableTags(items.table()).set("first", 0, false); // version 2: a tag, same rows as version 1
        ItemsTable owners = new ItemsTable(lake, "owners");
        owners.insert(1, 2, 4, 9).load();
        Files.writeString(dir.resolve("outside.csv"), "secret\nfrom outside the lake\n");
        props = new LakeSqlProperties();
        props.getViews().put("expensive_items", "select id, name, price from items where price > 2");
        props.getViews().put("expensive_owned", "select e.id from expensive_items e join owners o on o.id = e.id");
        start();
    }

    private void start() {
        engine = new LakeSqlEngine(lake, props);
        queries = new SqlQueries(engine);
    }

    @AfterEach
    void tearDown() {
        queries.close();
        engine.close();
    }

    private JsonNode query(String sql) throws Exception {
        return query(new SqlRequest(sql, null, null, null, SqlFormat.JSON, null));
    }

    private JsonNode query(SqlRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        queries.start(request).writeTo(out);
        return JSON.readTree(out.toByteArray());
    }

    private static List<String> column(JsonNode result, int index) {
        List<String> out = new ArrayList<>();
        result.path("rows").forEach(r -> out.add(r.get(index).asText()));
        return out;
    }

    @Test
    void everyVersionAndTagIsATableName() throws Exception {
        JsonNode latest = query("select id, name, price from items order by id");
        assertThat(column(latest, 1)).containsExactly("renamed", "item2", "item3", "item4");
        assertThat(latest.path("rows").get(0).get(2).decimalValue()).isEqualByComparingTo("1.50");
        assertThat(latest.path("versions").path("items").asLong()).isEqualTo(2);
        assertThat(latest.path("columns").get(2).path("type").asText()).isEqualTo("DECIMAL(10,2)");

        assertThat(column(query("select name from \"items@0\" order by id"), 0)).containsExactly("item1", "item2", "item3");
        assertThat(column(query("select name from \"items@first\" order by id"), 0)).containsExactly("item1", "item2", "item3");
        JsonNode pinned = query(new SqlRequest("select count(*) from items", null, "first", null, SqlFormat.JSON, null));
        assertThat(pinned.path("rows").get(0).get(0).asLong()).isEqualTo(3);
        assertThat(pinned.path("versions").path("items").asLong()).isZero();

        // the same table at two versions in one query: what changed between them
        JsonNode diff = query("select n.id, o.name as before, n.name as after from items n join \"items@0\" o on o.id = n.id"
                + " where o.name <> n.name");
        assertThat(diff.path("rowCount").asLong()).isEqualTo(1);
        assertThat(diff.path("rows").get(0).toString()).isEqualTo("[1,\"item1\",\"renamed\"]");
        assertThat(diff.path("versions").path("items").asLong()).isEqualTo(2);
        assertThat(diff.path("versions").path("items@0").asLong()).isZero();
    }

    @Test
    void aNewVersionIsSeenByTheNextQuery() throws Exception {
        assertThat(query("select count(*) from items").path("rows").get(0).get(0).asLong()).isEqualTo(4);
        assertThat(query("select count(*) from expensive_items").path("rows").get(0).get(0).asLong()).isEqualTo(3);
        items.insert(10, 11).load();
        assertThat(query("select count(*) from items").path("rows").get(0).get(0).asLong()).isEqualTo(6);
        JsonNode viaView = query("select count(*) from expensive_items");
        assertThat(viaView.path("rows").get(0).get(0).asLong()).isEqualTo(5);
        assertThat(viaView.path("versions").path("items").asLong()).isEqualTo(3);
    }

    @Test
    void logicalViewsReadOtherViewsAndTables() throws Exception {
        JsonNode r = query("select id from expensive_owned order by id");
        assertThat(column(r, 0)).containsExactly("2", "4");
        assertThat(r.path("versions").properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("items", "owners");
        assertThatThrownBy(() -> query("select * from \"expensive_items@0\""))
                .isInstanceOf(SqlRefusedException.class).hasMessageContaining("always reads the latest versions");
    }

    @Test
    void csvAndParquetOutputs() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        queries.start(new SqlRequest("select id, name from items order by id", null, null, null, SqlFormat.CSV, 2)).writeTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id,name\r\n1,renamed\r\n2,item2\r\n");

        out.reset();
        queries.start(new SqlRequest("select id from items", null, null, null, SqlFormat.PARQUET, null)).writeTo(out);
        Path file = dir.resolve("answer.parquet");
        Files.write(file, out.toByteArray());
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*), sum(id) from read_parquet('" + file + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(4);
            assertThat(rs.getLong(2)).isEqualTo(10);
        }
        assertThat(Files.list(engine.staging()).filter(p -> p.toString().endsWith(".parquet"))).isEmpty();
    }

    @Test
    void theRowLimitTruncates() throws Exception {
        JsonNode r = query(new SqlRequest("select * from range(10)", null, null, null, SqlFormat.JSON, 3));
        assertThat(r.path("rowCount").asLong()).isEqualTo(3);
        assertThat(r.path("truncated").asBoolean()).isTrue();
        assertThatThrownBy(() -> query(new SqlRequest("select 1", null, null, null, SqlFormat.JSON, 100_001)))
                .isInstanceOf(SqlRefusedException.class).hasMessageContaining("limit must be between 1 and 100000");
    }

    /** Issue 15 item 6, each refused with the reason, and nothing written or read outside the lake. */
    @ParameterizedTest
    @ValueSource(strings = {
        "COPY (select * from items) TO '%s/copy.csv'",
        "COPY items TO '%s/copy.parquet' (FORMAT parquet)",
        "ATTACH '%s/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA version",
        "CREATE TABLE t AS SELECT 1",
        "CREATE OR REPLACE VIEW items AS SELECT 1",
        "INSERT INTO items VALUES (9, 'x', 1, now())",
        "DELETE FROM items",
        "DROP VIEW \"items@0\"",
        "EXPORT DATABASE '%s/export'",
        "select 1; select 2",
    })
    void nonSelectStatementsAreRefused(String template) {
        String sql = template.formatted(dir);
        assertThatThrownBy(() -> query(sql)).isInstanceOf(SqlRefusedException.class)
                .hasMessageMatching("(?s).*(only a single SELECT|exactly one statement).*");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("lake", "outside.csv");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "select * from read_csv('/etc/passwd')",
        "select * from read_csv('%s/outside.csv')",
        "select * from read_text('/etc/hostname')",
        "select * from read_parquet('%s/lake/silver/items/*.parquet')",
        "select * from glob('%s/**')",
        "select * from query('select 42')",
        "select * from duckdb_settings()",
        "select count(*) from items where id in (select 1 from read_csv('/etc/passwd'))",
    })
    void tableFunctionsThatReadAreRefused(String template) {
        assertThatThrownBy(() -> query(template.formatted(dir))).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("is not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "select * from '/etc/passwd'",
        "select * from '%s/outside.csv'",
        "select * from nosuchtable",
        "select * from other.items",
        "select * from memory.main.items",
        "select * from items AT (VERSION => 0)",
        "select * from \"items@7\"",
        "select * from \"items@nosuchtag\"",
    })
    void unknownNamesAreRefused(String template) {
        assertThatThrownBy(() -> query(template.formatted(dir))).isInstanceOf(SqlRefusedException.class)
                .hasMessageMatching("(?s).*(unknown table|unknown schema|does not exist|catalog-qualified|AT \\(VERSION|versions 0..2|no tag).*");
    }

    /** Under the statement check, the engine itself is locked: its settings hold even for the hub's own connections. */
    @Test
    void theEngineItselfReadsOnlyTheLake() throws Exception {
        try (Connection c = engine.connect(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("select * from read_csv('" + dir.resolve("outside.csv") + "')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("disabled by configuration");
        }
        try (Connection c = engine.connect(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("select * from read_csv('/etc/passwd')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("disabled by configuration");
        }
        try (Connection c = engine.connect(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("SET enable_external_access = true"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("the configuration has been locked");
        }
        try (Connection c = engine.connect(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("ATTACH '" + dir.resolve("x.duckdb") + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("disabled by configuration");
        }
        try (Connection c = engine.connect(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("LOAD httpfs")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("disabled");
        }
        assertThat(dir.resolve("x.duckdb")).doesNotExist();
    }

    @Test
    void engineErrorsCarryTheEngineMessage() {
        assertThatThrownBy(() -> query("select nosuchcolumn from items")).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("nosuchcolumn");
        assertThatThrownBy(() -> query("selec 1")).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("syntax error");
    }

    @Test
    void aStatementRunningPastTheTimeoutIsCancelled() {
        tearDown();
        props.getQuery().setTimeout(Duration.ofMillis(500));
        start();
        long started = System.nanoTime();
        assertThatThrownBy(() -> query("select count(*) from range(1000000000000) a where a.range % 7 = 3"))
                .isInstanceOf(SqlRefusedException.class).hasMessageContaining("lakehub.sql.query.timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    /** A version whose files alone do not hold its rows (PROTOCOL.md "Deletion Vectors", "Column Mapping"). */
    @Test
    void versionsThatNeedDeletionVectorsOrColumnMappingAreRefused() throws Exception {
        String schema = "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
                + "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}";
        writeLog("dv", "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
                + "\"writerFeatures\":[\"deletionVectors\"]}}",
                "{\"metaData\":{\"id\":\"a\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" + schema
                + "\",\"partitionColumns\":[],\"configuration\":{\"delta.enableDeletionVectors\":\"true\"},\"createdTime\":1}}");
        writeLog("mapped", "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}",
                "{\"metaData\":{\"id\":\"b\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" + schema
                + "\",\"partitionColumns\":[],\"configuration\":{\"delta.columnMapping.mode\":\"name\"},\"createdTime\":1}}");
        assertThatThrownBy(() -> query("select * from dv")).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("table dv").hasMessageContaining("cannot be read from its Parquet files alone");
        assertThatThrownBy(() -> query("select * from mapped")).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("table mapped").hasMessageContaining("cannot be read from its Parquet files alone");
        assertThat(query("select count(*) from items").path("rows").get(0).get(0).asLong()).isEqualTo(4);
    }

    /**
     * A partitioned table as Spark writes it: the partition column is not in the data files, only in the
     * log's partition values (PROTOCOL.md "Partition Value Serialization"), which the view takes as constants.
     */
    @Test
    void partitionValuesComeFromTheLog() throws Exception {
        Path table = dir.resolve("lake/silver/parts");
        Files.createDirectories(table.resolve("year=2015"));
        Files.createDirectories(table.resolve("year=__HIVE_DEFAULT_PARTITION__"));
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (select range as id from range(3)) TO '" + table.resolve("year=2015/a.parquet") + "' (FORMAT parquet)");
            st.execute("COPY (select 10 + range as id from range(2)) TO '"
                    + table.resolve("year=__HIVE_DEFAULT_PARTITION__/b.parquet") + "' (FORMAT parquet)");
        }
        String schema = "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
                + "\\\"nullable\\\":true,\\\"metadata\\\":{}},{\\\"name\\\":\\\"year\\\",\\\"type\\\":\\\"integer\\\","
                + "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}";
        writeLog("parts", "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
                "{\"metaData\":{\"id\":\"p\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" + schema
                + "\",\"partitionColumns\":[\"year\"],\"configuration\":{},\"createdTime\":1}}",
                add("year=2015/a.parquet", "\"2015\""), add("year=__HIVE_DEFAULT_PARTITION__/b.parquet", "null"));
        JsonNode r = query("select year, count(*) as n, sum(id) as ids from parts group by year order by year nulls last");
        assertThat(r.path("rows").toString()).isEqualTo("[[2015,3,3],[null,2,21]]");
        assertThat(r.path("columns").get(0).path("type").asText()).isEqualTo("INTEGER");
    }

    private String add(String path, String year) throws Exception {
        long size = Files.size(dir.resolve("lake/silver/parts").resolve(path));
        return "{\"add\":{\"path\":\"" + path + "\",\"partitionValues\":{\"year\":" + year + "},\"size\":" + size
                + ",\"modificationTime\":1,\"dataChange\":true}}";
    }

    private void writeLog(String table, String... actions) throws Exception {
        Path log = dir.resolve("lake/silver/" + table + "/_delta_log");
        Files.createDirectories(log);
        Files.writeString(log.resolve("00000000000000000000.json"), String.join("\n", actions) + "\n");
    }

    @Test
    void anAbfssLakeWithoutAMountIsRefusedWithTheWayOut() {
        LakeSqlEngine remote = new LakeSqlEngine(new LakeStorage("abfss://lake@account.dfs.core.windows.net/hub"), props);
        try {
            assertThatThrownBy(() -> remote.prepare("select 1", Selector.LATEST)).isInstanceOf(SqlRefusedException.class)
                    .hasMessageContaining("BlobFuse2").hasMessageContaining("lakehub.sql.query.lake-mount")
                    .hasMessageNotContaining("extension \"azure\"");
        } finally {
            remote.close();
        }
    }
}
