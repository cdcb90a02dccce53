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
 * read back, checked against the JSON delta-standalone 3.3.2 and Spark 4.1.3 + Delta 4.3.1 wrote (fixed text in
 * {@code tests/resources/delta-schema/} and the fixture tables' logs), and the bridge to Delta Kernel's types,
 * checked against Kernel's own JSON writer and parser.
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

    /** A test resource's text, without its trailing newline. */
    private static String resource(String name) throws Exception {
        try (var in = TableSchemaTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
    }

    /** The {@code schemaString} of the metaData action of version 0 of a fixture table Spark wrote. */
    private static String sparkSchema(String table) throws Exception {
        for (String line : resource("delta-foreign/" + table + "/_delta_log/00000000000000000000.json").split("\n")) {
            if (JSON.readTree(line).has("metaData")) {
                return JSON.readTree(line).get("metaData").get("schemaString").asText();
            }
        }
        throw new AssertionError("no metaData in version 0 of " + table);
    }

    @Test
    void theJsonIsByteForByteWhatDeltaStandaloneAndSparkWrite() throws Exception {
        TableSchema schema = everyType(false);
        // written by delta-standalone 3.3.2's StructType.toJson() (tests/resources/delta-schema/README.md)
        String standalone = resource("delta-schema/standalone-every-type.json");
        String standalonePlain = resource("delta-schema/standalone-every-type-plain.json");

        // standalone keeps column metadata in a hash map, so its key order is arbitrary: compare that as JSON
        assertThat(JSON.readTree(schema.toJson())).isEqualTo(JSON.readTree(standalone));
        TableSchema plain = new TableSchema(schema.columns().stream().map(c -> c.withMetadata(Map.of())).toList());
        assertThat(plain.toJson()).isEqualTo(standalonePlain);
        assertThat(TableSchema.fromJson(standalone)).isEqualTo(schema);
        assertThat(TableSchema.fromJson(standalonePlain)).isEqualTo(plain);
        // and what Spark 4.1.3 + Delta 4.3.1 wrote (tests/resources/delta-foreign/README.md)
        for (String table : List.of("spark_plain", "deletion_vectors", "timestamp_ntz")) {
            String spark = sparkSchema(table);
            assertThat(TableSchema.fromJson(spark).toJson()).as(table).isEqualTo(spark);
        }
        String mapped = sparkSchema("column_mapping");
        assertThat(JSON.readTree(TableSchema.fromJson(mapped).toJson())).isEqualTo(JSON.readTree(mapped));
    }

    @Test
    void theApiNamesAreSparksSimpleStringsAndTheStandaloneJsonReadsBack() throws Exception {
        TableSchema schema = everyType(true);
        TableSchema read = TableSchema.fromJson(resource("delta-schema/standalone-every-type.json"));
        Column amount = read.column("amount");
        assertThat(amount.type()).isEqualTo(ColumnType.decimal(38, 18));
        assertThat(((ColumnType.Decimal) amount.type()).precision()).isEqualTo(38);
        assertThat(((ColumnType.Decimal) amount.type()).scale()).isEqualTo(18);
        assertThat(amount.physicalName()).isEqualTo("col-5f1c2a");
        assertThat(read.column("l").nullable()).isFalse();
        assertThat(schema.column("local").type()).isEqualTo(ColumnType.TIMESTAMP_NTZ);
        // DataType.getSimpleString() of delta-standalone 3.3.2 (Spark's simpleString) for every column of everyType(true)
        Map<String, String> simple = new LinkedHashMap<>();
        String[] expected = {"s=string", "l=bigint", "i=int", "sh=smallint", "b=tinyint", "d=double", "f=float", "bool=boolean",
            "bin=binary", "date=date", "ts=timestamp", "amount=decimal", "small=decimal", "tags=array", "matrix=array",
            "props=map", "nested=struct", "local=timestamp_ntz"};
        for (String e : expected) {
            simple.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        assertThat(schema.names()).containsExactlyElementsOf(simple.keySet());
        for (Column c : schema) {
            assertThat(c.type().simpleString()).as("simple string of %s", c.name()).isEqualTo(simple.get(c.name()));
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
