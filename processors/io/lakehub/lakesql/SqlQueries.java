package io.lakehub.lakesql;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lakehub.delta.TableVersions.Selector;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Runs one query of {@code POST /api/sql}: checks and pins it ({@link LakeSqlEngine#prepare}), starts it
 * on its own connection, and streams its rows as JSON ({@link SqlResult}), CSV or a Parquet file.
 *
 * <p>Limits ({@code lakehub.sql.query.*}): at most {@code row-limit} rows (a request's {@code limit} may
 * lower it; a JSON answer says {@code truncated}); a statement still running {@code timeout} after it
 * started, rows streaming included, is cancelled ({@link Statement#cancel()}, DuckDB's interrupt). An
 * error before the first row (refusal, engine error, timeout) is a {@link SqlRefusedException}; after
 * that the stream is cut. Memory is bounded by the engine's chunk (2,048 rows) plus the output buffer:
 * rows are streamed from the engine ({@code jdbc_stream_results}) and written one by one. Thread-safe.
 */
public final class SqlQueries implements AutoCloseable {

    private final LakeSqlEngine engine;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lakehub-sql-timeout");
        t.setDaemon(true);
        return t;
    });
    private final JsonFactory json = new JsonFactory();

    /** @param engine the engine the queries run on */
    public SqlQueries(LakeSqlEngine engine) {
        this.engine = engine;
    }

    /**
     * A started query: its rows wait in the engine until {@link #writeTo} streams them. Close it (also
     * after {@link #writeTo}).
     */
    public final class Running implements AutoCloseable {
        private final Connection connection;
        private final Statement statement;
        private final ResultSet rows;
        private final Path file;
        private final long fileRows;
        private final Map<String, Long> versions;
        private final SqlFormat format;
        private final int limit;
        private final ScheduledFuture<?> deadline;
        private final AtomicBoolean timedOut;

        Running(Connection connection, Statement statement, ResultSet rows, Path file, long fileRows,
                Map<String, Long> versions, SqlFormat format, int limit, ScheduledFuture<?> deadline, AtomicBoolean timedOut) {
            this.connection = connection;
            this.statement = statement;
            this.rows = rows;
            this.file = file;
            this.fileRows = fileRows;
            this.versions = versions;
            this.format = format;
            this.limit = limit;
            this.deadline = deadline;
            this.timedOut = timedOut;
        }

        /** Each table read to its version. */
        public Map<String, Long> versions() {
            return versions;
        }

        /** The output format. */
        public SqlFormat format() {
            return format;
        }

        /** Rows in the Parquet file, or -1 for the streamed formats. */
        public long fileRows() {
            return fileRows;
        }

        /**
         * Streams the result to {@code out} (not closed).
         *
         * @throws IOException if {@code out} fails, or the engine fails or times out mid-stream
         */
        public void writeTo(OutputStream out) throws IOException {
            try {
                switch (format) {
                    case PARQUET -> Files.copy(file, out);
                    case CSV -> writeCsv(out);
                    default -> writeJson(out);
                }
                out.flush();
            } catch (SQLException e) {
                throw new IOException(timedOut.get() ? timeoutMessage() : e.getMessage(), e);
            } finally {
                close();
            }
        }

        private void writeJson(OutputStream out) throws IOException, SQLException {
            ResultSetMetaData md = rows.getMetaData();
            int n = md.getColumnCount();
            JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8);
            g.writeStartObject();
            g.writeObjectFieldStart("versions");
            for (Map.Entry<String, Long> e : versions.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("columns");
            for (int i = 1; i <= n; i++) {
                g.writeStartObject();
                g.writeStringField("name", md.getColumnLabel(i));
                g.writeStringField("type", md.getColumnTypeName(i));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
            long count = 0;
            boolean truncated = false;
            while (rows.next()) {
                if (count == limit) {
                    truncated = true;
                    break;
                }
                g.writeStartArray();
                for (int i = 1; i <= n; i++) {
                    writeValue(g, rows.getObject(i));
                }
                g.writeEndArray();
                count++;
            }
            g.writeEndArray();
            g.writeNumberField("rowCount", count);
            g.writeBooleanField("truncated", truncated);
            g.writeEndObject();
            g.flush();
        }

        private void writeCsv(OutputStream out) throws IOException, SQLException {
            ResultSetMetaData md = rows.getMetaData();
            int n = md.getColumnCount();
            String[] header = new String[n];
            for (int i = 0; i < n; i++) {
                header[i] = md.getColumnLabel(i + 1);
            }
            CSVPrinter csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                    CSVFormat.RFC4180.builder().setHeader(header).get());
            long count = 0;
            while (count < limit && rows.next()) {
                for (int i = 1; i <= n; i++) {
                    csv.print(text(rows.getObject(i)));
                }
                csv.println();
                count++;
            }
            csv.flush();
        }

        @Override
        public void close() {
            deadline.cancel(false);
            try {
                if (rows != null) {
                    rows.close();
                }
                statement.close();
                connection.close();
            } catch (SQLException ignored) {
                // the connection is gone either way
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a left-over file in the hub's temporary folder; removed with it
                }
            }
        }

        private String timeoutMessage() {
            return "the statement ran longer than lakehub.sql.query.timeout (" + engine.properties().getQuery().getTimeout()
                    + ") and was cancelled";
        }
    }

    /**
     * Checks, pins and starts a query.
     *
     * @throws SqlRefusedException if the statement is refused, a table or version is unknown, the limit is
     *                             out of range, or the engine fails or times out before the first row
     */
    public Running start(SqlRequest request) {
        LakeSqlProperties.Query q = engine.properties().getQuery();
        int limit = request.limit() == null ? q.getRowLimit() : request.limit();
        if (limit < 1 || limit > q.getRowLimit()) {
            throw new SqlRefusedException("limit must be between 1 and " + q.getRowLimit() + " (lakehub.sql.query.row-limit)");
        }
        SqlFormat format = request.format() == null ? SqlFormat.JSON : request.format();
        Selector pin = Selector.of(request.version(), request.tag(), request.asOf());
        LakeSqlEngine.Prepared prepared = engine.prepare(request.sql(), pin);
        Duration timeout = q.getTimeout();
        Connection c = null;
        Statement st = null;
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = null;
        try {
            c = engine.connect();
            st = c.createStatement();
            Statement cancel = st;
            deadline = timer.schedule(() -> {
                timedOut.set(true);
                try {
                    cancel.cancel();
                } catch (SQLException ignored) {
                    // already finished
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (format == SqlFormat.PARQUET) {
                Path file = engine.staging().resolve("result-" + UUID.randomUUID() + ".parquet");
                st.execute("COPY (SELECT * FROM (" + prepared.sql() + ") LIMIT " + limit + ") TO "
                        + LakeSqlEngine.literal(file.toString()) + " (FORMAT parquet, COMPRESSION snappy)");
                long written = Math.max(-1, st.getUpdateCount());
                return new Running(c, st, null, file, written, prepared.versions(), format, limit, deadline, timedOut);
            }
            ResultSet rs = st.executeQuery(prepared.sql());
            return new Running(c, st, rs, null, -1, prepared.versions(), format, limit, deadline, timedOut);
        } catch (SQLException | RuntimeException e) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            try {
                if (st != null) {
                    st.close();
                }
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // nothing more to release
            }
            if (e instanceof SqlRefusedException r) {
                throw r;
            }
            throw new SqlRefusedException(timedOut.get() ? "the statement ran longer than lakehub.sql.query.timeout ("
                    + timeout + ") and was cancelled" : e.getMessage(), e);
        }
    }

    /** A value in JSON: numbers as numbers, dates and instants in ISO-8601, lists as arrays, the rest as text. */
    static void writeValue(JsonGenerator g, Object v) throws IOException, SQLException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Double d && Double.isFinite(d)) {
            g.writeNumber(d);
        } else if (v instanceof Float f && Float.isFinite(f)) {
            g.writeNumber(f);
        } else if (v instanceof byte[] bytes) {
            g.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof Array a) {
            g.writeStartArray();
            for (Object e : (Object[]) a.getArray()) {
                writeValue(g, e);
            }
            g.writeEndArray();
        } else {
            g.writeString(text(v));
        }
    }

    /** A value as text: ISO-8601 for dates and times (instants in UTC with {@code Z}), DuckDB's text otherwise. */
    static String text(Object v) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime().toString();
        }
        if (v instanceof LocalDateTime || v instanceof LocalDate) {
            return v.toString();
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof Array a) {
            List<String> parts = new ArrayList<>();
            for (Object e : (Object[]) a.getArray()) {
                parts.add(String.valueOf(text(e)));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return v.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
