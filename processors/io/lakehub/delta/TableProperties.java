package io.lakehub.delta;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;


/**
 * Metadata-only commits that set or remove table properties, named as Spark names the same change:
 * {@code SET TBLPROPERTIES} with parameter {@code properties} (the JSON object of the properties set)
 * or {@code UNSET TBLPROPERTIES} with {@code properties} (the JSON array of the keys removed) and
 * {@code ifExists} (Delta protocol, commitInfo; Spark's {@code AlterTableSetPropertiesDeltaCommand}).
 * Such a commit is a new table version with the same rows. It is how tags, watermark moves and other
 * operator changes are recorded in the log, with who and why in {@code commitInfo.userMetadata}.
 *
 * <p>A commit that loses the race with another writer is recomputed on the new latest version and
 * retried, up to {@value #ATTEMPTS} attempts; then the {@link CommitConflictException}
 * is thrown. Thread-safe.
 */
public final class TableProperties {

    /** Commit attempts before a lost race is reported. */
    public static final int ATTEMPTS = 5;

    /**
     * A change to make: properties to set, or keys to remove (not both: Spark has no single command for that).
     *
     * @param set    properties to set, or empty
     * @param unset  keys to remove, or empty
     */
    public record Edit(Map<String, String> set, List<String> unset) {
        /** Sets properties. */
        public static Edit set(Map<String, String> properties) {
            return new Edit(properties, List.of());
        }

        /** Removes keys. */
        public static Edit unset(List<String> keys) {
            return new Edit(Map.of(), keys);
        }
    }

    /**
     * What a commit did.
     *
     * @param committed     false when the edit function asked for no change
     * @param before        the table properties the edit was computed on
     * @param commitVersion the version written, or the latest version when nothing was committed
     */
    public record Result(boolean committed, Map<String, String> before, long commitVersion) {
    }

    private final DeltaTable table;

    /** Properties of one table. */
    public TableProperties(DeltaTable table) {
        this.table = table;
    }

    /**
     * Computes an edit on the latest table properties and commits it.
     *
     * @param edit         from the current properties and read version to the change; null for none.
     *                     Called again after a lost race; it may throw to refuse the change.
     * @param userMetadata JSON or text for {@code commitInfo.userMetadata}, or null
     * @throws NoSuchElementException if the table does not exist
     * @throws UnwritableTableException if the table's protocol is newer than (1,2)
     * @throws CommitConflictException if other writers kept winning the race
     */
    public Result commit(BiFunction<Map<String, String>, Long, Edit> edit, String userMetadata) {
        table.requireWritable();
        return DeltaCommit.withRetry(ATTEMPTS, () -> {
            DeltaCommit commit = DeltaCommit.begin(table);
            if (commit.newTable()) {
                throw new NoSuchElementException("table " + table.name() + " does not exist");
            }
            Map<String, String> before = Map.copyOf(commit.properties());
            Edit e = edit.apply(before, commit.readVersion());
            if (e == null) {
                return new Result(false, before, commit.readVersion());
            }
            Map<String, String> params = new LinkedHashMap<>();
            String name;
            if (!e.set().isEmpty()) {
                name = "SET TBLPROPERTIES";
                params.put("properties", DeltaTable.json(e.set()));
                commit.setProperties(e.set());
            } else {
                name = "UNSET TBLPROPERTIES";
                params.put("properties", DeltaTable.json(e.unset()));
                params.put("ifExists", "false");
                commit.unsetProperties(e.unset());
            }
            commit.operation(name, params, Map.of(), userMetadata);
            return new Result(true, before, commit.commit());
        });
    }
}
