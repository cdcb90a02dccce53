package io.lakehub.delta;

import java.util.ArrayList;
import java.util.List;


/**
 * Decides the table schema after a load: additive evolution only.
 *
 * <p>Rules (the same as Delta's {@code mergeSchema} option for appends): a column the source added
 * is appended to the table schema as a nullable column, so older files read it as null; a column
 * the source no longer returns stays in the table and is null in new rows; a column whose type
 * changed fails the load with {@link SchemaMismatchException}. Names compare case-insensitively, as
 * Delta column names do.
 */
public final class SchemaEvolution {

    private SchemaEvolution() {
    }

    /**
     * The table schema that can hold both the current table's rows and the incoming rows.
     *
     * @param table    the table's current schema, or {@code null} for a new table
     * @param incoming the schema of the rows being loaded
     * @param tableName used in error messages
     * @return {@code table} itself when nothing changed, else a new schema (incoming fields nullable)
     * @throws SchemaMismatchException if a column exists in both with different types
     */
    public static TableSchema merge(TableSchema table, TableSchema incoming, String tableName) {
        if (table == null) {
            List<Column> fields = new ArrayList<>();
            for (Column f : incoming.columns()) {
                fields.add(new Column(f.name(), f.type(), true));
            }
            return new TableSchema(fields);
        }
        List<Column> merged = new ArrayList<>(table.columns());
        boolean changed = false;
        for (Column in : incoming.columns()) {
            Column existing = find(table, in.name());
            if (existing == null) {
                merged.add(new Column(in.name(), in.type(), true));
                changed = true;
            } else if (!existing.type().equals(in.type())) {
                throw new SchemaMismatchException("incompatible schema change for " + tableName + ": column '"
                        + existing.name() + "' is " + describe(existing.type())
                        + " in the table but " + describe(in.type())
                        + " in the source; only new nullable columns are applied automatically");
            }
        }
        return changed ? new TableSchema(merged) : table;
    }

    /**
     * A type as Delta's schema string writes it, with its parameters: {@code decimal(12,2)} (precision, scale),
     * {@code array<long>}; delta-standalone's {@code getSimpleString} drops them ({@code decimal}).
     */
    static String describe(ColumnType type) {
        if (type instanceof ColumnType.Decimal d) {
            return "decimal(" + d.precision() + "," + d.scale() + ")";
        } else if (type instanceof ColumnType.Array a) {
            return "array<" + describe(a.element()) + ">";
        }
        return type.simpleString();
    }

    /** The field named {@code name}, compared case-insensitively, or {@code null}. */
    public static Column find(TableSchema schema, String name) {
        for (Column f : schema.columns()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }
}
