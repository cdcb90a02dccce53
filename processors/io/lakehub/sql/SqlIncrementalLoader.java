package io.lakehub.sql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.cluster.HubInstance;
import io.lakehub.delta.ColumnTypes;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.SchemaEvolution;
import io.lakehub.delta.SchemaMismatchException;
import io.lakehub.delta.StagedLoad;
import io.lakehub.delta.VersionDiff;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three steps of one sql-incremental load of one source table: {@link #plan()},
 * {@link #extract(LoadPlan)}, {@link #commit(LoadPlan, Extract)}.
 *
 * <ol>
 *   <li><b>plan</b> reads the watermark and the last load number back from the target Delta table
 *   (table property {@code lakehub.watermark.<source>} and {@code txn} app id {@code lakehub-sql-<source>})
 *   and fixes the window's upper bound: the database clock minus {@code lag} for a timestamp watermark,
 *   {@code MAX(column)} for an integer one.</li>
 *   <li><b>extract</b> streams the window {@code (low, high]}, ordered by {@code (watermark, tie-breaker)},
 *   with a forward-only cursor and the configured fetch size, writing each row to the bronze CSV
 *   ({@code bronze/sql/<source>/load=<n>/<source>-<runId>.csv}, header first, written under a temporary name and
 *   renamed when complete; the run id makes the path unique to this attempt, so two instances loading the same
 *   load number never write the same file) and to staged Parquet files in the table folder. At most {@code batch-size}
 *   rows are read; the rest of the window is the next load's.</li>
 *   <li><b>commit</b> MERGEs the staged rows by key in one Delta commit, which also carries the
 *   {@code txn} action and the new watermark. A replayed load (same number) is recognised by its
 *   {@code txn} and changes nothing.</li>
 * </ol>
 *
 * <p>Crash safety: before the commit nothing is visible in silver and the watermark has not moved, so
 * a crash at any point before it makes the next run read the same window again, into a bronze file of its own;
 * after the commit the watermark has moved with the rows, and the commit's lineage ({@code bronze}) names the
 * one bronze file of that load. An attempt that loses the load to another one (its {@code txn} is already
 * committed, or its commit fails) deletes its own bronze file, never another's; the winner deletes the
 * complete bronze files of the other attempts of its load number, which no commit can reference any more.
 * Thread-safe as long as one source is loaded by one thread at a time (one route per source).
 */
public final class SqlIncrementalLoader {

    private static final Logger LOG = LoggerFactory.getLogger(SqlIncrementalLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqlSourceTable source;
    private final DataSource dataSource;
    private final LakeStorage lake;
    private final DeltaTable table;
    private final String instance;
    /** The NULL-watermark count last warned about, so the warning repeats only when it changes. */
    private final AtomicLong lastNullWatermarkRows = new AtomicLong();

    /**
     * A loader whose lineage names this process as {@link HubInstance#defaultId()}.
     *
     * @throws IllegalArgumentException if the source configuration is invalid
     */
    /** Rows between two progress updates of {@link #extract(LoadPlan, AtomicLong)} (a power of two). */
    public static final int PROGRESS_EVERY = 1024;

    /** Newest commits searched for the lineage of a load number by an attempt that lost it. */
    static final int LINEAGE_LOOKBACK = 100;

    public SqlIncrementalLoader(SqlSourceTable source, DataSource dataSource, LakeStorage lake) {
        this(source, dataSource, lake, HubInstance.defaultId());
    }

    /**
     * @param instance the hub instance running the loads, recorded as {@code instance} in each load's lineage
     * @throws IllegalArgumentException if the source configuration is invalid
     */
    public SqlIncrementalLoader(SqlSourceTable source, DataSource dataSource, LakeStorage lake, String instance) {
        source.validate();
        this.source = source;
        this.dataSource = dataSource;
        this.lake = lake;
        this.table = new DeltaTable(lake, source.target());
        this.instance = instance;
    }

    public SqlSourceTable source() {
        return source;
    }

    public DeltaTable table() {
        return table;
    }

    /**
     * A planned load.
     *
     * @param runId       unique id of this run
     * @param loadVersion the load number, also the {@code txn} version it commits
     * @param low         the watermark the window starts after, or null for a first load
     * @param high        the window's upper bound (text form), or null if the source is empty
     * @param sourceSchema the source's columns
     * @param started     when the plan was made
     * @param zonedColumns lower-case names of the source columns that hold instants (zoned timestamps, see
     *                    {@link SourceDialect#zoned}); a zoned watermark's values and {@code high} are UTC wall-clock
     *                    text, bound as instants
     * @param nullWatermarkRows source rows whose watermark column is NULL when the plan was made: no window can
     *                    hold them (they have no position in the watermark order), so no load reads them
     */
    public record LoadPlan(String runId, long loadVersion, Watermark low, String high, TableSchema sourceSchema,
                           Instant started, java.util.Set<String> zonedColumns, long nullWatermarkRows) {

        /** Whether the column (any case) holds instants. */
        public boolean zoned(String column) {
            return column != null && zonedColumns.contains(column.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * The extracted rows of a planned load.
     *
     * @param staged     the staged Parquet files and keys, or null when the window was empty
     * @param bronzePath lake-relative path of the bronze CSV, or null when empty
     * @param watermark  the watermark after this load, or null when empty
     * @param batchFull  the batch size was reached, so the window may hold more rows
     */
    public record Extract(StagedLoad staged, String bronzePath, Watermark watermark, boolean batchFull) {
        public long rows() {
            return staged == null ? 0 : staged.rows();
        }
    }

    /**
     * What a load did.
     *
     * @param tableVersion the Delta version written, or -1 when nothing was committed
     * @param nullWatermarkRows source rows left out because their watermark column is NULL ({@link LoadPlan#nullWatermarkRows})
     */
    public record LoadResult(String source, String runId, long loadVersion, long rows, long inserted, long updated,
                             long deleted, long tableVersion, String operation, boolean alreadyCommitted, boolean moreRows,
                             Watermark watermark, String bronzePath, long durationMs, long nullWatermarkRows) {
    }

    /** Runs plan, extract and commit once. @throws Exception as the steps do */
    public LoadResult loadOnce() throws Exception {
        LoadPlan plan = plan();
        return commit(plan, extract(plan));
    }

    /**
     * Plans the next load.
     *
     * @throws SQLException if the source table or a configured column does not exist, or the database is unreachable
     * @throws IllegalStateException if the stored watermark refers to another column than the configuration
     */
    public LoadPlan plan() throws SQLException {
        long loadVersion = table.txnVersion(source.appId()) + 1;
        Watermark low = Watermark.parse(table.properties().get(Watermark.propertyKey(source.getName())));
        if (low != null && !low.column().equalsIgnoreCase(source.getWatermarkColumn())) {
            throw new IllegalStateException("the stored watermark of " + source.getName() + " is on column " + low.column()
                    + " but the configuration names " + source.getWatermarkColumn() + "; reset the watermark first");
        }
        try (Connection c = connect()) {
            SourceDialect dialect = SourceDialect.of(c);
            JdbcColumns columns = probeSchema(c, dialect);
            TableSchema schema = columns.schema();
            boolean zoned = columns.zoned(source.getWatermarkColumn());
            ColumnType wmType = column(schema, source.getWatermarkColumn()).type();
            String high;
            if (wmType == ColumnType.TIMESTAMP) {
                high = upperBound(dialect.now(c), zoned);
            } else if (wmType == ColumnType.LONG || wmType == ColumnType.INTEGER || wmType instanceof ColumnType.Decimal
                    || wmType == ColumnType.DATE) {
                high = maxWatermark(c, wmType);
            } else {
                throw new IllegalStateException("watermark column " + source.getWatermarkColumn() + " is "
                        + wmType.simpleString() + "; use a timestamp, date or integer column");
            }
            java.util.Set<String> zonedColumns = new java.util.HashSet<>();
            for (String name : schema.names()) {
                if (columns.zoned(name)) {
                    zonedColumns.add(name);
                }
            }
            long nullRows = countNullWatermarks(c);
            if (nullRows > 0 && lastNullWatermarkRows.getAndSet(nullRows) != nullRows) {
                LOG.warn("sql-incremental {}: {} source rows have a NULL {} and are not loaded: a row without a watermark"
                                + " value has no place in the watermark order, so no window holds it; give them a value"
                                + " (they are then loaded by the next poll)", source.getName(), nullRows,
                        source.getWatermarkColumn());
            } else if (nullRows == 0) {
                lastNullWatermarkRows.set(0);
            }
            return new LoadPlan(UUID.randomUUID().toString(), loadVersion, low, high, schema, Instant.now(),
                    java.util.Set.copyOf(zonedColumns), nullRows);
        }
    }

    /**
     * The window's upper bound for a timestamp watermark, from the database clock {@code now} (an instant):
     * {@code now - lag} as a UTC wall clock for a zoned column; for a column without time zone, the wall clock of
     * {@code now} in the source's {@code time-zone} (the zone its values are written in), minus {@code lag}. Neither
     * depends on the JVM's or the session's time zone.
     */
    String upperBound(Instant now, boolean zoned) {
        if (zoned) {
            return ColumnTypes.text(now.minus(source.getLag()));
        }
        return LocalDateTime.ofInstant(now, source.getTimeZone()).minus(source.getLag()).toString();
    }

    /**
     * A connection to the source's database. A pool that gives up ("Connection is not available, request timed out")
     * says why only in its cause (the driver's last failure, e.g. a database that no longer exists): the error then
     * leads with that reason and keeps the pool's message after it.
     *
     * @throws SQLException of the pool's class and SQLState (the cause's when the pool has none), the pool's exception
     *                      as its cause
     */
    private Connection connect() throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root == e || root.getMessage() == null) {
                throw e;
            }
            String state = e.getSQLState() != null ? e.getSQLState() : root instanceof SQLException s ? s.getSQLState() : null;
            String message = "source " + source.getName() + " (data source " + source.getDatasource() + "): cannot connect: "
                    + root.getMessage().strip() + " [" + e.getMessage() + "]";
            SQLException clear = e instanceof java.sql.SQLTransientConnectionException
                    ? new java.sql.SQLTransientConnectionException(message, state, e)
                    : e instanceof java.sql.SQLNonTransientConnectionException
                    ? new java.sql.SQLNonTransientConnectionException(message, state, e)
                    : new SQLException(message, state, e);
            throw clear;
        }
    }

    private JdbcColumns probeSchema(Connection c, SourceDialect dialect) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + source.fromClause() + " WHERE 1 = 0")) {
            JdbcColumns columns = new JdbcColumns(rs.getMetaData(), dialect);
            TableSchema schema = columns.schema();
            column(schema, source.getWatermarkColumn());
            for (String k : source.getKeys()) {
                column(schema, k);
            }
            if (source.effectiveTieBreaker() != null) {
                column(schema, source.effectiveTieBreaker());
            }
            return columns;
        } catch (SQLException e) {
            throw new SQLException("cannot read source " + source.getName() + " (" + source.fromClause() + "): "
                    + e.getMessage(), e.getSQLState(), e);
        }
    }

    private Column column(TableSchema schema, String name) {
        Column f = SchemaEvolution.find(schema, name);
        if (f == null) {
            throw new SchemaMismatchException("source " + source.getName() + " has no column '" + name + "' (columns: "
                    + String.join(", ", schema.names()) + ")");
        }
        return f;
    }

    /** Source rows whose watermark column is NULL. */
    private long countNullWatermarks(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + source.fromClause() + " WHERE "
                     + source.getWatermarkColumn() + " IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String maxWatermark(Connection c, ColumnType type) throws SQLException {
        String wm = source.getWatermarkColumn();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(" + wm + ") FROM " + source.fromClause())) {
            rs.next();
            Object v = rs.getObject(1);
            if (v == null) {
                return null;
            }
            if (type == ColumnType.DATE) {
                return rs.getObject(1, java.time.LocalDate.class).toString();
            }
            return v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
        }
    }

    /** The SELECT of a window; parameters: high, then (low) or (low, low, lowTieBreaker). */
    String windowQuery(Watermark low) {
        String wm = source.getWatermarkColumn();
        String tb = source.effectiveTieBreaker();
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(source.fromClause())
                .append(" WHERE ").append(wm).append(" <= ?");
        if (low != null) {
            if (tb != null && low.tieBreaker() != null) {
                sql.append(" AND (").append(wm).append(" > ? OR (").append(wm).append(" = ? AND ").append(tb).append(" > ?))");
            } else {
                sql.append(" AND ").append(wm).append(" > ?");
            }
        }
        sql.append(" ORDER BY ").append(wm);
        if (tb != null) {
            sql.append(", ").append(tb);
        }
        return sql.toString();
    }

    /**
     * A watermark text value as the JDBC parameter for a column of {@code type}: a timestamp as its wall clock, or,
     * for a zoned column, as the instant ({@link SourceDialect#bindInstant}).
     */
    private static Object bindValue(ColumnType type, String text, boolean zoned, SourceDialect dialect) {
        Object v = ColumnTypes.parseText(type, text);
        if (v instanceof Instant instant) {
            return zoned ? dialect.bindInstant(instant) : ColumnTypes.wallClockOf(instant);
        }
        return v;
    }

    /**
     * Streams the planned window to bronze and to staged Parquet files.
     *
     * @return the extract; {@code staged == null} when the window holds no rows
     * @throws SQLException on a source failure; IOException on a lake write failure. Staged files of a
     *                      failed extract are deleted; the watermark is untouched either way.
     */
    public Extract extract(LoadPlan plan) throws SQLException, IOException {
        return extract(plan, new AtomicLong());
    }

    /**
     * {@link #extract(LoadPlan)}, publishing the rows read so far to {@code rowsRead} (at least every
     * {@value #PROGRESS_EVERY} rows) for progress reports.
     */
    public Extract extract(LoadPlan plan, AtomicLong rowsRead) throws SQLException, IOException {
        if (plan.high() == null) {
            return new Extract(null, null, null, false);
        }
        TableSchema schema = plan.sourceSchema();
        ColumnType wmType = column(schema, source.getWatermarkColumn()).type();
        String tb = source.effectiveTieBreaker();
        boolean cutBatches = tb != null;
        String sql = windowQuery(plan.low());
        String bronzeDir = bronzeDir(plan.loadVersion());
        String bronzeName = source.getName() + "-" + plan.runId() + ".csv";
        Path bronzeTmp = lake.path(bronzeDir + "/_" + bronzeName + ".inprogress");
        Path bronzeFinal = lake.path(bronzeDir + "/" + bronzeName);
        FileSystem fs = bronzeTmp.getFileSystem(lake.conf());
        try (Connection c = connect()) {
            SourceDialect dialect = SourceDialect.of(c);
            String restoreSession = dialect.useUtcSession(c);
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(source.getFetchSize());
                if (cutBatches) {
                    ps.setMaxRows(source.getBatchSize());
                }
                int p = 1;
                boolean zoned = plan.zoned(source.getWatermarkColumn());
                ps.setObject(p++, bindValue(wmType, plan.high(), zoned, dialect));
                Watermark low = plan.low();
                if (low != null) {
                    ps.setObject(p++, bindValue(wmType, low.value(), zoned, dialect));
                    if (tb != null && low.tieBreaker() != null) {
                        ps.setObject(p++, bindValue(wmType, low.value(), zoned, dialect));
                        ps.setObject(p, bindValue(column(schema, tb).type(), low.tieBreaker(),
                                plan.zoned(tb), dialect));
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    JdbcColumns columns = new JdbcColumns(rs.getMetaData(), dialect);
                    TableSchema readSchema = columns.schema();
                    int wmIdx = index(readSchema, source.getWatermarkColumn());
                    int tbIdx = tb == null ? -1 : index(readSchema, tb);
                    Object[] last = null;
                    StagedLoad staged;
                    int softDeleteIdx = source.getSoftDeleteColumn() == null ? -1
                            : index(readSchema, column(readSchema, source.getSoftDeleteColumn()).name());
                    try (StagingPipeline pipeline = new StagingPipeline(source.getName(), readSchema, source.getKeys(),
                            source.getPartitionBy(), softDeleteIdx, table.path(), lake.conf(), source.getRowsPerFile(), fs, bronzeTmp)) {
                        long read = 0;
                        while (rs.next()) {
                            Object[] row = columns.read(rs);
                            pipeline.add(row);
                            last = row;
                            if ((++read & (PROGRESS_EVERY - 1)) == 0) {
                                rowsRead.set(read);
                            }
                        }
                        rowsRead.set(read);
                        if (last == null) {
                            c.commit();
                            c.setAutoCommit(autoCommit);
                            pipeline.close();
                            deleteIfEmpty(fs, lake.path(bronzeDir)); // no rows: leave no empty load folder behind
                            return new Extract(null, null, null, false);
                        }
                        staged = pipeline.finish();
                    }
                    c.commit();
                    c.setAutoCommit(autoCommit);
                    if (!fs.rename(bronzeTmp, bronzeFinal)) {
                        staged.files().forEach(table::deleteQuietly);
                        throw new IOException("cannot rename " + bronzeTmp + " to " + bronzeFinal);
                    }
                    Watermark next = new Watermark(source.getWatermarkColumn(), ColumnTypes.text(last[wmIdx]), tb,
                            tbIdx < 0 ? null : ColumnTypes.text(last[tbIdx]));
                    boolean full = cutBatches && staged.rows() >= source.getBatchSize();
                    return new Extract(staged, bronzeDir + "/" + bronzeName, next, full);
                }
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it
                }
                deleteIfEmpty(fs, lake.path(bronzeDir)); // the pipeline removed this attempt's file
                throw e;
            } finally {
                SourceDialect.restoreSession(c, restoreSession);
            }
        }
    }

    /** Lake-relative folder of the bronze files of a load number. */
    private String bronzeDir(long loadVersion) {
        return "bronze/sql/" + source.getName() + String.format("/load=%06d", loadVersion);
    }

    private static void deleteIfEmpty(FileSystem fs, Path dir) {
        try {
            FileStatus[] left = fs.exists(dir) ? fs.listStatus(dir) : null;
            if (left != null && left.length == 0) {
                fs.delete(dir, false);
            }
        } catch (IOException ignored) {
            // another attempt of this load writes there, or the folder is gone already
        }
    }

    /**
     * The bronze path named by the commit of load {@code loadVersion} of this source, or null when no commit
     * among the newest {@value #LINEAGE_LOOKBACK} names it.
     */
    String committedBronze(long loadVersion) {
        for (Map<String, Object> entry : table.history(LINEAGE_LOOKBACK)) {
            if (entry.get("userMetadata") instanceof Map<?, ?> lineage && source.getName().equals(lineage.get("source"))
                    && lineage.get("loadVersion") instanceof Number n && n.longValue() == loadVersion) {
                return lineage.get("bronze") == null ? null : lineage.get("bronze").toString();
            }
        }
        return null;
    }

    /** Deletes this attempt's bronze file unless the commit of its load number names it (a replay of this very attempt). */
    private void removeBronzeUnlessCommitted(LoadPlan plan, Extract extract) {
        try {
            if (!extract.bronzePath().equals(committedBronze(plan.loadVersion()))) {
                lake.path(extract.bronzePath()).getFileSystem(lake.conf()).delete(lake.path(extract.bronzePath()), false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("sql-incremental {}: could not remove the bronze file {} of a load that did not commit: {}",
                    source.getName(), extract.bronzePath(), e.toString());
        }
    }

    /** After this attempt committed its load: deletes the complete bronze files other attempts wrote for that load number. */
    private void removeOtherAttempts(LoadPlan plan, Extract extract) {
        Path dir = lake.path(bronzeDir(plan.loadVersion()));
        String mine = lake.path(extract.bronzePath()).getName();
        try {
            FileSystem fs = dir.getFileSystem(lake.conf());
            for (FileStatus f : fs.listStatus(dir)) {
                String name = f.getPath().getName();
                // .inprogress files belong to attempts still writing (they find the load taken and remove their own)
                if (f.isFile() && !name.equals(mine) && name.startsWith(source.getName() + "-") && name.endsWith(".csv")) {
                    fs.delete(f.getPath(), false);
                    LOG.info("sql-incremental {}: removed {} of an attempt of load {} that did not commit", source.getName(),
                            name, plan.loadVersion());
                }
            }
        } catch (IOException e) {
            LOG.warn("sql-incremental {}: could not list {}: {}", source.getName(), dir, e.toString());
        }
    }

    /**
     * The tag this load's version gets when {@code tag-by-year-of} is set: {@code tag-prefix} plus the
     * year of the column's largest value in the load (from the staged files' statistics, so no row is
     * read again), e.g. {@code v2016}. A date or timestamp column gives its year, an integer column its
     * value. No tag when the column has no non-null value in the load.
     */
    List<String> autoTags(StagedLoad staged) {
        String column = source.getTagByYearOf();
        if (column == null) {
            return List.of();
        }
        Integer year = null;
        for (String stats : staged.statsByFile().values()) {
            try {
                JsonNode max = JSON.readTree(stats).path("maxValues").get(column.toLowerCase(java.util.Locale.ROOT));
                Integer y = max == null ? null
                        : max.isNumber() ? Integer.valueOf(max.asInt())
                        : max.asText().matches("\\d{4}-.*") ? Integer.valueOf(max.asText().substring(0, 4)) : null;
                if (y != null && (year == null || y > year)) {
                    year = y;
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable statistics of a staged file", e);
            }
        }
        return year == null ? List.of() : List.of(source.getTagPrefix() + year);
    }

    private static int index(TableSchema schema, String name) {
        String[] names = schema.names().toArray(String[]::new);
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Commits an extract as one Delta commit (WRITE for a new table, else MERGE), with the watermark
     * and the {@code txn} of the load. An empty extract commits nothing. Committing the same plan again
     * (a retry after a crash or an ambiguous failure) writes nothing and returns {@code alreadyCommitted}.
     *
     * @throws SchemaMismatchException if the source schema changed incompatibly (staged files are deleted,
     *                                 the watermark stays)
     * @throws IOException             on a lake failure
     */
    public LoadResult commit(LoadPlan plan, Extract extract) throws IOException {
        long elapsed;
        if (extract.staged() == null) {
            elapsed = java.time.Duration.between(plan.started(), Instant.now()).toMillis();
            return new LoadResult(source.getName(), plan.runId(), plan.loadVersion(), 0, 0, 0, 0, -1, "NONE", false, false,
                    plan.low(), null, elapsed, plan.nullWatermarkRows());
        }
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("flow", "sql-incremental");
        lineage.put("source", source.getName());
        lineage.put("sourceObject", source.getTable() != null ? source.getTable() : "query");
        lineage.put("runId", plan.runId());
        lineage.put("instance", instance);
        lineage.put("loadVersion", plan.loadVersion());
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("low", plan.low() == null ? null : plan.low().toMap());
        window.put("high", plan.high());
        lineage.put("window", window);
        lineage.put("watermark", extract.watermark().toMap());
        lineage.put("rows", extract.rows());
        lineage.put("deletedRows", extract.staged().deletedRows());
        lineage.put("bronze", extract.bronzePath());
        if (plan.nullWatermarkRows() > 0) {
            lineage.put("rowsWithNullWatermark", plan.nullWatermarkRows());
        }
        String userMetadata;
        try {
            userMetadata = JSON.writeValueAsString(lineage);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        DeltaTable.CommitOutcome outcome;
        try {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put(Watermark.propertyKey(source.getName()), extract.watermark().toJson());
            properties.put(VersionDiff.KEYS_PROPERTY, String.join(",", extract.staged().keyColumns()));
            outcome = table.commitLoad(extract.staged(), source.appId(), plan.loadVersion(), properties,
                    autoTags(extract.staged()), userMetadata, source.getMergeThreads());
        } catch (IOException | RuntimeException e) {
            table.deleteUnreferenced(extract.staged().files());
            removeBronzeUnlessCommitted(plan, extract);
            throw e;
        }
        if (outcome.alreadyCommitted()) {
            // a replay of this very extract references the same files: only orphans are deleted
            table.deleteUnreferenced(extract.staged().files());
            removeBronzeUnlessCommitted(plan, extract);
            LOG.info("load {} of {} was already committed; nothing written", plan.loadVersion(), source.getName());
        } else {
            removeOtherAttempts(plan, extract);
        }
        elapsed = java.time.Duration.between(plan.started(), Instant.now()).toMillis();
        return new LoadResult(source.getName(), plan.runId(), plan.loadVersion(), extract.rows(), outcome.inserted(),
                outcome.updated(), outcome.deleted(), outcome.version(), outcome.operation(), outcome.alreadyCommitted(), extract.batchFull(),
                extract.watermark(), extract.bronzePath(), elapsed, plan.nullWatermarkRows());
    }
}
