package io.lakehub.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.fs.Path;

/**
 * Which rows were inserted, updated and deleted between two versions of a table, by key.
 *
 * <p>The work scales with the change, not the table: Delta data files are immutable, so a file that
 * both versions reference holds the same rows in both and is skipped. Only the files referenced by
 * exactly one of the two versions are read: those of the side with fewer bytes go into a map from
 * row key to a 64-bit hash (SHA-256, truncated) of the row's other columns, then the other side's
 * files are streamed against it. A key found on the {@code to} side only is <em>inserted</em>, on the
 * {@code from} side only <em>deleted</em>, on both sides with a different hash <em>updated</em>, and
 * with the same hash <em>copied</em>: a row that a copy-on-write MERGE rewrote unchanged (or that a
 * load sent again with the same values). Memory is the map: about 100 bytes per row of the smaller
 * side of the differing files.
 *
 * <p>Both sides are read in the union of the two versions' schemas (columns matched by name,
 * case-insensitively), so a column added between them reads as null on the older side. Keys come from
 * the table property {@value #KEYS_PROPERTY} (comma-separated column names, written by the sql loader),
 * or from the caller. Keys are returned sorted, at most {@value #MAX_KEYS} per kind. Not thread-safe
 * per instance; each {@link #compare} call uses its own.
 */
public final class VersionDiff {

    /** Table property naming the key columns, comma-separated. */
    public static final String KEYS_PROPERTY = "lakehub.keys";

    /** Most keys of each kind a diff returns. */
    public static final int MAX_KEYS = 10_000;

    /**
     * The changed keys of a diff.
     *
     * @param inserted  keys only in {@code to}, sorted; a key is its value for one key column, else a map column → value
     * @param updated   keys in both with different values, sorted
     * @param deleted   keys only in {@code from}, sorted
     * @param truncated whether any of the three lists was cut at {@link #MAX_KEYS}
     */
    public record Keys(List<Object> inserted, List<Object> updated, List<Object> deleted, boolean truncated) {
    }

    /**
     * A diff.
     *
     * @param table      the table name
     * @param from       the version compared from
     * @param to         the version compared to
     * @param keyColumns the key columns rows were matched by
     * @param inserted   rows whose key is in {@code to} only
     * @param updated    rows whose key is in both, with other values
     * @param deleted    rows whose key is in {@code from} only
     * @param copied     rows in differing files that are equal in both (rewritten unchanged); not a change
     * @param filesFrom  data files read from the {@code from} version (those {@code to} does not reference)
     * @param filesTo    data files read from the {@code to} version (those {@code from} does not reference)
     * @param keys       the changed keys, or null when not asked for
     */
    public record Result(String table, long from, long to, List<String> keyColumns, long inserted, long updated,
                         long deleted, long copied, int filesFrom, int filesTo, Keys keys) {
    }

    private final DeltaTable table;
    private final MessageDigest digest;

    private VersionDiff(DeltaTable table) {
        this.table = table;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * The key columns to match rows by: {@code requested} if given, else the {@value #KEYS_PROPERTY}
     * property of {@code to}, else that of {@code from}.
     *
     * @param requested column names from the caller, or null/empty
     * @return the names as the union schema spells them
     * @throws IllegalArgumentException if no key columns are known or one is not a column of either version
     */
    public static List<String> keyColumns(TableSnapshot from, TableSnapshot to, List<String> requested) {
        List<String> names = requested == null ? List.of() : requested.stream().map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        if (names.isEmpty()) {
            names = split(to.properties().get(KEYS_PROPERTY));
        }
        if (names.isEmpty()) {
            names = split(from.properties().get(KEYS_PROPERTY));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the table has no " + KEYS_PROPERTY
                    + " property naming its key columns; give them as keyColumns=a,b");
        }
        TableSchema union = union(from.schema(), to.schema());
        List<String> out = new ArrayList<>();
        for (String n : names) {
            Column f = SchemaEvolution.find(union, n);
            if (f == null) {
                throw new IllegalArgumentException("key column '" + n + "' is not a column of the table (columns: "
                        + String.join(", ", union.names()) + ")");
            }
            out.add(f.name());
        }
        return out;
    }

    private static List<String> split(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The fields of {@code to}, then those of {@code from} that {@code to} lacks. */
    static TableSchema union(TableSchema from, TableSchema to) {
        List<Column> fields = new ArrayList<>(to.columns());
        for (Column f : from.columns()) {
            if (SchemaEvolution.find(to, f.name()) == null) {
                fields.add(f);
            }
        }
        return new TableSchema(fields);
    }

    /**
     * Compares two versions of a table.
     *
     * @param keyColumns from {@link #keyColumns}
     * @param withKeys   also return the changed keys (at most {@link #MAX_KEYS} of each kind)
     * @throws VersionGoneException if a data file that has to be read was removed by VACUUM
     * @throws IOException          if a data file cannot be read
     */
    public static Result compare(DeltaTable table, TableSnapshot from, TableSnapshot to, List<String> keyColumns, boolean withKeys)
            throws IOException {
        return new VersionDiff(table).run(from, to, keyColumns, withKeys);
    }

    private Result run(TableSnapshot from, TableSnapshot to, List<String> keyColumns, boolean withKeys) throws IOException {
        List<DataFile> onlyFrom = minus(from.files(), to.files());
        List<DataFile> onlyTo = minus(to.files(), from.files());
        TableVersions versions = new TableVersions(table);
        versions.requireReadable(from.version(), onlyFrom);
        versions.requireReadable(to.version(), onlyTo);

        TableSchema schema = union(from.schema(), to.schema());
        int[] keyIdx = new int[keyColumns.size()];
        for (int i = 0; i < keyIdx.length; i++) {
            keyIdx[i] = ParquetRowReader.index(schema, keyColumns.get(i));
        }
        int[] valueIdx = new int[schema.size() - keyIdx.length];
        for (int i = 0, j = 0; i < schema.size(); i++) {
            int col = i;
            if (Arrays.stream(keyIdx).noneMatch(k -> k == col)) {
                valueIdx[j++] = i;
            }
        }

        // build the map from the side with fewer bytes, stream the other
        boolean buildFrom = bytes(onlyFrom) <= bytes(onlyTo);
        Map<Object, Long> built = new HashMap<>();
        read(buildFrom ? from : to, buildFrom ? onlyFrom : onlyTo, schema, row -> {
            built.put(key(row, keyIdx), hash(row, valueIdx));
        });
        KeyList onlyBuilt = new KeyList(withKeys);
        KeyList onlyStreamed = new KeyList(withKeys);
        KeyList updated = new KeyList(withKeys);
        long[] copied = new long[1];
        read(buildFrom ? to : from, buildFrom ? onlyTo : onlyFrom, schema, row -> {
            Object key = key(row, keyIdx);
            Long before = built.remove(key);
            if (before == null) {
                onlyStreamed.add(key);
            } else if (before == hash(row, valueIdx)) {
                copied[0]++;
            } else {
                updated.add(key);
            }
        });
        for (Object key : built.keySet()) {
            onlyBuilt.add(key);
        }
        KeyList inserted = buildFrom ? onlyStreamed : onlyBuilt;
        KeyList deleted = buildFrom ? onlyBuilt : onlyStreamed;
        Keys keys = withKeys ? new Keys(inserted.render(keyColumns), updated.render(keyColumns), deleted.render(keyColumns),
                inserted.truncated() || updated.truncated() || deleted.truncated()) : null;
        return new Result(table.name(), from.version(), to.version(), keyColumns, inserted.count, updated.count,
                deleted.count, copied[0], onlyFrom.size(), onlyTo.size(), keys);
    }

    /** Files of one version not in the other: same path with another deletion vector counts as different. */
    private static List<DataFile> minus(Collection<DataFile> files, Collection<DataFile> other) {
        Set<String> paths = new HashSet<>();
        for (DataFile f : other) {
            paths.add(f.identity());
        }
        List<DataFile> out = new ArrayList<>();
        for (DataFile f : files) {
            if (!paths.contains(f.identity())) {
                out.add(f);
            }
        }
        return out;
    }

    private static long bytes(List<DataFile> files) {
        long total = 0;
        for (DataFile f : files) {
            total += f.size();
        }
        return total;
    }

    private interface RowConsumer {
        void accept(Object[] row);
    }

    /**
     * Reads the rows of some files of a version through Kernel (deletion vectors applied, logical names),
     * each row widened to {@code schema} (the union of both versions' columns) by column name.
     */
    private void read(TableSnapshot snapshot, List<DataFile> files, TableSchema schema, RowConsumer consumer)
            throws IOException {
        TableSchema own = snapshot.schema();
        int[] slot = new int[schema.size()];
        for (int i = 0; i < slot.length; i++) {
            slot[i] = ParquetRowReader.index(own, schema.column(i).name());
        }
        try (VersionRows rows = snapshot.rows(files)) {
            while (rows.hasNext()) {
                Object[] row = rows.next();
                Object[] wide = new Object[slot.length];
                for (int i = 0; i < slot.length; i++) {
                    wide[i] = slot[i] < 0 ? null : row[slot[i]];
                }
                consumer.accept(wide);
            }
        } catch (UncheckedIOException e) {
            if (VersionGoneException.isMissingFile(e)) {
                throw new VersionGoneException(table.name(), snapshot.version(),
                        Math.max(1, new TableVersions(table).missingFiles(files).size()));
            }
            throw e;
        }
    }

    private static Object key(Object[] row, int[] keyIdx) {
        if (keyIdx.length == 1) {
            return comparable(row[keyIdx[0]]);
        }
        Object[] parts = new Object[keyIdx.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = comparable(row[keyIdx[i]]);
        }
        return Arrays.asList(parts);
    }

    private static Object comparable(Object v) {
        return v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
    }

    /** 64 bits of SHA-256 over the non-key values (null marker, or length and UTF-8 of the text form). */
    private long hash(Object[] row, int[] valueIdx) {
        digest.reset();
        for (int i : valueIdx) {
            Object v = row[i];
            if (v == null) {
                digest.update((byte) 0);
            } else {
                byte[] text = ColumnTypes.text(v).getBytes(StandardCharsets.UTF_8);
                digest.update((byte) 1);
                digest.update(ByteBuffer.allocate(4).putInt(text.length).array());
                digest.update(text);
            }
        }
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    /** Counts keys and keeps the first {@link #MAX_KEYS} when asked to. */
    private static final class KeyList {
        private final boolean keep;
        private final List<Object> keys = new ArrayList<>();
        private long count;

        KeyList(boolean keep) {
            this.keep = keep;
        }

        void add(Object key) {
            count++;
            if (keep && keys.size() < MAX_KEYS) {
                keys.add(key);
            }
        }

        boolean truncated() {
            return count > keys.size();
        }

        List<Object> render(List<String> keyColumns) {
            keys.sort(KEY_ORDER);
            List<Object> out = new ArrayList<>(keys.size());
            for (Object k : keys) {
                if (k instanceof List<?> parts) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < parts.size(); i++) {
                        m.put(keyColumns.get(i), json(parts.get(i)));
                    }
                    out.add(m);
                } else {
                    out.add(json(k));
                }
            }
            return out;
        }
    }

    /** A value as JSON shows it: timestamps ISO-8601 UTC, dates ISO-8601, binary Base64, the rest as is. */
    private static Object json(Object v) {
        if (v instanceof Instant || v instanceof LocalDate) {
            return v.toString();
        } else if (v instanceof ByteBuffer b) {
            return Base64.getEncoder().encodeToString(b.array());
        }
        return v;
    }

    /** Nulls first, then natural order; composite keys column by column. */
    private static final Comparator<Object> KEY_ORDER = new Comparator<>() {
        @Override
        public int compare(Object a, Object b) {
            if (a instanceof List<?> la && b instanceof List<?> lb) {
                for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                    int c = compare(la.get(i), lb.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(la.size(), lb.size());
            }
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : -1) : 1;
            }
            if (a.getClass() == b.getClass() && a instanceof Comparable) {
                return ColumnTypes.compare(a, b);
            }
            return a.toString().compareTo(b.toString());
        }
    };
}
