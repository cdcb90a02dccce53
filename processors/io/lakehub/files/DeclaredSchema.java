package io.lakehub.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.TableSchema;
import io.lakehub.files.FilesProperties.ArrayColumn;
import io.lakehub.files.FilesProperties.FileKind;

/**
 * The silver shape of one file kind, parsed from its {@code lakehub.files.kinds[]} entry: typed scalar
 * columns in the main table, and one bridge table {@code (key, element)} per comma-joined column.
 *
 * <p>Types: {@code string}, {@code int} (32-bit), {@code long}, {@code double}, {@code boolean}
 * (IMDB writes {@code 0}/{@code 1}; {@code true}/{@code false} are accepted too). A null (IMDB's
 * {@code \N}, or an empty value in a typed column of a CSV file) stays null. Immutable and thread-safe.
 */
public final class DeclaredSchema {

    /** A column type of a declared schema. */
    public enum Type { STRING, INT, LONG, DOUBLE, BOOLEAN }

    /**
     * A scalar silver column: for a JSON kind, read from the field at {@code path} (its dot-separated
     * segments, {@code address.city}), named with the segments joined by {@code _} ({@code address_city}).
     */
    public record Column(String name, Type type, List<String> path) {
        public Column(String name, Type type) {
            this(name, type, List.of(name));
        }
    }

    /**
     * A bridge table: {@code column} split on commas (a JSON array: one row per element, {@code field} of an
     * object element or its JSON text) into rows {@code (key, element)} of {@code table}.
     */
    public record Bridge(String column, String table, String element, List<String> path, List<String> field) {
        public Bridge(String column, String table, String element) {
            this(column, table, element, List.of(column), List.of());
        }
    }

    /** The rescued-data column of a JSON kind: the fields no column or array names, as JSON text (Auto Loader's {@code _rescued_data}). */
    public static final String RESCUED = "_rescued_data";

    private final String kind;
    private final String table;
    private final String key;
    private final List<Column> columns;
    private final List<Bridge> bridges;
    private final List<String> rowKeys;
    private final double minRowsRatio;
    private final boolean allowEmpty;
    private final DumpReader.Format format;
    private final boolean json;
    private final boolean rescue;
    private final FilesProperties.WriteMode mode;

    /**
     * @throws IllegalArgumentException if the kind has no name, table or key, a type is unknown, the key
     *                                  or one of the row keys is not a declared column, or a bridge lacks
     *                                  its column, table or element
     */
    public DeclaredSchema(FileKind kind) {
        if (kind.getName() == null || kind.getTable() == null || kind.getKey() == null) {
            throw new IllegalArgumentException("lakehub.files.kinds: every kind needs name, table and key: " + kind.getName());
        }
        this.kind = kind.getName();
        this.table = kind.getTable();
        this.format = kind.getFormat();
        this.json = format == DumpReader.Format.JSON || format == DumpReader.Format.JSONL;
        this.rescue = json && kind.isRescue();
        this.mode = kind.getMode() == null ? FilesProperties.WriteMode.OVERWRITE : kind.getMode();
        List<Column> cols = new ArrayList<>();
        for (String spec : kind.getColumns()) {
            String[] parts = spec.trim().split("\\s+");
            if (parts.length > 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("lakehub.files.kinds[" + this.kind + "].columns: '" + spec
                        + "' is not '<name> [type]'");
            }
            Type t = parts.length == 1 ? Type.STRING : type(parts[1], spec);
            if (json) {
                List<String> path = path(parts[0], spec);
                cols.add(new Column(String.join("_", path), t, path));
            } else {
                cols.add(new Column(parts[0], t));
            }
        }
        this.columns = List.copyOf(cols);
        this.key = json ? kind.getKey().replace('.', '_') : kind.getKey();
        if (columns.stream().noneMatch(c -> c.name().equals(key))) {
            throw new IllegalArgumentException("lakehub.files.kinds[" + this.kind + "]: key " + key + " is not a declared column");
        }
        List<Bridge> b = new ArrayList<>();
        for (ArrayColumn a : kind.getArrays()) {
            if (a.getColumn() == null || a.getTable() == null || a.getElement() == null) {
                throw new IllegalArgumentException("lakehub.files.kinds[" + this.kind + "].arrays: column, table and element are required");
            }
            if (json) {
                b.add(new Bridge(a.getColumn(), a.getTable(), a.getElement(), path(a.getColumn(), a.getColumn()),
                        a.getField() == null || a.getField().isBlank() ? List.of() : path(a.getField(), a.getField())));
            } else {
                b.add(new Bridge(a.getColumn(), a.getTable(), a.getElement()));
            }
        }
        this.bridges = List.copyOf(b);
        List<String> keys = kind.getKeys() == null || kind.getKeys().isEmpty() ? List.of(key)
                : kind.getKeys().stream().map(k -> json ? k.replace('.', '_') : k).toList();
        for (String k : keys) {
            if (columns.stream().noneMatch(c -> c.name().equals(k))) {
                throw new IllegalArgumentException("lakehub.files.kinds[" + this.kind + "].keys: " + k + " is not a declared column");
            }
        }
        this.rowKeys = keys;
        this.minRowsRatio = kind.getMinRowsRatio();
        this.allowEmpty = kind.isAllowEmpty();
    }

    private List<String> path(String text, String spec) {
        List<String> p = List.of(text.split("\\.", -1));
        if (p.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("lakehub.files.kinds[" + kind + "]: '" + spec + "' is not a field path (a.b.c)");
        }
        return p;
    }

    private Type type(String name, String spec) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "string" -> Type.STRING;
            case "int", "integer" -> Type.INT;
            case "long", "bigint" -> Type.LONG;
            case "double" -> Type.DOUBLE;
            case "boolean" -> Type.BOOLEAN;
            default -> throw new IllegalArgumentException("lakehub.files.kinds[" + kind + "].columns: unknown type in '" + spec
                    + "' (string, int, long, double, boolean)");
        };
    }

    public String kind() {
        return kind;
    }

    /** The main silver table. */
    public String table() {
        return table;
    }

    public String key() {
        return key;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Bridge> bridges() {
        return bridges;
    }

    /** The columns that identify a row of the main table ({@code keys}, else the key), its {@code lakehub.keys}. */
    public List<String> rowKeys() {
        return rowKeys;
    }

    /** The columns that identify a row of a bridge table: the key, then the element. */
    public List<String> rowKeys(Bridge bridge) {
        return List.of(key, bridge.element());
    }

    /** A dump below this fraction of the main table's current rows is held in quarantine; 0: no check. */
    public double minRowsRatio() {
        return minRowsRatio;
    }

    /** Whether a dump with no rows may replace the tables. */
    public boolean allowEmpty() {
        return allowEmpty;
    }

    /** The declared format, or null (from the file extension). */
    public DumpReader.Format format() {
        return format;
    }

    /** Whether the kind's files are JSON (lines or documents): columns by field path, bronze one JSON text per row. */
    public boolean json() {
        return json;
    }

    /** Whether the main table has the {@value #RESCUED} column. */
    public boolean rescue() {
        return rescue;
    }

    /** How a file changes the tables. */
    public FilesProperties.WriteMode mode() {
        return mode;
    }

    /** Every source column this kind reads: the scalar columns, then the bridged ones; none for JSON (fields may be absent). */
    public List<String> requiredColumns() {
        List<String> out = new ArrayList<>();
        if (json) {
            return out;
        }
        columns.forEach(c -> out.add(c.name()));
        bridges.forEach(b -> out.add(b.column()));
        return out;
    }

    /** The schema of the main table (every column nullable, as Spark writes them). */
    public TableSchema mainSchema() {
        List<io.lakehub.delta.Column> fields = new ArrayList<>(columns.size() + 1);
        for (Column c : columns) {
            fields.add(new io.lakehub.delta.Column(c.name(), deltaType(c.type()), true));
        }
        if (rescue) {
            fields.add(new io.lakehub.delta.Column(RESCUED, ColumnType.STRING, true));
        }
        return new TableSchema(fields);
    }

    /**
     * The schema of a bridge table: the key column (its declared type), then the element as a string;
     * nullable like every column the hub writes, as Spark writes them.
     */
    public TableSchema bridgeSchema(Bridge bridge) {
        Type keyType = columns.stream().filter(c -> c.name().equals(key)).findFirst().orElseThrow().type();
        return TableSchema.of(
                new io.lakehub.delta.Column(key, deltaType(keyType), true),
                new io.lakehub.delta.Column(bridge.element(), ColumnType.STRING, true));
    }

    private static ColumnType deltaType(Type type) {
        return switch (type) {
            case STRING -> ColumnType.STRING;
            case INT -> ColumnType.INTEGER;
            case LONG -> ColumnType.LONG;
            case DOUBLE -> ColumnType.DOUBLE;
            case BOOLEAN -> ColumnType.BOOLEAN;
        };
    }

    /**
     * A source value in its declared type.
     *
     * @param text the value as read, or null
     * @return null for null (and for an empty value of a non-string type), else an Integer, Long, Double,
     *         Boolean or the text
     * @throws IllegalArgumentException if {@code text} is not a value of {@code type}
     */
    public static Object parse(Type type, String text) {
        if (text == null || (type != Type.STRING && text.isEmpty())) {
            return null;
        }
        try {
            return switch (type) {
                case STRING -> text;
                case INT -> Integer.valueOf(text);
                case LONG -> Long.valueOf(text);
                case DOUBLE -> Double.valueOf(text);
                case BOOLEAN -> bool(text);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + (type == Type.INT ? "an int" : "a " + type.name().toLowerCase(Locale.ROOT)));
        }
    }

    private static Boolean bool(String text) {
        switch (text) {
            case "0", "false", "FALSE", "False" -> {
                return Boolean.FALSE;
            }
            case "1", "true", "TRUE", "True" -> {
                return Boolean.TRUE;
            }
            default -> throw new IllegalArgumentException("'" + text + "' is not a boolean (0 or 1)");
        }
    }
}
