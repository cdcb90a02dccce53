package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import io.lakehub.testsupport.DeltaLogReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARRAY columns: written as the standard three-level Parquet LIST, read back by lakehub and by
 * the tests' independent {@link DeltaLogReader}, kept through a copy-on-write MERGE, with null counts and no min/max.
 */
class ArrayColumnTest {

    static final TableSchema SCHEMA = schema(false);

    static TableSchema schema(boolean containsNull) {
        return TableSchema.of(
            new Column("id", ColumnType.LONG, true),
            new Column("title", ColumnType.STRING, true),
            new Column("genre_ids", ColumnType.array(ColumnType.INTEGER, containsNull), true));
    }

    @TempDir
    Path dir;

    @Test
    void arraysRoundTripThroughLakehubAnIndependentReaderAndAMerge() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        DeltaTable table = new DeltaTable(lake, "movies");
        table.commitLoad(stage(table, List.of(
                row(1L, "Fight Club", Arrays.asList(18, 53)),
                row(2L, "no genres", List.of()),
                row(3L, "unknown genres", null),
                row(4L, "three genres", Arrays.asList(16, 12, 35)))), "test-arrays", 0, Map.of(), List.of(), null, 1);

        io.lakehub.delta.DataFile file = table.latest().getAllFiles().get(0);
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(table.path(), file.getPath()), lake.conf()))) {
            MessageType parquet = reader.getFooter().getFileMetaData().getSchema();
            assertThat(parquet.getType("genre_ids").toString().replaceAll("\\s+", " ").trim())
                    .as("the standard three-level LIST (Parquet LogicalTypes.md)")
                    .isEqualTo("optional group genre_ids (LIST) { repeated group list { required int32 element; } }");
        }
        JsonNode stats = new ObjectMapper().readTree(FileStats.unquote(file.getStats()));
        assertThat(stats.path("nullCount").path("genre_ids").asLong()).isEqualTo(1);
        assertThat(stats.path("minValues").has("genre_ids")).isFalse();
        assertThat(stats.path("maxValues").has("genre_ids")).isFalse();
        assertThat(stats.path("minValues").path("id").asLong()).isEqualTo(1);

        Map<Long, List<Integer>> expected = new HashMap<>();
        expected.put(1L, Arrays.asList(18, 53));
        expected.put(2L, List.of());
        expected.put(3L, null);
        expected.put(4L, Arrays.asList(16, 12, 35));
        assertThat(readWithLakehub(table)).isEqualTo(expected);
        assertThat(readWithIndependentReader(lake, table)).isEqualTo(expected);

        // the MERGE rewrites the file holding id 1 and copies the other rows, arrays included
        table.commitLoad(stage(table, List.of(row(1L, "Fight Club", List.of(18)), row(5L, "new", List.of(28)))),
                "test-arrays", 1, Map.of(), List.of(), null, 1);
        expected.put(1L, List.of(18));
        expected.put(5L, List.of(28));
        assertThat(readWithLakehub(table)).isEqualTo(expected);
        assertThat(readWithIndependentReader(lake, table)).isEqualTo(expected);
    }

    /**
     * Null elements (an array type that containsNull) are written as an optional element and read
     * back by lakehub. delta-standalone 3.3's reader cannot decode them (it reads list elements with a
     * required codec), so lakehub's own tables use arrays without null elements.
     */
    @Test
    void nullElementsRoundTripThroughLakehub() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        DeltaTable table = new DeltaTable(lake, "nullable");
        TableSchema schema = schema(true);
        StagedLoad load = new StagedLoad(schema, List.of("id"));
        ParquetRowWriter writer = new ParquetRowWriter(table.path(), lake.conf(), schema);
        Object[] row = row(1L, "a null element", Arrays.asList(16, null, 35));
        writer.write(row);
        load.addKey(row);
        load.addFile(writer.finish());
        table.commitLoad(load, "test-nullable", 0, Map.of(), List.of(), null, 1);
        assertThat(readWithLakehub(table)).containsEntry(1L, Arrays.asList(16, null, 35));

        ParquetRowWriter strict = new ParquetRowWriter(table.path(), lake.conf(), SCHEMA);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.write(row(2L, "x", Arrays.asList(1, null))))
                .hasMessageContaining("null element");
        strict.delete();
    }

    @Test
    void arrayTextFormRoundTrips() {
        ColumnType.Array type = ColumnType.array(ColumnType.INTEGER, true);
        String text = ColumnTypes.text(Arrays.asList(16, null, 35));
        assertThat(text).isEqualTo("[16,null,35]");
        assertThat(ColumnTypes.parseText(type, text)).isEqualTo(Arrays.asList(16, null, 35));
        assertThat(ColumnTypes.text(List.of("a,b", "c"))).isEqualTo("[\"a,b\",\"c\"]");
        assertThat(ColumnTypes.supported(type)).isTrue();
        assertThat(ColumnTypes.supported(ColumnType.array(type, true))).as("nested arrays").isFalse();
    }

    private static Object[] row(long id, String title, List<Integer> genres) {
        return new Object[] {id, title, genres};
    }

    private static StagedLoad stage(DeltaTable table, List<Object[]> rows) throws Exception {
        StagedLoad load = new StagedLoad(SCHEMA, List.of("id"));
        ParquetRowWriter writer = new ParquetRowWriter(table.path(), table.lake().conf(), SCHEMA);
        for (Object[] r : rows) {
            writer.write(r);
            load.addKey(r);
        }
        load.addFile(writer.finish());
        return load;
    }

    private static Map<Long, List<Integer>> readWithLakehub(DeltaTable table) throws Exception {
        Map<Long, List<Integer>> out = new HashMap<>();
        try (DeltaTable.RowIterator it = table.rows(table.latest())) {
            while (it.hasNext()) {
                Object[] r = it.next();
                @SuppressWarnings("unchecked")
                List<Integer> genres = (List<Integer>) r[2];
                out.put((Long) r[0], genres);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, List<Integer>> readWithIndependentReader(LakeStorage lake, DeltaTable table) {
        Map<Long, List<Integer>> out = new HashMap<>();
        for (Map<String, Object> r : DeltaLogReader.forTable(lake.conf(), table.path()).latest().rows()) {
            out.put((Long) r.get("id"), r.get("genre_ids") == null ? null : new ArrayList<>((List<Integer>) r.get("genre_ids")));
        }
        return out;
    }
}
