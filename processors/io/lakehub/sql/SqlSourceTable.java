package io.lakehub.sql;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One source table of the sql-incremental flow, as configured under {@code lakehub.sql.tables[]}.
 *
 * <p>Identifiers (table, columns) come only from configuration and are checked against
 * {@link #IDENTIFIER} by {@link #validate()}; values are always bound as JDBC parameters. A
 * {@code query} replaces {@code table} and is used as a derived table ({@code SELECT * FROM (query) src}),
 * so it must not end with a semicolon or an {@code ORDER BY}.
 */
public class SqlSourceTable {

    /** A plain or schema-qualified SQL identifier. */
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}(\\.[A-Za-z_][A-Za-z0-9_]{0,127})?");

    /** Source name: route ids, the {@code txn} app id and the bronze path use it. {@code [a-z0-9_]+}. */
    private String name;
    /** Whether the flow polls this table. */
    private boolean enabled = true;
    /** Data source name: {@code default} is {@code spring.datasource}, others come from {@code lakehub.datasources}. */
    private String datasource = "default";
    /** Source table, optionally schema-qualified; or use {@link #query}. */
    private String table;
    /** A SELECT used instead of {@link #table}. */
    private String query;
    /** MERGE key columns; at least one. */
    private List<String> keys = new ArrayList<>();
    /** Watermark column: a timestamp or an increasing integer, NOT NULL in the source. */
    private String watermarkColumn;
    /** Tie-breaker column ordering rows that share a watermark value; defaults to the key when there is one key column. */
    private String tieBreakerColumn;
    /** Delay between the end of one poll and the start of the next. */
    private Duration schedule = Duration.ofSeconds(30);
    /** How far behind the database clock the window's upper bound stays, for transactions that commit late. */
    private Duration lag = Duration.ofSeconds(5);
    /**
     * Time zone of the source's timestamps without time zone (the zone of the clock that writes the watermark
     * column, e.g. {@code UTC_TIMESTAMP()} or an application in {@code Europe/Paris}): the window's upper bound is
     * the database clock's wall time in this zone minus {@link #lag}, so it never depends on the JVM's zone. Not
     * used for a zoned watermark column ({@code timestamptz}, {@code datetimeoffset}, MariaDB {@code TIMESTAMP}),
     * whose bound is the instant; rows without time zone are stored as their wall clock in UTC either way.
     */
    private ZoneId timeZone = ZoneOffset.UTC;
    /** Target silver table name ({@code silver/<target>}); defaults to {@link #name}. */
    private String target;
    /** JDBC fetch size: rows the driver brings per round trip (the cursor's batch). */
    private int fetchSize = 10_000;
    /** Most rows in one load (one Delta commit); a longer window is loaded in several commits. */
    private int batchSize = 1_000_000;
    /**
     * Rows per data file before a new Parquet file is started. A MERGE rewrites whole files, so
     * smaller files make a MERGE of a few keys cheaper; OPTIMIZE compacts files that end up small.
     */
    private int rowsPerFile = 250_000;
    /** Threads that rewrite existing files during a MERGE. */
    private int mergeThreads = 2;
    /**
     * Soft-delete column: a row whose value is true (boolean true, a non-zero number, or the text
     * true/t/yes/y/1) is removed from silver by the MERGE; the version history keeps it.
     */
    private String softDeleteColumn;
    /** Tag each load's version with {@link #tagPrefix} plus the year of this column's largest value in the load. */
    private String tagByYearOf;
    /** Prefix of automatic tags. */
    private String tagPrefix = "v";
    /**
     * Partition columns of a new target table (Hive-style folders); values must be plain
     * ({@code [A-Za-z0-9_.-]}), such as a year computed by a {@code query}.
     */
    private List<String> partitionBy = new ArrayList<>();

    /**
     * Checks names and identifiers.
     *
     * @throws IllegalArgumentException naming the offending setting
     */
    public void validate() {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("lakehub.sql.tables[].name must match [a-z0-9_]+, got " + name);
        }
        String where = "lakehub.sql.tables[" + name + "]";
        if ((table == null) == (query == null || query.isBlank())) {
            throw new IllegalArgumentException(where + ": set exactly one of table and query");
        }
        if (table != null) {
            identifier(where + ".table", table);
        }
        if (query != null && (query.trim().endsWith(";"))) {
            throw new IllegalArgumentException(where + ".query must not end with a semicolon");
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(where + ".keys must name at least one key column");
        }
        keys.forEach(k -> identifier(where + ".keys", k));
        identifier(where + ".watermark-column", watermarkColumn);
        if (tieBreakerColumn != null) {
            identifier(where + ".tie-breaker-column", tieBreakerColumn);
        }
        partitionBy.forEach(c -> identifier(where + ".partition-by", c));
        if (softDeleteColumn != null) {
            identifier(where + ".soft-delete-column", softDeleteColumn);
        }
        if (tagByYearOf != null) {
            identifier(where + ".tag-by-year-of", tagByYearOf);
            if (tagPrefix == null || !tagPrefix.matches("[A-Za-z0-9_.-]{0,32}")) {
                throw new IllegalArgumentException(where + ".tag-prefix must match [A-Za-z0-9_.-]{0,32}");
            }
        }
        if (target() == null || !target().matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException(where + ".target must match [A-Za-z0-9_]+");
        }
        if (fetchSize <= 0 || batchSize <= 0 || rowsPerFile <= 0 || mergeThreads <= 0) {
            throw new IllegalArgumentException(where + ": fetch-size, batch-size, rows-per-file and merge-threads must be positive");
        }
        if (timeZone == null) {
            throw new IllegalArgumentException(where + ".time-zone must be a zone id such as UTC or Europe/Paris");
        }
        if (lag.isNegative() || schedule.isNegative() || schedule.isZero()) {
            throw new IllegalArgumentException(where + ": lag must be >= 0 and schedule > 0");
        }
    }

    private static void identifier(String setting, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(setting + " is not a plain SQL identifier: " + value);
        }
    }

    /** The FROM clause: the table, or the query as a derived table. */
    public String fromClause() {
        return table != null ? table : "(" + query.trim() + ") src";
    }

    /** The tie-breaker column in effect: configured, or the only key column, or null. */
    public String effectiveTieBreaker() {
        if (tieBreakerColumn != null) {
            return tieBreakerColumn;
        }
        return keys.size() == 1 ? keys.get(0) : null;
    }

    /** The {@code txn} application id of this source in its target table. */
    public String appId() {
        return "lakehub-sql-" + name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getDatasource() {
        return datasource;
    }

    public void setDatasource(String datasource) {
        this.datasource = datasource;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getQuery() {
        return query;
    }

    public void setQuery(String query) {
        this.query = query;
    }

    public List<String> getKeys() {
        return keys;
    }

    public void setKeys(List<String> keys) {
        this.keys = keys;
    }

    public String getWatermarkColumn() {
        return watermarkColumn;
    }

    public void setWatermarkColumn(String watermarkColumn) {
        this.watermarkColumn = watermarkColumn;
    }

    public String getTieBreakerColumn() {
        return tieBreakerColumn;
    }

    public void setTieBreakerColumn(String tieBreakerColumn) {
        this.tieBreakerColumn = tieBreakerColumn;
    }

    public Duration getSchedule() {
        return schedule;
    }

    public void setSchedule(Duration schedule) {
        this.schedule = schedule;
    }

    public Duration getLag() {
        return lag;
    }

    public void setLag(Duration lag) {
        this.lag = lag;
    }

    public ZoneId getTimeZone() {
        return timeZone;
    }

    public void setTimeZone(ZoneId timeZone) {
        this.timeZone = timeZone;
    }

    /** The target table name in effect. */
    public String target() {
        return target != null ? target : name;
    }

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }

    public int getFetchSize() {
        return fetchSize;
    }

    public void setFetchSize(int fetchSize) {
        this.fetchSize = fetchSize;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getRowsPerFile() {
        return rowsPerFile;
    }

    public void setRowsPerFile(int rowsPerFile) {
        this.rowsPerFile = rowsPerFile;
    }

    public List<String> getPartitionBy() {
        return partitionBy;
    }

    public void setPartitionBy(List<String> partitionBy) {
        this.partitionBy = partitionBy;
    }

    public String getSoftDeleteColumn() {
        return softDeleteColumn;
    }

    public void setSoftDeleteColumn(String softDeleteColumn) {
        this.softDeleteColumn = softDeleteColumn;
    }

    public String getTagByYearOf() {
        return tagByYearOf;
    }

    public void setTagByYearOf(String tagByYearOf) {
        this.tagByYearOf = tagByYearOf;
    }

    public String getTagPrefix() {
        return tagPrefix;
    }

    public void setTagPrefix(String tagPrefix) {
        this.tagPrefix = tagPrefix;
    }

    public int getMergeThreads() {
        return mergeThreads;
    }

    public void setMergeThreads(int mergeThreads) {
        this.mergeThreads = mergeThreads;
    }
}
