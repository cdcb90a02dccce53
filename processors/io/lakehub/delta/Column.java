package io.lakehub.delta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One column of a {@link TableSchema} (or one field of a {@link ColumnType.Struct}): a name, a type, whether
 * it may hold nulls, and the column's metadata from the Delta schema JSON.
 *
 * <p>The metadata holds what a writer recorded beside the column, e.g. column mapping's
 * {@code delta.columnMapping.id} and {@code delta.columnMapping.physicalName} (Delta protocol, "Column
 * Mapping"), or a {@code comment}. Values are JSON values: {@link String}, {@link Long} (every integral
 * number), {@link Double} (every other number), {@link Boolean}, a nested {@code Map<String, Object>}, a
 * {@link List} of those, or {@code null}. Key order is kept; equality ignores it.
 *
 * @param name     the column's logical name (the name a query uses), not empty
 * @param type     its type
 * @param nullable whether values may be null
 * @param metadata the column metadata, copied and made unmodifiable; empty when none
 */
public record Column(String name, ColumnType type, boolean nullable, Map<String, Object> metadata) {

    /** Column metadata key of a column's physical name in the data files (Delta protocol, "Column Mapping"). */
    public static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

    /** Column metadata key of a column's column-mapping id (Delta protocol, "Column Mapping"). */
    public static final String COLUMN_MAPPING_ID = "delta.columnMapping.id";

    /**
     * @throws NullPointerException     if name or type is null
     * @throws IllegalArgumentException if name is empty, or a metadata value is not a JSON value
     */
    public Column {
        Objects.requireNonNull(name, "column name");
        Objects.requireNonNull(type, "type of column " + name);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a column name must not be empty");
        }
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : normalizedMap(metadata, name);
    }

    /** A nullable column without metadata. */
    public Column(String name, ColumnType type) {
        this(name, type, true, Map.of());
    }

    /** A column without metadata. */
    public Column(String name, ColumnType type, boolean nullable) {
        this(name, type, nullable, Map.of());
    }

    /** The same column under another name (metadata kept). */
    public Column withName(String newName) {
        return new Column(newName, type, nullable, metadata);
    }

    /** The same column with another type. */
    public Column withType(ColumnType newType) {
        return new Column(name, newType, nullable, metadata);
    }

    /** The same column with other nullability. */
    public Column withNullable(boolean newNullable) {
        return new Column(name, type, newNullable, metadata);
    }

    /** The same column with other metadata. */
    public Column withMetadata(Map<String, Object> newMetadata) {
        return new Column(name, type, nullable, newMetadata);
    }

    /**
     * The name of this column's values in the data files: the column-mapping physical name when the
     * table uses column mapping, else the logical {@link #name()}.
     */
    public String physicalName() {
        Object physical = metadata.get(PHYSICAL_NAME);
        return physical == null ? name : physical.toString();
    }

    private static Map<String, Object> normalizedMap(Map<?, ?> map, String column) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("metadata key " + e.getKey() + " of column " + column + " is not a string");
            }
            out.put(key, normalized(e.getValue(), column));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object normalized(Object value, String column) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        } else if (value instanceof Float f) {
            return f.doubleValue();
        } else if (value instanceof Map<?, ?> m) {
            return normalizedMap(m, column);
        } else if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normalized(o, column));
            }
            return Collections.unmodifiableList(out);
        } else if (value instanceof Object[] a) {
            return normalized(java.util.Arrays.asList(a), column);
        }
        throw new IllegalArgumentException("metadata value " + value + " (" + value.getClass().getSimpleName()
                + ") of column " + column + " is not a JSON value");
    }
}
