package io.lakehub.files;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns one JSON record (an object, as {@link JsonRecordReader} read it) into the rows of a JSON kind's
 * tables: the declared columns by field path, typed; the elements of each bridged array; and the fields
 * no column or array names, as the rescued-data column's JSON text.
 *
 * <p>Values: a missing field or JSON {@code null} is null. {@code string} takes a string as it is, a number
 * or boolean as its JSON text, an object or array as its JSON text. {@code int}/{@code long} take an
 * integral number in range or a string that parses (as in a CSV file), {@code double} any number or such a
 * string, {@code boolean} {@code true}/{@code false} or a string or number 0/1; anything else breaks the
 * declared type and rejects the record. Stateless and thread-safe.
 */
public final class JsonRows {

    private JsonRows() {
    }

    /** Parses a record's JSON text (known to be an object). */
    public static ObjectNode parse(String text) throws JsonProcessingException {
        return (ObjectNode) JsonRecordReader.JSON.readTree(text);
    }

    /**
     * Why a record breaks its kind's declared types, or null when it does not.
     *
     * @param text the record's JSON text
     */
    public static String check(DeclaredSchema schema, String text) {
        ObjectNode record;
        try {
            record = parse(text);
        } catch (JsonProcessingException | ClassCastException e) {
            return "not a JSON object";
        }
        for (DeclaredSchema.Column c : schema.columns()) {
            try {
                value(c.type(), at(record, c.path()));
            } catch (IllegalArgumentException e) {
                return "field " + String.join(".", c.path()) + ": " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * The main table's row: one value per declared column, then (when the kind rescues) the rescued JSON text.
     *
     * @throws IllegalArgumentException if a value breaks its type ({@link #check} first)
     */
    public static Object[] mainRow(DeclaredSchema schema, ObjectNode record) {
        List<DeclaredSchema.Column> cols = schema.columns();
        Object[] out = new Object[cols.size() + (schema.rescue() ? 1 : 0)];
        for (int i = 0; i < cols.size(); i++) {
            out[i] = value(cols.get(i).type(), at(record, cols.get(i).path()));
        }
        if (schema.rescue()) {
            out[cols.size()] = rescued(schema, record);
        }
        return out;
    }

    /** The elements of a bridged field: an array's elements (scalars as text, objects by {@code field} or as JSON text), or a string split on commas. */
    public static List<String> elements(DeclaredSchema.Bridge bridge, ObjectNode record) {
        JsonNode v = at(record, bridge.path());
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            for (JsonNode e : v) {
                JsonNode picked = bridge.field().isEmpty() ? e : at(e, bridge.field());
                if (picked != null && !picked.isNull()) {
                    out.add(picked.isValueNode() ? picked.asText() : picked.toString());
                }
            }
        } else if (v.isTextual()) {
            for (String s : v.asText().split(",")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        } else {
            out.add(v.isValueNode() ? v.asText() : v.toString());
        }
        return out;
    }

    /** The fields of {@code record} that no column or array of the kind names, as JSON text, or null when there are none. */
    public static String rescued(DeclaredSchema schema, ObjectNode record) {
        ObjectNode rest = record.deepCopy();
        for (DeclaredSchema.Column c : schema.columns()) {
            remove(rest, c.path());
        }
        for (DeclaredSchema.Bridge b : schema.bridges()) {
            remove(rest, b.path());
        }
        return rest.isEmpty() ? null : rest.toString();
    }

    private static void remove(ObjectNode node, List<String> path) {
        if (path.size() == 1) {
            node.remove(path.get(0));
            return;
        }
        if (node.get(path.get(0)) instanceof ObjectNode child) {
            remove(child, path.subList(1, path.size()));
            if (child.isEmpty()) {
                node.remove(path.get(0));
            }
        }
    }

    static JsonNode at(JsonNode node, List<String> path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(p);
        }
        return n;
    }

    /**
     * A JSON value in a declared type (see the class comment).
     *
     * @throws IllegalArgumentException naming the value and the type
     */
    static Object value(DeclaredSchema.Type type, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return DeclaredSchema.parse(type, v.asText());
        }
        switch (type) {
            case STRING -> {
                return v.isValueNode() ? v.asText() : v.toString();
            }
            case INT -> {
                if (v.isIntegralNumber() && v.canConvertToInt()) {
                    return v.intValue();
                }
            }
            case LONG -> {
                if (v.isIntegralNumber() && v.canConvertToLong()) {
                    return v.longValue();
                }
            }
            case DOUBLE -> {
                if (v.isNumber()) {
                    return v.doubleValue();
                }
            }
            case BOOLEAN -> {
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                if (v.isIntegralNumber()) {
                    return DeclaredSchema.parse(type, v.asText());
                }
            }
            default -> {
            }
        }
        String shown = v.toString();
        if (shown.length() > 80) {
            shown = shown.substring(0, 80) + "...";
        }
        throw new IllegalArgumentException(shown + " is not " + (type == DeclaredSchema.Type.INT ? "an int"
                : "a " + type.name().toLowerCase(java.util.Locale.ROOT)));
    }
}
