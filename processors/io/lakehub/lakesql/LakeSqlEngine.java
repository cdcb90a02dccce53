package io.lakehub.lakesql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableVersions;
import io.lakehub.delta.TableVersions.Selector;
import io.lakehub.delta.UnreadableVersionException;
import io.lakehub.delta.VersionFiles;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded SQL engine over the lake: one in-memory DuckDB database whose catalog is the lake's
 * Delta tables, each version a view over exactly the Parquet files of that version (DESIGN.md, "SQL over
 * the lake"); no data is copied.
 *
 * <p><b>Names</b> (the admin API's terms: a version number, or a tag naming one):
 * <ul>
 *   <li>{@code loans}: silver table {@code silver/loans} at its latest version; {@code gold.sales}: gold
 *   table {@code gold/sales};</li>
 *   <li>{@code "loans@3"}: version 3; {@code "loans@v2015"}: the version tag {@code v2015} names (a quoted
 *   identifier; after {@code @} digits are a version number, anything else a tag);</li>
 *   <li>the names of {@code lakehub.sql.views}: logical views, always over the latest versions;</li>
 *   <li>a request's {@code version}/{@code tag}/{@code asOf} pins every table the statement names
 *   without {@code @} (not those inside logical views).</li>
 * </ul>
 * Every table reference of a query is rewritten to the version view it resolves to ({@code "loans@3"}),
 * so a query reads the versions that were current when it started, whatever commits meanwhile; the
 * versions read are returned with the statement ({@link Prepared#versions}). The latest view
 * {@code loans}, which logical views read, is replaced when a query finds a newer version (the table
 * version is polled before each query: a log listing, no commit listener needed for any flow).
 *
 * <p><b>Containment</b> (DuckDB docs, "Securing DuckDB"): after the setup the database runs with
 * {@code enable_external_access=false}, {@code allowed_directories} = the lake's {@code silver/} and
 * {@code gold/} folders and the hub's own staging folder, extension auto-install and auto-load off, and
 * {@code lock_configuration=true}, so no statement can change a setting, read another path, attach a
 * database or load an extension; {@link StatementCheck} admits only a single SELECT on top of that.
 *
 * <p><b>Refused versions.</b> A version the files alone cannot represent (deletion vectors, column
 * mapping) is refused with {@link UnreadableVersionException}'s message, never read wrong.
 *
 * <p><b>ADLS Gen2.</b> DuckDB reads {@code abfss://} only through its {@code azure} extension, which is not
 * available here; an {@code abfss://} lake is read through a local mount of the same container
 * (BlobFuse2) given as {@code lakehub.sql.query.lake-mount}; without it every query is refused with a
 * message saying so.
 *
 * <p>Thread-safe: catalog changes are serialized; each query runs on its own connection ({@link #connect}).
 */
public final class LakeSqlEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LakeSqlEngine.class);

    /** A view name in {@code lakehub.sql.views}. */
    public static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Where a table lives: {@code silver/<name>} or {@code gold/<name>}. */
    public enum Layer {
        SILVER("silver", ""), GOLD("gold", "gold");

        final String folder;
        final String schema;

        Layer(String folder, String schema) {
            this.folder = folder;
            this.schema = schema;
        }
    }

    /**
     * A checked statement ready to run.
     *
     * @param sql      the statement as it runs: every table reference rewritten to its version view
     * @param versions each table read ({@code loans}, {@code gold.sales}) to the version read, including
     *                 the tables of the logical views named
     * @param viaViews those of {@code versions} read through the latest views of logical views (see
     *                 {@link #latestViewsAt})
     */
    public record Prepared(String sql, Map<String, Long> versions, Map<String, Long> viaViews) {
    }

    private final LakeStorage lake;
    private final LakeSqlProperties props;
    private final Path localRoot;
    private final String notLocal;
    private final Path staging;
    private final DuckDBConnection db;
    private final Map<String, Long> latestViews = new HashMap<>();
    private final Set<String> versionViews = new HashSet<>();
    private final Set<String> createdViews = new HashSet<>();
    private final Map<String, String> views = new LinkedHashMap<>();
    private final Map<String, DeltaTable> tables = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Opens the engine and applies the containment settings.
     *
     * @throws IllegalArgumentException if a logical view's name is not {@link #VIEW_NAME}, or a limit is not positive
     * @throws IllegalStateException    if the engine cannot be started
     */
    public LakeSqlEngine(LakeStorage lake, LakeSqlProperties props) {
        this.lake = lake;
        this.props = props;
        LakeSqlProperties.Query q = props.getQuery();
        if (q.getRowLimit() < 1 || q.getThreads() < 1 || q.getTimeout().isNegative() || q.getTimeout().isZero()) {
            throw new IllegalArgumentException("lakehub.sql.query: row-limit, threads and timeout must be positive");
        }
        props.getViews().forEach((name, sql) -> {
            if (!VIEW_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("lakehub.sql.views: view name must match " + VIEW_NAME + ", not '" + name + "'");
            }
            views.put(name.toLowerCase(Locale.ROOT), sql);
        });
        if (lake.isLocal()) {
            localRoot = Paths.get(URI.create(lake.root()));
            notLocal = null;
        } else if (!q.getLakeMount().isBlank()) {
            localRoot = Paths.get(q.getLakeMount()).toAbsolutePath().normalize();
            notLocal = null;
        } else {
            localRoot = null;
            notLocal = "the lake " + lake.root().replaceAll("//[^@/]*@", "//") + " is not a local folder, and the SQL engine "
                    + "reads only local files (DuckDB's azure extension is not available): mount the lake's container "
                    + "with BlobFuse2 and set lakehub.sql.query.lake-mount to the mount path of the lake root";
        }
        try {
            staging = Files.createTempDirectory("lakehub-sql-");
            Properties p = new Properties();
            p.setProperty("jdbc_stream_results", "true");
            db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", p);
            try (Statement st = db.createStatement()) {
                st.execute("SET threads = " + q.getThreads());
                st.execute("SET memory_limit = '" + q.getMemoryLimit().toMegabytes() + "MB'");
                st.execute("SET TimeZone = 'UTC'");
                st.execute("SET temp_directory = " + literal(staging.resolve("spill").toString()));
                st.execute("SET parquet_metadata_cache = true");
                st.execute("SET autoinstall_known_extensions = false");
                st.execute("SET autoload_known_extensions = false");
                st.execute("CREATE SCHEMA gold");
                List<String> allowed = new ArrayList<>();
                if (localRoot != null) {
                    allowed.add(literal(localRoot.resolve("silver") + "/"));
                    allowed.add(literal(localRoot.resolve("gold") + "/"));
                }
                allowed.add(literal(staging + "/"));
                st.execute("SET allowed_directories = [" + String.join(", ", allowed) + "]");
                st.execute("SET enable_external_access = false");
                st.execute("SET lock_configuration = true");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot start the SQL engine: " + e.getMessage(), e);
        }
    }

    /** The settings the engine runs with. */
    public LakeSqlProperties properties() {
        return props;
    }

    /** A folder the engine may write to, for the hub's own output files (never a user's statement). */
    public Path staging() {
        return staging;
    }

    /**
     * A new connection to the engine's database, for one query; close it after.
     *
     * @throws SqlRefusedException if the lake cannot be read by the engine (an {@code abfss://} lake without a mount)
     */
    public Connection connect() throws SQLException {
        requireLocal();
        return db.duplicate();
    }

    private void requireLocal() {
        if (notLocal != null) {
            throw new SqlRefusedException(notLocal);
        }
    }

    /**
     * Checks a statement and resolves every table it names to a version view, creating the views it needs.
     *
     * @param sql the statement text
     * @param pin the version, tag or time of tables named without {@code @}; {@link Selector#LATEST} for none
     * @throws SqlRefusedException if the statement is refused ({@link StatementCheck}), names an unknown
     *                             table, view, version or tag, or names a version that cannot be read correctly
     */
    public Prepared prepare(String sql, Selector pin) {
        requireLocal();
        StatementCheck.Parsed parsed;
        synchronized (this) {
            parsed = StatementCheck.check(db, sql);
        }
        Map<String, Long> read = new LinkedHashMap<>();
        Map<String, Long> viaViews = new LinkedHashMap<>();
        Map<StatementCheck.TableRef, StatementCheck.TableRef> renames = new HashMap<>();
        for (StatementCheck.TableRef ref : parsed.tables()) {
            StatementCheck.TableRef to = resolve(ref, pin, read, viaViews, new HashSet<>());
            if (to != null) {
                renames.put(ref, to);
            }
        }
        String rewritten;
        synchronized (this) {
            rewritten = parsed.sql(db, renames::get);
        }
        return new Prepared(rewritten, read, viaViews);
    }

    /** The tables (with their latest versions) that a statement reads, through the logical views it names. */
    public Map<String, Long> sources(String sql) {
        return prepare(sql, Selector.LATEST).versions();
    }

    private StatementCheck.TableRef resolve(StatementCheck.TableRef ref, Selector pin, Map<String, Long> read,
                                            Map<String, Long> viaViews, Set<String> viewPath) {
        String schema = ref.schema();
        if (schema.equals("information_schema") || schema.equals("pg_catalog")) {
            return null;
        }
        Layer layer;
        if (schema.isEmpty() || schema.equals("main")) {
            layer = Layer.SILVER;
        } else if (schema.equals("gold")) {
            layer = Layer.GOLD;
        } else {
            throw new SqlRefusedException("unknown schema " + schema + ": tables are silver tables (loans), gold tables "
                    + "(gold.<name>) and the views of lakehub.sql.views");
        }
        String name = ref.name();
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        String version = at < 0 ? null : name.substring(at + 1);
        if (layer == Layer.SILVER && views.containsKey(base.toLowerCase(Locale.ROOT))) {
            if (version != null) {
                throw new SqlRefusedException("view " + base + " always reads the latest versions; name a version of a table "
                        + "instead, e.g. \"loans@3\"");
            }
            ensureLogicalView(base.toLowerCase(Locale.ROOT), read, viaViews, viewPath);
            return null;
        }
        if (!base.matches("[A-Za-z0-9_]+")) {
            throw new SqlRefusedException("unknown table " + name + ": tables are named like loans, \"loans@3\", "
                    + "\"loans@v2015\" or gold.<name>");
        }
        String table = tableName(layer, base);
        Selector selector;
        if (version != null) {
            selector = version.matches("\\d{1,18}") ? Selector.of(Long.parseLong(version), null, null)
                    : Selector.of(null, version, null);
        } else {
            selector = pin;
        }
        String qualified = (layer == Layer.GOLD ? "gold." : "") + table;
        Long known = knownVersion(layer, table, selector);
        long pinned;
        if (known != null && hasVersionView(layer, table + "@" + known)) {
            pinned = known; // a version's files never change: its view is reused as it is
        } else {
            VersionFiles files = files(layer, table, selector);
            pinned = files.version();
            ensureVersionView(layer, table + "@" + pinned, files);
        }
        Long before = read.putIfAbsent(qualified, pinned);
        if (before != null && before != pinned) {
            read.put(qualified + "@" + pinned, pinned);
        }
        return new StatementCheck.TableRef(layer.schema, table + "@" + pinned);
    }

    /** The version a version or tag selector names without reading the files, or null for latest and asOf. */
    private Long knownVersion(Layer layer, String table, Selector selector) {
        if (selector.version() != null) {
            return selector.version();
        }
        if (selector.tag() != null) {
            try {
                return new io.lakehub.delta.TableTags(deltaTable(layer, table)).version(selector.tag());
            } catch (NoSuchElementException | IllegalArgumentException e) {
                throw new SqlRefusedException((layer == Layer.GOLD ? "gold " : "") + e.getMessage(), e);
            }
        }
        return null;
    }

    private synchronized boolean hasVersionView(Layer layer, String viewName) {
        return versionViews.contains(layer.schema + "." + viewName);
    }

    private DeltaTable deltaTable(Layer layer, String table) {
        // one DeltaTable per table for the engine's life: its Delta log is opened once and then only
        // brought up to date (a listing of _delta_log), instead of being rebuilt for every query
        return tables.computeIfAbsent(layer.folder + "/" + table,
                k -> layer == Layer.GOLD ? DeltaTable.gold(lake, table) : new DeltaTable(lake, table));
    }

    /** The table's name as stored (names are matched case-insensitively, as SQL identifiers are). */
    private String tableName(Layer layer, String name) {
        if (localRoot != null) {
            Path folder = localRoot.resolve(layer.folder);
            if (!Files.isDirectory(folder.resolve(name).resolve("_delta_log")) && Files.isDirectory(folder)) {
                try (var list = Files.list(folder)) {
                    for (Path p : (Iterable<Path>) list::iterator) {
                        if (p.getFileName().toString().equalsIgnoreCase(name)) {
                            return p.getFileName().toString();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return name;
    }

    private VersionFiles files(Layer layer, String table, Selector selector) {
        DeltaTable t = deltaTable(layer, table);
        try {
            return new TableVersions(t).files(selector);
        } catch (NoSuchElementException e) {
            throw new SqlRefusedException((layer == Layer.GOLD ? "gold " : "") + e.getMessage()
                    + (t.exists() ? "" : " (silver tables, gold.<name> tables and the views of lakehub.sql.views can be queried)"));
        } catch (IllegalArgumentException | UnreadableVersionException e) {
            throw new SqlRefusedException(e.getMessage(), e);
        }
    }

    private synchronized void ensureVersionView(Layer layer, String viewName, VersionFiles files) {
        String key = layer.schema + "." + viewName;
        if (versionViews.contains(key)) {
            return;
        }
        ddl("CREATE OR REPLACE VIEW " + qualified(layer, viewName) + " AS " + select(files));
        versionViews.add(key);
    }

    /** Points the latest view at {@code files} unless it already reads that or a newer version; returns the version it reads. */
    private synchronized long ensureLatestView(Layer layer, VersionFiles files) {
        String key = layer.schema + "." + files.table();
        Long current = latestViews.get(key);
        if (current != null && current >= files.version()) {
            return current;
        }
        ddl("CREATE OR REPLACE VIEW " + qualified(layer, files.table()) + " AS " + select(files));
        latestViews.put(key, files.version());
        return files.version();
    }

    /**
     * Whether the latest views that logical views read still read the versions {@code viaViews} names
     * ({@link Prepared#viaViews}): false when a query made one of them move on since, so a statement
     * that started before may have read the newer version.
     */
    public synchronized boolean latestViewsAt(Map<String, Long> viaViews) {
        for (Map.Entry<String, Long> e : viaViews.entrySet()) {
            Long current = latestViews.get(e.getKey().startsWith("gold.") ? e.getKey() : "." + e.getKey());
            if (current != null && !current.equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private void ensureLogicalView(String name, Map<String, Long> read, Map<String, Long> viaViews, Set<String> viewPath) {
        if (!viewPath.add(name)) {
            throw new SqlRefusedException("view " + name + " reads itself through " + String.join(" -> ", viewPath));
        }
        String sql = views.get(name);
        StatementCheck.Parsed parsed;
        synchronized (this) {
            parsed = StatementCheck.check(db, sql);
        }
        Map<StatementCheck.TableRef, StatementCheck.TableRef> renames = new HashMap<>();
        for (StatementCheck.TableRef ref : parsed.tables()) {
            boolean plainTable = (ref.schema().isEmpty() || ref.schema().equals("main") || ref.schema().equals("gold"))
                    && !ref.name().contains("@") && !views.containsKey(ref.name().toLowerCase(Locale.ROOT));
            if (!plainTable) {
                // another view, a pinned version (resolved once, when the view is created) or a system schema
                StatementCheck.TableRef to = resolve(ref, Selector.LATEST, read, viaViews, viewPath);
                if (to != null) {
                    renames.put(ref, to);
                }
                continue;
            }
            Layer layer = ref.schema().equals("gold") ? Layer.GOLD : Layer.SILVER;
            if (!ref.name().matches("[A-Za-z0-9_]+")) {
                throw new SqlRefusedException("view " + name + " names an unknown table " + ref.name());
            }
            VersionFiles files = files(layer, tableName(layer, ref.name()), Selector.LATEST);
            long at = ensureLatestView(layer, files);
            String key = (layer == Layer.GOLD ? "gold." : "") + files.table();
            Long direct = read.putIfAbsent(key, at);
            if (direct != null && direct != at) {
                read.put(key + "@" + at, at);
            }
            viaViews.put(key, at);
            if (!files.table().equals(ref.name())) {
                renames.put(ref, new StatementCheck.TableRef(layer.schema, files.table()));
            }
        }
        synchronized (this) {
            if (createdViews.add(name)) {
                try {
                    ddl("CREATE OR REPLACE VIEW " + quote(name) + " AS " + parsed.sql(db, renames::get));
                } catch (SqlRefusedException e) {
                    createdViews.remove(name);
                    throw new SqlRefusedException("view " + name + " (lakehub.sql.views) cannot be created: " + e.getMessage(), e);
                }
            }
        }
        viewPath.remove(name);
    }

    private void ddl(String sql) {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new SqlRefusedException(e.getMessage(), e);
        }
    }

    /**
     * The SELECT a view of one version is: each column cast to its Delta type over
     * {@code read_parquet([files], union_by_name = true)} (files written before a column was added read
     * it as null), the partition columns as constants from the log's partition values (which the Delta
     * protocol makes authoritative, and which Spark leaves out of the files), one branch per partition.
     */
    String select(VersionFiles files) {
        List<String> partitions = files.partitionColumns();
        if (files.files().isEmpty()) {
            StringBuilder sb = new StringBuilder("SELECT ");
            for (int i = 0; i < files.columns().size(); i++) {
                VersionFiles.Column c = files.columns().get(i);
                sb.append(i == 0 ? "" : ", ").append("CAST(NULL AS ").append(duckType(c.type(), true)).append(") AS ")
                        .append(quote(c.name()));
            }
            return sb.append(" LIMIT 0").toString();
        }
        Map<Map<String, String>, List<String>> groups = new LinkedHashMap<>();
        for (VersionFiles.DataFile f : files.files()) {
            Map<String, String> key = new LinkedHashMap<>();
            for (String p : partitions) {
                key.put(p, valueOf(f.partitionValues(), p));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(localPath(f.uri()));
        }
        List<String> branches = new ArrayList<>();
        for (Map.Entry<Map<String, String>, List<String>> g : groups.entrySet()) {
            StringBuilder sb = new StringBuilder("SELECT ");
            for (int i = 0; i < files.columns().size(); i++) {
                VersionFiles.Column c = files.columns().get(i);
                sb.append(i == 0 ? "" : ", ");
                String type = duckType(c.type(), false);
                boolean partition = g.getKey().containsKey(c.name());
                if (partition) {
                    String v = g.getKey().get(c.name());
                    sb.append("CAST(").append(v == null ? "NULL" : literal(v)).append(" AS ")
                            .append(duckType(c.type(), true)).append(')');
                } else if (type == null) {
                    sb.append(quote(c.name()));
                } else {
                    sb.append("CAST(").append(quote(c.name())).append(" AS ").append(type).append(')');
                }
                sb.append(" AS ").append(quote(c.name()));
            }
            sb.append(" FROM read_parquet([");
            for (int i = 0; i < g.getValue().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(literal(g.getValue().get(i)));
            }
            sb.append("], union_by_name = true, hive_partitioning = false)");
            branches.add(sb.toString());
        }
        return String.join(" UNION ALL ", branches);
    }

    private static String valueOf(Map<String, String> values, String column) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The local path of a data file: under the lake folder, or under the mount of an {@code abfss://} lake. */
    private String localPath(String uri) {
        if (lake.isLocal()) {
            return Paths.get(URI.create(uri)).toString();
        }
        String root = lake.root();
        if (!uri.startsWith(root + "/")) {
            throw new SqlRefusedException("data file " + uri + " is outside the lake root");
        }
        return localRoot.resolve(java.net.URLDecoder.decode(uri.substring(root.length() + 1),
                java.nio.charset.StandardCharsets.UTF_8).replace("%2B", "+")).toString();
    }

    /**
     * The DuckDB type of a Delta type (DuckDB docs, "Data Types"; Delta PROTOCOL.md "Primitive Types"):
     * timestamp (an instant) is TIMESTAMPTZ, shown in UTC; timestamp_ntz is TIMESTAMP. Null for a map or
     * struct, which is read as the file holds it, unless {@code always} (then VARCHAR stands in).
     */
    static String duckType(String type, boolean always) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.startsWith("decimal(")) {
            return t.toUpperCase(Locale.ROOT);
        }
        if (t.startsWith("array<") && t.endsWith(">")) {
            String inner = duckType(t.substring(6, t.length() - 1), false);
            return inner == null ? (always ? "VARCHAR[]" : null) : inner + "[]";
        }
        return switch (t) {
            case "string" -> "VARCHAR";
            case "long" -> "BIGINT";
            case "integer" -> "INTEGER";
            case "short" -> "SMALLINT";
            case "byte" -> "TINYINT";
            case "float" -> "FLOAT";
            case "double" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            case "binary" -> "BLOB";
            case "date" -> "DATE";
            case "timestamp" -> "TIMESTAMPTZ";
            case "timestamp_ntz" -> "TIMESTAMP";
            default -> always ? "VARCHAR" : null;
        };
    }

    private static String qualified(Layer layer, String name) {
        return (layer.schema.isEmpty() ? "" : layer.schema + ".") + quote(name);
    }

    /** A quoted SQL identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Closes the database and removes the staging folder. */
    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            LOG.debug("sql: closing the engine: {}", e.getMessage());
        }
        try (var files = Files.walk(staging)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("sql: removing {}: {}", staging, e.getMessage());
        }
    }
}
