package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * lakehub's own schema types: the Delta protocol's schema JSON ("Schema Serialization Format") written and
 * read back, and the bridges to delta-standalone's and Delta Kernel's types, checked against each library's
 * own JSON writer and parser (the libraries are the independent judges of the format).
 */
class TableSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every type the hub knows, nested in arrays, maps and structs, with column-mapping metadata. */
    static TableSchema everyType(boolean withNtz) {
        Map<String, Object> mapping = new LinkedHashMap<>();
        mapping.put(Column.COLUMN_MAPPING_ID, 7L);
        mapping.put(Column.PHYSICAL_NAME, "col-5f1c2a");
        mapping.put("comment", "the amount, in euros");
        TableSchema s = TableSchema.of(
                new Column("s", ColumnType.STRING),
                new Column("l", ColumnType.LONG, false),
                new Column("i", ColumnType.INTEGER),
                new Column("sh", ColumnType.SHORT),
                new Column("b", ColumnType.BYTE),
                new Column("d", ColumnType.DOUBLE),
                new Column("f", ColumnType.FLOAT),
                new Column("bool", ColumnType.BOOLEAN),
                new Column("bin", ColumnType.BINARY),
                new Column("date", ColumnType.DATE),
                new Column("ts", ColumnType.TIMESTAMP),
                new Column("amount", ColumnType.decimal(38, 18), true, mapping),
                new Column("small", ColumnType.decimal(5, 0)),
                new Column("tags", ColumnType.array(ColumnType.STRING, false)),
                new Column("matrix", ColumnType.array(ColumnType.array(ColumnType.decimal(12, 4), true), true)),
                new Column("props", ColumnType.map(ColumnType.STRING, ColumnType.LONG, false)),
                new Column("nested", ColumnType.struct(List.of(
                        new Column("x", ColumnType.INTEGER, false),
                        new Column("y", ColumnType.map(ColumnType.DATE,
                                ColumnType.struct(List.of(new Column("z", ColumnType.BINARY))), true))))));
        return withNtz ? s.add(new Column("local", ColumnType.TIMESTAMP_NTZ)) : s;
    }

    @Test
    void theSchemaJsonRoundTripsEveryTypeAndKeepsDecimalPrecisionScaleAndMetadata() throws Exception {
        TableSchema schema = everyType(true);
        String json = schema.toJson();

        assertThat(TableSchema.fromJson(json)).isEqualTo(schema);
        var tree = JSON.readTree(json);
        assertThat(tree.get("type").asText()).isEqualTo("struct");
        assertThat(tree.get("fields").get(11).get("type").asText()).isEqualTo("decimal(38,18)");
        assertThat(tree.get("fields").get(11).get("metadata").get(Column.COLUMN_MAPPING_ID).isIntegralNumber()).isTrue();
        assertThat(tree.get("fields").get(13).get("type").toString())
                .isEqualTo("{\"type\":\"array\",\"elementType\":\"string\",\"containsNull\":false}");
        assertThat(tree.get("fields").get(15).get("type").toString())
                .isEqualTo("{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"long\",\"valueContainsNull\":false}");
        assertThat(tree.get("fields").get(17).get("type").asText()).isEqualTo("timestamp_ntz");
        Column amount = TableSchema.fromJson(json).column("amount");
        assertThat(amount.type()).isEqualTo(new ColumnType.Decimal(38, 18));
        assertThat(amount.physicalName()).isEqualTo("col-5f1c2a");
        assertThat(amount.metadata()).containsEntry(Column.COLUMN_MAPPING_ID, 7L);
    }

    @Test
    void theJsonIsByteForByteWhatDeltaStandaloneWritesAndStandaloneParsesIt() throws Exception {
        TableSchema schema = everyType(false);
        io.delta.standalone.types.StructType standalone = StandaloneSchemas.toStandalone(schema);

        // standalone keeps column metadata in a hash map, so its key order is arbitrary: compare that as JSON
        assertThat(JSON.readTree(schema.toJson())).isEqualTo(JSON.readTree(standalone.toJson()));
        TableSchema plain = new TableSchema(schema.columns().stream().map(c -> c.withMetadata(Map.of())).toList());
        assertThat(plain.toJson()).isEqualTo(StandaloneSchemas.toStandalone(plain).toJson());
        assertThat(io.delta.standalone.types.DataType.fromJson(schema.toJson())).isEqualTo(standalone);
        assertThat(TableSchema.fromJson(standalone.toJson())).isEqualTo(schema);
        assertThat(StandaloneSchemas.fromStandalone(standalone)).isEqualTo(schema);
    }

    @Test
    void theStandaloneBridgeMapsEveryTypeAndTheApiNamesStayStandalonesSimpleStrings() {
        TableSchema schema = everyType(true);
        io.delta.standalone.types.StructType standalone = StandaloneSchemas.toStandalone(schema);

        assertThat(StandaloneSchemas.fromStandalone(standalone)).isEqualTo(schema);
        assertThat(standalone.get("local").getDataType()).isEqualTo(TimestampNtzType.INSTANCE);
        var amount = (io.delta.standalone.types.DecimalType) standalone.get("amount").getDataType();
        assertThat(amount.getPrecision()).isEqualTo(38);
        assertThat(amount.getScale()).isEqualTo(18);
        assertThat(standalone.get("amount").getMetadata().get(Column.PHYSICAL_NAME)).isEqualTo("col-5f1c2a");
        assertThat(standalone.get("l").isNullable()).isFalse();
        for (Column c : schema) {
            assertThat(c.type().simpleString()).as("simple string of %s", c.name())
                    .isEqualTo(standalone.get(c.name()).getDataType().getSimpleString());
        }
        assertThat(List.of(ColumnType.LONG.simpleString(), ColumnType.INTEGER.simpleString(), ColumnType.SHORT.simpleString(),
                ColumnType.BYTE.simpleString(), ColumnType.decimal(10, 2).simpleString()))
                .containsExactly("bigint", "int", "smallint", "tinyint", "decimal");
    }

    @Test
    void theKernelBridgeMapsEveryTypeBothWaysAndKernelReadsTheSameJson() {
        TableSchema schema = everyType(true);
        io.delta.kernel.types.StructType kernel = KernelSchemas.toKernel(schema);

        assertThat(KernelSchemas.fromKernel(kernel)).isEqualTo(schema);
        assertThat(TableSchema.fromJson(kernel.toJson())).isEqualTo(schema);
        assertThat(kernel.get("local").getDataType()).isEqualTo(io.delta.kernel.types.TimestampNTZType.TIMESTAMP_NTZ);
        assertThat(kernel.get("amount").getDataType()).isEqualTo(new io.delta.kernel.types.DecimalType(38, 18));
        assertThat(kernel.get("amount").getMetadata().getLong(Column.COLUMN_MAPPING_ID)).isEqualTo(7L);
        assertThat(kernel.get("amount").getMetadata().getString(Column.PHYSICAL_NAME)).isEqualTo("col-5f1c2a");
        var nested = (io.delta.kernel.types.StructType) kernel.get("nested").getDataType();
        var y = (io.delta.kernel.types.MapType) nested.get("y").getDataType();
        assertThat(y.isValueContainsNull()).isTrue();
        assertThat(y.getKeyType()).isEqualTo(io.delta.kernel.types.DateType.DATE);
        assertThat(nested.get("x").isNullable()).isFalse();
    }

    @Test
    void badSchemasAreRefusedWithTheColumnNamed() {
        assertThatThrownBy(() -> TableSchema.fromJson("{\"type\":\"struct\",\"fields\":[{\"name\":\"v\",\"type\":\"variant\","
                + "\"nullable\":true,\"metadata\":{}}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column v").hasMessageContaining("variant");
        assertThatThrownBy(() -> TableSchema.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableSchema.fromJson("{\"type\":\"array\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ColumnType.decimal(39, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ColumnType.decimal(5, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableSchema.of(new Column("a", ColumnType.LONG), new Column("a", ColumnType.STRING)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a appears twice");
        assertThatThrownBy(() -> TableSchema.of(new Column("a", ColumnType.LONG)).column("b"))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void lookupAndTreeString() {
        TableSchema schema = TableSchema.of(new Column("id", ColumnType.LONG, false), new Column("name", ColumnType.STRING));
        assertThat(schema.indexOf("name")).isEqualTo(1);
        assertThat(schema.indexOf("Name")).isEqualTo(-1);
        assertThat(schema.names()).containsExactly("id", "name");
        assertThat(schema.select(List.of("name", "id")).names()).containsExactly("name", "id");
        assertThat(schema.add("x", ColumnType.DATE).column(2).type()).isEqualTo(ColumnType.DATE);
        assertThat(schema.treeString()).isEqualTo("root\n |-- id: long (nullable = false)\n |-- name: string (nullable = true)\n");
        assertThat(TableSchema.fromJson("{\"type\":\"struct\",\"fields\":[{\"name\":\"d\",\"type\":\"decimal( 12 , 3 )\","
                + "\"nullable\":true,\"metadata\":{}}]}").column("d").type()).isEqualTo(ColumnType.decimal(12, 3));
    }
}
