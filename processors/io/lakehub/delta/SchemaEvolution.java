package io.lakehub.delta;

import java.util.ArrayList;
import java.util.List;

import io.delta.standalone.types.ArrayType;
import io.delta.standalone.types.DataType;
import io.delta.standalone.types.DecimalType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;

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
    public static StructType merge(StructType table, StructType incoming, String tableName) {
        if (table == null) {
            List<StructField> fields = new ArrayList<>();
            for (StructField f : incoming.getFields()) {
                fields.add(new StructField(f.getName(), f.getDataType(), true));
            }
            return new StructType(fields.toArray(new StructField[0]));
        }
        List<StructField> merged = new ArrayList<>(List.of(table.getFields()));
        boolean changed = false;
        for (StructField in : incoming.getFields()) {
            StructField existing = find(table, in.getName());
            if (existing == null) {
                merged.add(new StructField(in.getName(), in.getDataType(), true));
                changed = true;
            } else if (!existing.getDataType().equals(in.getDataType())) {
                throw new SchemaMismatchException("incompatible schema change for " + tableName + ": column '"
                        + existing.getName() + "' is " + describe(existing.getDataType())
                        + " in the table but " + describe(in.getDataType())
                        + " in the source; only new nullable columns are applied automatically");
            }
        }
        return changed ? new StructType(merged.toArray(new StructField[0])) : table;
    }

    /**
     * A type as Delta's schema string writes it, with its parameters: {@code decimal(12,2)} (precision, scale),
     * {@code array<long>}; delta-standalone's {@code getSimpleString} drops them ({@code decimal}).
     */
    static String describe(DataType type) {
        if (type instanceof DecimalType d) {
            return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
        } else if (type instanceof ArrayType a) {
            return "array<" + describe(a.getElementType()) + ">";
        }
        return type.getSimpleString();
    }

    /** The field named {@code name}, compared case-insensitively, or {@code null}. */
    public static StructField find(StructType schema, String name) {
        for (StructField f : schema.getFields()) {
            if (f.getName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }
}
