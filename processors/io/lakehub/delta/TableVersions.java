package io.lakehub.delta;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which version of a table a read means (Delta time travel by version, by tag or by timestamp), when
 * each version was committed, and whether a version can still be read.
 *
 * <p>Rules, as Delta defines them (Delta protocol "Commit Provenance" and Spark's
 * {@code VERSION AS OF} / {@code TIMESTAMP AS OF}):
 * <ul>
 *   <li>a version exists from 0 to the latest, as long as the log can rebuild it (after log clean-up
 *   only versions from the oldest checkpoint on);</li>
 *   <li>the timestamp of a commit is the modification time of its log file
 *   {@code _delta_log/<version>.json}, made monotonic (a commit never gets an earlier time than the one
 *   before it); {@code asOf=T} means the latest version committed at or before {@code T}, at millisecond
 *   precision; a {@code T} after the latest commit means the latest version, a {@code T} before the first
 *   commit is an error;</li>
 *   <li>a tag names a version through the table property {@code lakehub.tag.<tag>} ({@link TableTags}),
 *   read from the latest version, so a tag set today also names versions committed before it.</li>
 * </ul>
 * Thread-safe; every call reads the log afresh.
 */
public final class TableVersions {

    private static final Pattern DELTA_FILE = Pattern.compile("\\d{20}\\.json");

    /**
     * A read's choice of version: at most one of a version number, a tag, or a timestamp; none means
     * the latest version.
     *
     * @param version a version number, or null
     * @param tag     a tag name, or null
     * @param asOf    an instant, or null
     */
    public record Selector(Long version, String tag, Instant asOf) {

        /** The latest version. */
        public static final Selector LATEST = new Selector(null, null, null);

        /**
         * The selector of request parameters {@code version}, {@code tag}, {@code asOf}; blank values count as absent.
         *
         * @param asOf an ISO-8601 instant ({@code 2026-11-21T06:00:00Z}), with offset
         *             ({@code 2026-11-21T07:00:00+01:00}), a date-time without zone (read as UTC, the hub's
         *             convention for zone-less times), or a date (its start, UTC)
         * @throws IllegalArgumentException if more than one is given, the version is negative, the tag is
         *                                  not a valid tag name, or {@code asOf} cannot be parsed
         */
        public static Selector of(Long version, String tag, String asOf) {
            String t = blankToNull(tag);
            String a = blankToNull(asOf);
            int given = (version != null ? 1 : 0) + (t != null ? 1 : 0) + (a != null ? 1 : 0);
            if (given > 1) {
                throw new IllegalArgumentException("give at most one of version, tag and asOf");
            }
            if (version != null && version < 0) {
                throw new IllegalArgumentException("version must be 0 or more, not " + version);
            }
            return new Selector(version, t == null ? null : TableTags.checkName(t), a == null ? null : parseInstant(a));
        }

        /** Whether no version was chosen (the latest is meant). */
        public boolean latest() {
            return version == null && tag == null && asOf == null;
        }

        @Override
        public String toString() {
            return version != null ? "version " + version : tag != null ? "tag " + tag
                    : asOf != null ? "asOf " + asOf : "latest";
        }
    }

    /**
     * Parses a point in time (see {@link Selector#of}). A {@code +} of an offset that arrived as a space
     * (an unencoded {@code +} in a query string) is taken as {@code +}.
     *
     * @throws IllegalArgumentException if {@code text} is none of the accepted forms
     */
    public static Instant parseInstant(String text) {
        String s = text.trim().replace(' ', '+');
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset: try the zone-less forms
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // not a date-time either
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("asOf must be an ISO-8601 timestamp such as 2026-11-21T06:00:00Z, not '"
                    + text + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private final DeltaTable table;

    /** @param table the table whose versions are meant */
    public TableVersions(DeltaTable table) {
        this.table = table;
    }

    /**
     * The snapshot a selector means. Does not check that its data files still exist ({@link #requireReadable}).
     *
     * @throws NoSuchElementException if the table does not exist, the version does not exist or can no
     *                                longer be rebuilt from the log, the tag does not exist, or
     *                                {@code asOf} is before the first commit
     */
    public TableSnapshot resolve(Selector selector) {
        if (selector.version() != null) {
            return table.snapshot(selector.version());
        }
        if (selector.tag() != null) {
            return table.snapshot(new TableTags(table).version(selector.tag()));
        }
        if (selector.asOf() != null) {
            return table.snapshot(versionAsOf(selector.asOf()));
        }
        return table.snapshot(null);
    }

    /**
     * The data files, partition values and schema of the version a selector means, in lakehub's types:
     * what a reader that opens the Parquet files itself (the SQL engine) needs. Does not check that the
     * files still exist ({@link #requireReadable}).
     *
     * <p>A version whose files do not hold its rows as they are is refused: column mapping
     * ({@code delta.columnMapping.mode} other than {@code none}: physical column names are not the schema's),
     * deletion vectors, or a reader protocol above (1) (PROTOCOL.md "Column Mapping", "Deletion Vectors").
     *
     * @throws NoSuchElementException      as {@link #resolve}
     * @throws UnreadableVersionException  if the version needs a reader feature beyond plain Parquet files
     */
    public VersionFiles files(Selector selector) {
        TableSnapshot s;
        try {
            s = resolve(selector);
        } catch (UnreadableTableException e) {
            // Kernel refuses a log with a feature it does not read, or a broken log
            throw new UnreadableVersionException(table.name(), selector.version() == null ? -1 : selector.version(),
                    e.getMessage());
        }
        Map<String, String> config = s.getMetadata().getConfiguration();
        String mapping = config.getOrDefault("delta.columnMapping.mode", "none");
        if (!"none".equalsIgnoreCase(mapping)) {
            throw new UnreadableVersionException(table.name(), s.getVersion(), "column mapping mode '" + mapping + "'");
        }
        if ("true".equalsIgnoreCase(config.get("delta.enableDeletionVectors"))) {
            throw new UnreadableVersionException(table.name(), s.getVersion(), "deletion vectors are enabled");
        }
        List<VersionFiles.Column> columns = new ArrayList<>();
        for (Column f : s.getMetadata().getSchema().columns()) {
            columns.add(new VersionFiles.Column(f.name(), typeName(f.type()), f.nullable()));
        }
        List<VersionFiles.DataFile> files = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (DataFile f : s.getAllFiles()) {
            if (f.deletionVector() != null) {
                throw new UnreadableVersionException(table.name(), s.getVersion(),
                        "data file " + f.path() + " has a deletion vector");
            }
            long rows = -1;
            try {
                if (f.getStats() != null) {
                    rows = json.readTree(FileStats.unquote(f.getStats())).path("numRecords").asLong(-1);
                }
            } catch (IOException | RuntimeException e) {
                rows = -1;
            }
            files.add(new VersionFiles.DataFile(new Path(table.path(), f.getPath()).toUri().toString(),
                    f.getPartitionValues() == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(f.getPartitionValues())),
                    f.getSize(), rows));
        }
        files.sort(java.util.Comparator.comparing(VersionFiles.DataFile::uri));
        return new VersionFiles(table.name(), s.getVersion(), List.copyOf(columns),
                List.copyOf(s.getMetadata().getPartitionColumns()), List.copyOf(files));
    }

    /** The Delta protocol's name of a type ("Schema Serialization Format"). */
    static String typeName(ColumnType type) {
        if (type instanceof ColumnType.Decimal d) {
            return "decimal(" + d.precision() + "," + d.scale() + ")";
        }
        if (type instanceof ColumnType.Array a) {
            return "array<" + typeName(a.element()) + ">";
        }
        if (type instanceof ColumnType.Map m) {
            return "map<" + typeName(m.key()) + "," + typeName(m.value()) + ">";
        }
        if (type instanceof ColumnType.Struct st) {
            StringBuilder sb = new StringBuilder("struct<");
            for (Column f : st.fields()) {
                sb.append(sb.length() > 7 ? "," : "").append(f.name()).append(':').append(typeName(f.type()));
            }
            return sb.append('>').toString();
        }
        return type.typeName();
    }

    /**
     * The latest version committed at or before {@code instant}, milliseconds, by the commit times of
     * {@link #commitTimestamps()} (the rule of Delta's {@code TIMESTAMP AS OF} without in-commit timestamps).
     *
     * @throws NoSuchElementException if the table does not exist or {@code instant} is before its first commit
     */
    public long versionAsOf(Instant instant) {
        if (!table.exists()) {
            throw new NoSuchElementException("table " + table.name() + " does not exist");
        }
        NavigableMap<Long, Instant> times = commitTimestamps();
        Map.Entry<Long, Instant> at = times.floorEntry(Long.MAX_VALUE);
        for (Map.Entry<Long, Instant> e : times.descendingMap().entrySet()) {
            if (!e.getValue().isAfter(instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))) {
                return e.getKey();
            }
            at = e;
        }
        throw new NoSuchElementException("table " + table.name() + " has no version committed at or before " + instant
                + (at == null ? "" : ": its oldest version in the log, " + at.getKey() + ", was committed at "
                + at.getValue()));
    }

    /**
     * The commit time of each version whose log file is still there, oldest first: the log file's
     * modification time, made monotonic as Delta does, so {@code asOf=<a version's time>} reads that version.
     *
     * @throws UncheckedIOException if the log folder cannot be listed
     */
    public NavigableMap<Long, Instant> commitTimestamps() {
        Path logPath = new Path(table.path(), "_delta_log");
        TreeMap<Long, Long> millis = new TreeMap<>();
        try {
            FileSystem fs = logPath.getFileSystem(table.lake().conf());
            for (FileStatus f : fs.listStatus(logPath)) {
                String name = f.getPath().getName();
                if (DELTA_FILE.matcher(name).matches()) {
                    millis.put(Long.parseLong(name.substring(0, 20)), f.getModificationTime());
                }
            }
        } catch (FileNotFoundException e) {
            return new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the log of " + table.name() + ": " + e.getMessage(), e);
        }
        TreeMap<Long, Instant> out = new TreeMap<>();
        long previous = Long.MIN_VALUE;
        for (Map.Entry<Long, Long> e : millis.entrySet()) {
            // Delta's DeltaHistoryManager.monotonizeCommitTimestamps: a commit not later than the one
            // before it (a copied log, a coarse clock) gets that time plus 1 ms
            long ts = previous != Long.MIN_VALUE && previous >= e.getValue() ? previous + 1 : e.getValue();
            out.put(e.getKey(), Instant.ofEpochMilli(ts));
            previous = ts;
        }
        return out;
    }

    /** The commit time of one version (see {@link #commitTimestamps()}), or null if its log file was cleaned up. */
    public Instant commitTimestamp(long version) {
        return commitTimestamps().get(version);
    }

    /**
     * Checks that every data file of a snapshot still exists, listing each folder that holds data files
     * once (not one request per file).
     *
     * @throws VersionGoneException if any is missing
     */
    public void requireReadable(TableSnapshot snapshot) {
        requireReadable(snapshot.version(), snapshot.files());
    }

    /**
     * Checks that the given data files of version {@code version} still exist.
     *
     * @throws VersionGoneException  if any is missing
     * @throws UncheckedIOException  if the table folder cannot be listed
     */
    public void requireReadable(long version, Collection<DataFile> files) {
        int missing = missingFiles(files).size();
        if (missing > 0) {
            throw new VersionGoneException(table.name(), version, missing);
        }
    }

    /** Whether every data file of the snapshot still exists. */
    public boolean readable(TableSnapshot snapshot) {
        return missingFiles(snapshot.files()).isEmpty();
    }

    /**
     * Those of {@code files} that do not exist, found by listing each parent folder once.
     *
     * @throws UncheckedIOException if a folder cannot be listed for another reason than not existing
     */
    public List<DataFile> missingFiles(Collection<DataFile> files) {
        Map<Path, List<DataFile>> byFolder = new LinkedHashMap<>();
        for (DataFile f : files) {
            Path p = new Path(table.path(), f.path());
            byFolder.computeIfAbsent(p.getParent(), k -> new ArrayList<>()).add(f);
        }
        List<DataFile> missing = new ArrayList<>();
        try {
            FileSystem fs = table.path().getFileSystem(table.lake().conf());
            for (Map.Entry<Path, List<DataFile>> folder : byFolder.entrySet()) {
                Set<String> present = new HashSet<>();
                try {
                    for (FileStatus s : fs.listStatus(folder.getKey())) {
                        present.add(s.getPath().getName());
                    }
                } catch (FileNotFoundException e) {
                    // the whole folder is gone: every file in it is missing
                }
                for (DataFile f : folder.getValue()) {
                    if (!present.contains(new Path(table.path(), f.path()).getName())) {
                        missing.add(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the data files of " + table.name() + ": " + e.getMessage(), e);
        }
        return missing;
    }
}
