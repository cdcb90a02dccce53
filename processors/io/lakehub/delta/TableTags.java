package io.lakehub.delta;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;


/**
 * Named versions of a table ("tags"), kept in the Delta table itself as table properties
 * {@code lakehub.tag.<tag>} = version number, so that Spark users see them in
 * {@code SHOW TBLPROPERTIES} and every copy of the table carries them.
 *
 * <p>Setting or removing a tag is a metadata-only Delta commit named as Spark names the same change:
 * {@code SET TBLPROPERTIES} with parameter {@code properties} (the JSON object of the properties set),
 * or {@code UNSET TBLPROPERTIES} with {@code properties} (the JSON array of the keys removed) and
 * {@code ifExists}. That commit is a new table version holding the same rows as the one before.
 * Loads keep the table properties they find, so tags survive them. A commit that loses a race with
 * another writer is retried (up to {@value TableProperties#ATTEMPTS} attempts, by {@link TableProperties}) on the new latest version; after that
 * the {@link CommitConflictException} is thrown.
 *
 * <p>Tag names match {@code [A-Za-z0-9_.-]{1,64}}. Thread-safe.
 */
public final class TableTags {

    /** Table property prefix of a tag. */
    public static final String PREFIX = DeltaTable.TAG_PREFIX;

    /** What a tag name may be. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * A tag.
     *
     * @param name    the tag name
     * @param version the version it names
     */
    public record Tag(String name, long version) {
    }

    /**
     * What {@link #set} or {@link #remove} did.
     *
     * @param tag         the tag after the change (for a removal: the one removed)
     * @param changed     false when the tag already named that version (nothing was committed)
     * @param previous    the version the tag named before, or null if it did not exist
     * @param commitVersion the table version of the metadata commit, or the latest version if nothing was committed
     */
    public record Change(Tag tag, boolean changed, Long previous, long commitVersion) {
    }

    private final DeltaTable table;

    /** @param table the table whose tags are meant */
    public TableTags(DeltaTable table) {
        this.table = table;
    }

    /**
     * Checks a tag name.
     *
     * @return the name
     * @throws IllegalArgumentException if it is not {@code [A-Za-z0-9_.-]{1,64}}
     */
    public static String checkName(String tag) {
        if (tag == null || !NAME.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag must match [A-Za-z0-9_.-]{1,64}, not '" + tag + "'");
        }
        return tag;
    }

    /**
     * The tags among table properties, ordered by version, then name. A {@code lakehub.tag.*} property
     * whose value is not a version number (set by hand) is not a tag and is left out.
     */
    public static List<Tag> fromProperties(Map<String, String> properties) {
        List<Tag> out = new ArrayList<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey().startsWith(PREFIX) && e.getValue() != null && e.getValue().matches("\\d{1,18}")) {
                out.add(new Tag(e.getKey().substring(PREFIX.length()), Long.parseLong(e.getValue())));
            }
        }
        out.sort(Comparator.comparingLong(Tag::version).thenComparing(Tag::name));
        return out;
    }

    /** The tags of the latest version, ordered by version, then name; empty for a table that does not exist. */
    public List<Tag> list() {
        return fromProperties(table.properties());
    }

    /**
     * The version a tag names.
     *
     * @throws IllegalArgumentException if the name is invalid
     * @throws NoSuchElementException   if the table or the tag does not exist
     */
    public long version(String tag) {
        checkName(tag);
        if (!table.exists()) {
            throw new NoSuchElementException("table " + table.name() + " does not exist");
        }
        String v = table.properties().get(PREFIX + tag);
        if (v == null || !v.matches("\\d{1,18}")) {
            throw new NoSuchElementException("table " + table.name() + " has no tag " + tag);
        }
        return Long.parseLong(v);
    }

    /**
     * Points a tag at a version, in a {@code SET TBLPROPERTIES} commit.
     *
     * @param version an existing version whose data files can still be read
     * @param force   move the tag if it exists; without it an existing tag is a conflict
     * @return the change; {@code changed=false} (no commit) when the tag already named that version and {@code force} was given
     * @throws IllegalArgumentException if the name is invalid or the version negative
     * @throws NoSuchElementException   if the table or the version does not exist
     * @throws VersionGoneException     if the version's data files were removed by VACUUM
     * @throws IllegalStateException    if the tag exists and {@code force} is false
     * @throws CommitConflictException if other writers kept winning the commit race
     */
    public Change set(String tag, long version, boolean force) {
        checkName(tag);
        if (version < 0) {
            throw new IllegalArgumentException("version must be 0 or more, not " + version);
        }
        new TableVersions(table).requireReadable(table.snapshot(version));
        Long[] previous = new Long[1];
        TableProperties.Result r = new TableProperties(table).commit((config, readVersion) -> {
            String existing = config.get(PREFIX + tag);
            previous[0] = existing != null && existing.matches("\\d{1,18}") ? Long.valueOf(existing) : null;
            if (existing != null && !force) {
                throw new IllegalStateException("tag " + tag + " of " + table.name() + " already names version " + existing
                        + "; send \"force\": true to move it");
            }
            if (previous[0] != null && previous[0] == version) {
                return null;
            }
            return TableProperties.Edit.set(Map.of(PREFIX + tag, Long.toString(version)));
        }, null);
        return new Change(new Tag(tag, version), r.committed(), previous[0], r.commitVersion());
    }

    /**
     * Removes a tag, in an {@code UNSET TBLPROPERTIES} commit.
     *
     * @return the change, with the removed tag
     * @throws IllegalArgumentException if the name is invalid
     * @throws NoSuchElementException   if the table or the tag does not exist
     * @throws CommitConflictException if other writers kept winning the commit race
     */
    public Change remove(String tag) {
        checkName(tag);
        String[] removed = new String[1];
        TableProperties.Result r = new TableProperties(table).commit((config, readVersion) -> {
            removed[0] = config.get(PREFIX + tag);
            if (removed[0] == null) {
                throw new NoSuchElementException("table " + table.name() + " has no tag " + tag);
            }
            return TableProperties.Edit.unset(List.of(PREFIX + tag));
        }, null);
        Long previous = removed[0].matches("\\d{1,18}") ? Long.valueOf(removed[0]) : null;
        return new Change(new Tag(tag, previous == null ? -1 : previous), true, previous, r.commitVersion());
    }

}
