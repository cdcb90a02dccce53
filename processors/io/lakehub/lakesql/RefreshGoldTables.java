package io.lakehub.lakesql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ResultSetOverwrite;
import io.lakehub.delta.TableVersions.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materializes the gold tables of {@code lakehub.gold.tables} (CETAS: "create external table as
 * select"): runs a table's SQL on the engine, every source pinned to the version current at the start,
 * and writes the result as the table {@code gold/<name>} in one Delta commit ({@code WRITE}, mode
 * Overwrite) per refresh, through {@link ResultSetOverwrite} (rows streamed to Parquet files with
 * statistics; memory bounded by a row group).
 *
 * <p><b>Lineage</b> ({@code commitInfo.userMetadata}, JSON): {@code {"gold", "sql", "refresh", "reason",
 * "runId", "sources": {"loans": 1, ...}}}: the silver (and gold) versions read, through logical views
 * too. If a source's latest view moved while the query ran, the result is dropped and read again, so
 * a gold version names exactly what it came from.
 *
 * <p><b>When</b> ({@link #refreshDue}, called by route {@code gold-refresh} every
 * {@code lakehub.gold.poll-interval}): an {@code after-commit} table is refreshed when the versions of
 * its sources differ from the ones its latest commit names (so a restart catches up from the Delta log
 * alone), a {@code schedule} table when its latest commit is {@code every} old. A table whose source does
 * not exist yet waits; a failed refresh is logged and tried again at the next poll; neither stops the others.
 *
 * <p>Result columns map to Delta types as {@code JdbcColumns} says, after the engine's wider types are cast:
 * HUGEINT (a {@code sum} of integers) and UBIGINT to DECIMAL(38,0), other unsigned integers to the next
 * signed type. A column name Delta cannot hold without column mapping (space, {@code ,;{}()=}) fails the
 * refresh with a request to alias it. Thread-safe: refreshes are serialized.
 */
public class RefreshGoldTables {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshGoldTables.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters Delta refuses in a column name without column mapping (Spark's "invalid character(s) among ' ,;{}()\n\t='"). */
    private static final Pattern BAD_COLUMN = Pattern.compile("[ ,;{}()\\n\\t=]");
    private static final int ATTEMPTS = 3;

    /**
     * What a refresh did.
     *
     * @param table   the gold table name
     * @param version the gold version written
     * @param rows    rows written
     * @param sources each table read to its version
     * @param reason  why it ran: {@code new table}, {@code loans 0 -> 1}, {@code schedule}, {@code request}
     */
    public record Refreshed(String table, long version, long rows, Map<String, Long> sources, String reason) {
    }

    private final LakeSqlEngine engine;
    private final LakeStorage lake;
    private final GoldProperties props;
    private final Map<String, String> waiting = new java.util.HashMap<>();

    /**
     * @throws IllegalArgumentException if a gold table has no SQL or an invalid or repeated name
     */
    public RefreshGoldTables(LakeSqlEngine engine, LakeStorage lake, GoldProperties props) {
        this.engine = engine;
        this.lake = lake;
        this.props = props;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (GoldProperties.Table t : props.getTables()) {
            if (t.getName() == null || !t.getName().matches("[A-Za-z0-9_]+") || !names.add(t.getName().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("lakehub.gold.tables: name must be unique and match [A-Za-z0-9_]+, not '"
                        + t.getName() + "'");
            }
            if (t.getSql() == null || t.getSql().isBlank()) {
                throw new IllegalArgumentException("lakehub.gold.tables: " + t.getName() + " has no sql");
            }
        }
    }

    /** Refreshes every gold table that is due (see the class comment); returns what was refreshed. */
    public synchronized List<Refreshed> refreshDue() {
        List<Refreshed> out = new ArrayList<>();
        for (GoldProperties.Table t : props.getTables()) {
            try {
                String reason = due(t);
                if (reason != null) {
                    out.add(refresh(t, reason));
                }
                waiting.remove(t.getName());
            } catch (SqlRefusedException e) {
                // said once per reason, not at every poll: a source that does not exist yet is the normal start
                if (!e.getMessage().equals(waiting.put(t.getName(), e.getMessage()))) {
                    LOG.warn("gold {}: not refreshed until this changes: {}", t.getName(), e.getMessage());
                }
            } catch (RuntimeException | IOException | SQLException e) {
                LOG.warn("gold {}: refresh failed, tried again at the next poll: {}: {}", t.getName(),
                        e.getClass().getSimpleName(), e.getMessage());
            }
        }
        return out;
    }

    /**
     * Refreshes one gold table now, whatever its schedule.
     *
     * @throws java.util.NoSuchElementException if no gold table has that name
     * @throws SqlRefusedException              if its SQL is refused or a source does not exist
     */
    public synchronized Refreshed refresh(String name) throws IOException, SQLException {
        for (GoldProperties.Table t : props.getTables()) {
            if (t.getName().equalsIgnoreCase(name)) {
                return refresh(t, "request");
            }
        }
        throw new java.util.NoSuchElementException("no gold table " + name + " in lakehub.gold.tables");
    }

    /** Why {@code t} is due now, or null when it is not. */
    private String due(GoldProperties.Table t) {
        DeltaTable gold = DeltaTable.gold(lake, t.getName());
        if (!gold.exists()) {
            engine.sources(t.getSql()); // a missing source is a refusal: wait for it
            return "new table";
        }
        Map<String, Object> last = gold.history(1).get(0);
        if (t.getRefresh() == GoldProperties.Refresh.SCHEDULE) {
            Object ts = last.get("timestamp");
            Instant at = ts instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : Instant.EPOCH;
            return Duration.between(at, Instant.now()).compareTo(t.getEvery()) >= 0 ? "schedule" : null;
        }
        Map<String, Long> now = engine.sources(t.getSql());
        Map<String, Long> before = new LinkedHashMap<>();
        if (last.get("userMetadata") instanceof Map<?, ?> lineage && lineage.get("sources") instanceof Map<?, ?> sources) {
            sources.forEach((k, v) -> before.put(String.valueOf(k), v instanceof Number n ? Long.valueOf(n.longValue()) : Long.valueOf(-1)));
        }
        if (now.equals(before)) {
            return null;
        }
        List<String> changes = new ArrayList<>();
        now.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                changes.add(k + " " + (before.containsKey(k) ? before.get(k) : "-") + " -> " + v);
            }
        });
        return changes.isEmpty() ? "sources changed" : String.join(", ", changes);
    }

    private Refreshed refresh(GoldProperties.Table t, String reason) throws IOException, SQLException {
        DeltaTable gold = DeltaTable.gold(lake, t.getName());
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            LakeSqlEngine.Prepared prepared = engine.prepare(t.getSql(), Selector.LATEST);
            String runId = UUID.randomUUID().toString();
            Map<String, Object> lineage = new LinkedHashMap<>();
            lineage.put("gold", t.getName());
            lineage.put("sql", t.getSql());
            lineage.put("refresh", t.getRefresh().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            lineage.put("reason", reason);
            lineage.put("runId", runId);
            lineage.put("sources", prepared.versions());
            try (Connection c = engine.connect(); Statement st = c.createStatement()) {
                String sql = typed(st, prepared.sql(), t.getName());
                try (ResultSet rs = st.executeQuery(sql)) {
                    DeltaTable.AppendOutcome outcome = ResultSetOverwrite.commit(gold, rs, new io.lakehub.sql.JdbcColumns(rs.getMetaData()), props.getRowsPerFile(),
                            json(lineage), () -> engine.latestViewsAt(prepared.viaViews()));
                    LOG.info("gold {}: version {} ({}): {} rows from {} in {} ms", t.getName(), outcome.version(), reason,
                            outcome.rows(), prepared.versions(), (System.nanoTime() - started) / 1_000_000);
                    return new Refreshed(t.getName(), outcome.version(), outcome.rows(), prepared.versions(), reason);
                }
            } catch (ConcurrentModificationException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            } catch (SQLException e) {
                throw new SqlRefusedException("gold " + t.getName() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The statement with the engine's wider column types cast to ones Delta has, after checking the column names. */
    static String typed(Statement st, String sql, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        boolean cast = false;
        try (ResultSet rs = st.executeQuery("DESCRIBE " + sql)) {
            while (rs.next()) {
                String name = rs.getString("column_name");
                String type = rs.getString("column_type").toUpperCase(Locale.ROOT);
                if (BAD_COLUMN.matcher(name).find()) {
                    throw new SqlRefusedException("gold " + table + ": column '" + name + "' needs a name without spaces or"
                            + " ,;{}()= (Delta without column mapping): alias it, e.g. count(*) AS loans");
                }
                String to = switch (type) {
                    case "HUGEINT", "UHUGEINT", "UBIGINT" -> "DECIMAL(38,0)";
                    case "UINTEGER" -> "BIGINT";
                    case "USMALLINT", "UTINYINT", "TINYINT", "SMALLINT" -> "INTEGER";
                    case "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S" -> "TIMESTAMP";
                    default -> null;
                };
                cast |= to != null;
                String q = LakeSqlEngine.quote(name);
                columns.add(to == null ? q : "CAST(" + q + " AS " + to + ") AS " + q);
            }
        }
        return cast ? "SELECT " + String.join(", ", columns) + " FROM (" + sql + ") AS gold_source" : sql;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
