package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.TableVersions.Selector;
import io.lakehub.testsupport.DeltaLogReader;
import io.lakehub.testsupport.ItemsTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named versions, time travel by version / tag / timestamp, a vacuumed version, and the Parquet
 * export, on tables built by the real sql loader from H2.
 */
class TableVersionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LakeStorage lake;

    @BeforeEach
    void setUp() {
        lake = new LakeStorage(dir.resolve("lake").toString());
    }

    private static List<List<Object>> rows(DeltaTable table, TableSnapshot s) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(s)) {
            while (it.hasNext()) {
                out.add(java.util.Arrays.asList(it.next()));
            }
        }
        return out;
    }

    /** {@code id=name} of each row of a version. */
    private static List<String> names(DeltaTable table, TableSnapshot s) throws Exception {
        return rows(table, s).stream().map(r -> r.get(0) + "=" + r.get(1)).sorted().toList();
    }

    private Path logFile(String table, long version) {
        return dir.resolve("lake/silver/" + table + "/_delta_log/" + String.format("%020d.json", version));
    }

    /** The actions of one commit file, by kind ({@code metaData}, {@code commitInfo}, ...). */
    private Map<String, JsonNode> actions(String table, long version) throws Exception {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        for (String line : Files.readAllLines(logFile(table, version))) {
            JsonNode action = JSON.readTree(line);
            action.fieldNames().forEachRemaining(kind -> out.put(kind, action.get(kind)));
        }
        return out;
    }

    @Test
    void tagsAreTablePropertiesThatSurviveLoadsAndARestart() throws Exception {
        ItemsTable items = new ItemsTable(lake, "tagged");
        assertThat(items.insert(1, 2, 3).load()).isZero();
        assertThat(items.insert(4).load()).isEqualTo(1);

        TableTags.Change set = new TableTags(items.table()).set("v2015", 0, false);
        assertThat(set.changed()).isTrue();
        assertThat(set.commitVersion()).as("a tag is a metadata commit of its own").isEqualTo(2);
        new TableTags(items.table()).set("train.2024-01", 1, false);

        DeltaTable table = items.table();
        TableSnapshot byTag = new TableVersions(table).resolve(Selector.of(null, "v2015", null));
        assertThat(byTag.getVersion()).isZero();
        assertThat(names(table, byTag)).containsExactly("1=item1", "2=item2", "3=item3");
        assertThat(names(table, table.snapshot(3L))).as("the tag commit holds the same rows")
                .containsExactlyElementsOf(names(table, table.snapshot(1L)));

        assertThatThrownBy(() -> new TableTags(items.table()).set("v2015", 1, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already names version 0");
        TableTags.Change moved = new TableTags(items.table()).set("v2015", 1, true);
        assertThat(moved.previous()).isZero();
        assertThat(moved.commitVersion()).isEqualTo(4);
        assertThat(new TableTags(items.table()).set("v2015", 1, true).changed()).as("same version: no commit").isFalse();

        long merged = items.rename(2, "two").load();
        assertThat(merged).isEqualTo(5);
        // a fresh independent reader of the log, as after a restart, and the table properties Spark's SHOW TBLPROPERTIES lists
        Map<String, String> properties = DeltaLogReader.forTable(LakeStorage.hadoopConfiguration(), lake.silverTable("tagged"))
                .latest().configuration();
        assertThat(properties).containsEntry("lakehub.tag.v2015", "1").containsEntry("lakehub.tag.train.2024-01", "1");
        assertThat(new TableTags(items.table()).list()).containsExactly(
                new TableTags.Tag("train.2024-01", 1), new TableTags.Tag("v2015", 1));

        Map<String, JsonNode> tagCommit = actions("tagged", 2);
        assertThat(tagCommit.get("metaData").get("configuration").get("lakehub.tag.v2015").asText()).isEqualTo("0");
        assertThat(tagCommit.get("commitInfo").get("operation").asText()).isEqualTo("SET TBLPROPERTIES");
        assertThat(JSON.readTree(tagCommit.get("commitInfo").get("operationParameters").get("properties").asText()))
                .isEqualTo(JSON.readTree("{\"lakehub.tag.v2015\":\"0\"}"));
        assertThat(tagCommit).doesNotContainKeys("add", "remove");

        TableTags.Change removed = new TableTags(items.table()).remove("v2015");
        assertThat(removed.previous()).isEqualTo(1);
        Map<String, JsonNode> unset = actions("tagged", removed.commitVersion());
        assertThat(unset.get("commitInfo").get("operation").asText()).isEqualTo("UNSET TBLPROPERTIES");
        assertThat(unset.get("metaData").get("configuration").has("lakehub.tag.v2015")).isFalse();
        assertThat(new TableTags(items.table()).list()).extracting(TableTags.Tag::name).containsExactly("train.2024-01");
        assertThatThrownBy(() -> new TableTags(items.table()).remove("v2015")).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("has no tag v2015");
        assertThatThrownBy(() -> new TableVersions(items.table()).resolve(Selector.of(null, "v2015", null)))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void badTagsAreRefused() throws Exception {
        ItemsTable items = new ItemsTable(lake, "refused");
        items.insert(1).load();
        TableTags tags = new TableTags(items.table());
        assertThatThrownBy(() -> tags.set("has space", 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tags.set("x".repeat(65), 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tags.set("v1", 7, false)).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("versions 0..0");
        assertThatThrownBy(() -> new TableTags(new DeltaTable(lake, "absent")).set("v1", 0, false))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("does not exist");
    }

    @Test
    void timeTravelByVersionTagAndTimestamp() throws Exception {
        ItemsTable items = new ItemsTable(lake, "travel");
        items.insert(1, 2, 3).load();
        items.rename(2, "two").load();
        items.insert(4).load();
        // commits on three different days: Delta dates a commit by its log file's modification time
        for (int v = 0; v < 3; v++) {
            Files.setLastModifiedTime(logFile("travel", v), FileTime.from(Instant.parse("2020-01-0" + (v + 1) + "T00:00:00Z")));
        }
        TableVersions versions = new TableVersions(items.table());
        DeltaTable table = items.table();

        assertThat(versions.commitTimestamps()).containsExactly(
                Map.entry(0L, Instant.parse("2020-01-01T00:00:00Z")),
                Map.entry(1L, Instant.parse("2020-01-02T00:00:00Z")),
                Map.entry(2L, Instant.parse("2020-01-03T00:00:00Z")));
        assertThat(versions.resolve(Selector.of(null, null, "2020-01-02T00:00:00Z")).getVersion()).isEqualTo(1);
        assertThat(versions.resolve(Selector.of(null, null, "2020-01-02T12:00:00Z")).getVersion()).isEqualTo(1);
        assertThat(versions.resolve(Selector.of(null, null, "2020-01-02T13:00:00+01:00")).getVersion()).isEqualTo(1);
        assertThat(versions.resolve(Selector.of(null, null, "2020-01-02T13:00:00 01:00")).getVersion())
                .as("a + that arrived as a space").isEqualTo(1);
        assertThat(versions.resolve(Selector.of(null, null, "2020-01-01T23:59:59.999Z")).getVersion()).isZero();
        assertThat(versions.resolve(Selector.of(null, null, "2020-01-03")).getVersion()).isEqualTo(2);
        assertThat(versions.resolve(Selector.of(null, null, "2999-01-01T00:00:00Z")).getVersion())
                .as("after the last commit: the latest").isEqualTo(2);
        assertThatThrownBy(() -> versions.resolve(Selector.of(null, null, "2019-12-31T00:00:00Z")))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("no version committed at or before 2019-12-31T00:00:00Z")
                .hasMessageContaining("2020-01-01T00:00:00Z");

        assertThat(names(table, versions.resolve(Selector.of(null, null, "2020-01-01T12:00:00Z"))))
                .containsExactly("1=item1", "2=item2", "3=item3");
        assertThat(names(table, versions.resolve(Selector.of(1L, null, null))))
                .containsExactly("1=item1", "2=two", "3=item3");
        new TableTags(items.table()).set("before-4", 1, false);
        assertThat(names(table, versions.resolve(Selector.of(null, "before-4", null))))
                .containsExactly("1=item1", "2=two", "3=item3");
        assertThat(names(table, versions.resolve(Selector.LATEST))).hasSize(4);

        assertThatThrownBy(() -> Selector.of(1L, "before-4", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most one");
        assertThatThrownBy(() -> Selector.of(null, null, "yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> versions.resolve(Selector.of(9L, null, null))).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void aVersionWhoseFilesWereVacuumedIsGone() throws Exception {
        ItemsTable items = new ItemsTable(lake, "vacuumed");
        items.insert(1, 2, 3).load();
        items.rename(2, "two").load();
        DeltaTable table = items.table();
        TableSnapshot v0 = table.snapshot(0L);
        assertThat(v0.getAllFiles()).hasSize(1);
        // what VACUUM does to a file that version 1 no longer references
        Files.delete(dir.resolve("lake/silver/vacuumed").resolve(v0.getAllFiles().get(0).getPath()));

        TableVersions versions = new TableVersions(table);
        assertThat(versions.readable(v0)).isFalse();
        assertThat(versions.readable(table.snapshot(1L))).isTrue();
        assertThatThrownBy(() -> versions.requireReadable(v0)).isInstanceOf(VersionGoneException.class)
                .hasMessageStartingWith("version 0 of vacuumed can no longer be read: its data files were removed by VACUUM");
        assertThatThrownBy(() -> VersionExport.csv(table, v0, new ByteArrayOutputStream()))
                .as("a file that disappears during a read").isInstanceOf(VersionGoneException.class);
        assertThatThrownBy(() -> new TableTags(table).set("old", 0, false)).isInstanceOf(VersionGoneException.class);
        assertThat(names(table, table.snapshot(1L))).containsExactly("1=item1", "2=two", "3=item3");
    }

    @Test
    void parquetExportReadsBackAsTheVersionsRows() throws Exception {
        ItemsTable items = new ItemsTable(lake, "exported");
        items.insert(1, 2, 3).load();
        items.rename(2, "two").insert(4, 5).load();
        DeltaTable table = items.table();
        for (long v = 0; v <= 1; v++) {
            TableSnapshot s = table.snapshot(v);
            Path folder = Files.createDirectory(dir.resolve("export-" + v));
            Path file = VersionExport.parquet(table, s, folder);
            List<List<Object>> back = new ArrayList<>();
            try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(file.toUri()), lake.conf(),
                    s.getMetadata().getSchema())) {
                Object[] row;
                while ((row = reader.next()) != null) {
                    back.add(java.util.Arrays.asList(row));
                }
            }
            assertThat(back).as("version %s", v).isEqualTo(rows(table, s));
            try (var listing = Files.list(folder)) {
                assertThat(listing).as("one file, no sidecars").containsExactly(file);
            }
        }
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        VersionExport.csv(table, table.snapshot(0L), csv);
        assertThat(csv.toString(StandardCharsets.UTF_8).split("\r\n"))
                .containsExactly("id,name,price,updated_at", "1,item1,1.50,2024-01-01T00:00:01",
                        "2,item2,3.00,2024-01-01T00:00:02", "3,item3,4.50,2024-01-01T00:00:03");
    }
}
