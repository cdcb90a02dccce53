package io.lakehub.delta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The schema of a Delta table: its columns in order. Rows the package reads and writes are
 * {@code Object[]} in this order (value classes in {@link ColumnTypes}).
 *
 * <p>{@link #toJson()} and {@link #fromJson(String)} are the Delta protocol's "Schema Serialization Format",
 * the text of {@code metaData.schemaString} in a commit: {@code {"type":"struct","fields":[{"name":..,
 * "type":..,"nullable":..,"metadata":{..}}, ..]}}, where a field's {@code type} is a primitive's name
 * ({@code "long"}, {@code "decimal(10,2)"}) or an object for a nested type:
 * {@code {"type":"array","elementType":..,"containsNull":..}},
 * {@code {"type":"map","keyType":..,"valueType":..,"valueContainsNull":..}} or a nested
 * {@code {"type":"struct","fields":[..]}}.
 *
 * <p>Column names are matched exactly (case-sensitive), as the hub has always matched them.
 *
 * @param columns the columns in order, copied; names unique
 */
public record TableSchema(List<Column> columns) implements Iterable<Column> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    /** @throws IllegalArgumentException if two columns have the same name */
    public TableSchema {
        columns = List.copyOf(columns);
        requireUniqueNames(columns);
    }

    /** A schema of these columns in this order. */
    public static TableSchema of(Column... columns) {
        return new TableSchema(Arrays.asList(columns));
    }

    /** The schema with no columns. */
    public static TableSchema empty() {
        return new TableSchema(List.of());
    }

    /** The number of columns. */
    public int size() {
        return columns.size();
    }

    /** The column at {@code index} (0-based, schema order). */
    public Column column(int index) {
        return columns.get(index);
    }

    /**
     * The column named {@code name}.
     *
     * @throws NoSuchElementException if the schema has no such column
     */
    public Column column(String name) {
        return find(name).orElseThrow(() -> new NoSuchElementException("no column " + name + " in " + names()));
    }

    /** The column named {@code name}, if the schema has one. */
    public Optional<Column> find(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(columns.get(i));
    }

    /** Whether the schema has a column named {@code name}. */
    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** The index of the column named {@code name}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The column names in order. */
    public List<String> names() {
        List<String> out = new ArrayList<>(columns.size());
        for (Column c : columns) {
            out.add(c.name());
        }
        return out;
    }

    /**
     * This schema with {@code column} appended.
     *
     * @throws IllegalArgumentException if a column of that name exists
     */
    public TableSchema add(Column column) {
        List<Column> out = new ArrayList<>(columns);
        out.add(column);
        return new TableSchema(out);
    }

    /** This schema with a nullable column appended. */
    public TableSchema add(String name, ColumnType type) {
        return add(new Column(name, type));
    }

    /**
     * The schema of the named columns, in the order given.
     *
     * @throws NoSuchElementException if a name is not a column
     */
    public TableSchema select(List<String> names) {
        List<Column> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(column(n));
        }
        return new TableSchema(out);
    }

    @Override
    public Iterator<Column> iterator() {
        return columns.iterator();
    }

    /**
     * The schema as a tree, one line per column and nested field, as Spark's {@code printSchema()} shows it:
     * {@code root}, then {@code  |-- name: type (nullable = true)}.
     */
    public String treeString() {
        StringBuilder s = new StringBuilder("root\n");
        for (Column c : columns) {
            tree(s, " |", c.name(), c.type(), c.nullable(), "nullable");
        }
        return s.toString();
    }

    private static void tree(StringBuilder s, String prefix, String name, ColumnType type, boolean nullable, String nullWord) {
        s.append(prefix).append("-- ").append(name).append(": ").append(type.typeName())
                .append(" (").append(nullWord).append(" = ").append(nullable).append(")\n");
        String inner = prefix + "    |";
        if (type instanceof ColumnType.Array a) {
            tree(s, inner, "element", a.element(), a.containsNull(), "containsNull");
        } else if (type instanceof ColumnType.Map m) {
            tree(s, inner, "key", m.key(), false, "nullable");
            tree(s, inner, "value", m.value(), m.valueContainsNull(), "valueContainsNull");
        } else if (type instanceof ColumnType.Struct st) {
            for (Column f : st.fields()) {
                tree(s, inner, f.name(), f.type(), f.nullable(), "nullable");
            }
        }
    }

    /** The schema in the Delta schema JSON (compact, no whitespace), field and key order kept. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(structNode(columns));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("schema JSON", e);
        }
    }

    /**
     * Parses a schema from the Delta schema JSON (a commit's {@code schemaString}).
     *
     * @throws IllegalArgumentException if the text is not JSON, not a struct, or names a type the protocol
     *                                  does not define (e.g. {@code variant}); the message names the column
     */
    public static TableSchema fromJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject() || !"struct".equals(node.path("type").asText())) {
            throw new IllegalArgumentException("the schema is not a Delta struct {\"type\":\"struct\",\"fields\":[...]}");
        }
        return new TableSchema(fields(node, ""));
    }

    /** The JSON of one type alone: a string for a primitive or decimal, an object for a nested type. */
    static String typeJson(ColumnType type) {
        try {
            return JSON.writeValueAsString(typeNode(type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("type JSON", e);
        }
    }

    private static ObjectNode structNode(List<Column> fields) {
        ObjectNode struct = JsonNodeFactory.instance.objectNode();
        struct.put("type", "struct");
        ArrayNode array = struct.putArray("fields");
        for (Column c : fields) {
            ObjectNode f = array.addObject();
            f.put("name", c.name());
            f.set("type", typeNode(c.type()));
            f.put("nullable", c.nullable());
            f.set("metadata", JSON.valueToTree(c.metadata()));
        }
        return struct;
    }

    private static JsonNode typeNode(ColumnType type) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (type instanceof ColumnType.Primitive || type instanceof ColumnType.Decimal) {
            return nodes.textNode(type.typeName());
        } else if (type instanceof ColumnType.Array a) {
            ObjectNode o = nodes.objectNode();
            o.put("type", "array");
            o.set("elementType", typeNode(a.element()));
            o.put("containsNull", a.containsNull());
            return o;
        } else if (type instanceof ColumnType.Map m) {
            ObjectNode o = nodes.objectNode();
            o.put("type", "map");
            o.set("keyType", typeNode(m.key()));
            o.set("valueType", typeNode(m.value()));
            o.put("valueContainsNull", m.valueContainsNull());
            return o;
        } else if (type instanceof ColumnType.Struct s) {
            return structNode(s.fields());
        }
        throw new IllegalStateException("type " + type);
    }

    private static List<Column> fields(JsonNode struct, String parent) {
        JsonNode fields = struct.get("fields");
        if (fields == null || !fields.isArray()) {
            throw new IllegalArgumentException("struct " + (parent.isEmpty() ? "schema" : parent) + " has no \"fields\" array");
        }
        List<Column> out = new ArrayList<>(fields.size());
        for (JsonNode f : fields) {
            JsonNode name = f.get("name");
            if (name == null || !name.isTextual()) {
                throw new IllegalArgumentException("a field of " + (parent.isEmpty() ? "the schema" : parent) + " has no name");
            }
            String path = parent.isEmpty() ? name.asText() : parent + "." + name.asText();
            ColumnType type = type(f.get("type"), path);
            boolean nullable = f.path("nullable").asBoolean(true);
            JsonNode metadata = f.get("metadata");
            Map<String, Object> meta = metadata == null || metadata.isNull() ? Map.of()
                    : JSON.convertValue(metadata, LinkedHashMap.class);
            out.add(new Column(name.asText(), type, nullable, meta));
        }
        return out;
    }

    private static ColumnType type(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("column " + path + " has no type");
        }
        if (node.isTextual()) {
            String name = node.asText();
            if (name.equals("decimal")) {
                return ColumnType.decimal(10, 0); // Spark's DecimalType.USER_DEFAULT
            }
            Matcher d = DECIMAL.matcher(name);
            if (d.matches()) {
                return ColumnType.decimal(Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)));
            }
            try {
                return ColumnType.Primitive.named(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column " + path + " has type '" + name + "', which the hub does not read", e);
            }
        }
        String kind = node.path("type").asText();
        switch (kind) {
            case "array":
                return ColumnType.array(type(node.get("elementType"), path + ".element"), node.path("containsNull").asBoolean(true));
            case "map":
                return ColumnType.map(type(node.get("keyType"), path + ".key"), type(node.get("valueType"), path + ".value"),
                        node.path("valueContainsNull").asBoolean(true));
            case "struct":
                return ColumnType.struct(fields(node, path));
            default:
                throw new IllegalArgumentException("column " + path + " has type " + node + ", which the hub does not read");
        }
    }

    static void requireUniqueNames(List<Column> columns) {
        Set<String> seen = new HashSet<>();
        for (Column c : columns) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("column " + c.name() + " appears twice");
            }
        }
    }
}
