package io.lakehub.lakesql;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The SQL engine's settings ({@code lakehub.sql.*} beside the sql-incremental sources, which
 * {@code LakehubProperties} binds from the same prefix): the logical views and the limits of a query.
 * Every key has one default here and a comment in {@code application.yaml}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.sql")
public class LakeSqlProperties {

    /**
     * Logical views: view name ({@code [A-Za-z_][A-Za-z0-9_]*}) to a single SELECT over the lake's tables
     * (and other views), checked like a query ({@link StatementCheck}). They always read the latest
     * versions. Default none.
     */
    private Map<String, String> views = new LinkedHashMap<>();

    /** The limits and resources of queries. */
    @Valid
    private Query query = new Query();

    public Map<String, String> getViews() {
        return views;
    }

    public void setViews(Map<String, String> views) {
        this.views = views;
    }

    public Query getQuery() {
        return query;
    }

    public void setQuery(Query query) {
        this.query = query;
    }

    /** {@code lakehub.sql.query.*}. */
    public static class Query {

        /** Most rows one query returns (a request's {@code limit} may only lower it). Default 100,000. */
        @Positive
        private int rowLimit = 100_000;

        /**
         * Longest a statement may run, from its start to its last row written to the client; it is then
         * cancelled. Default 30 s.
         */
        @NotNull
        private Duration timeout = Duration.ofSeconds(30);

        /** Worker threads of the engine (DuckDB {@code threads}). Default 2. */
        @Positive
        private int threads = 2;

        /**
         * Memory the engine may use before it spills to disk (DuckDB {@code memory_limit}); outside the
         * Java heap. Default 512 MB.
         */
        @NotNull
        private DataSize memoryLimit = DataSize.ofMegabytes(512);

        /**
         * Where a lake that is not a local folder ({@code abfss://}) is mounted on this machine (a
         * BlobFuse2 mount of the lake's container path), so the engine reads its files there. Empty:
         * SQL is refused on such a lake. Default empty.
         */
        private String lakeMount = "";

        public int getRowLimit() {
            return rowLimit;
        }

        public void setRowLimit(int rowLimit) {
            this.rowLimit = rowLimit;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public DataSize getMemoryLimit() {
            return memoryLimit;
        }

        public void setMemoryLimit(DataSize memoryLimit) {
            this.memoryLimit = memoryLimit;
        }

        public String getLakeMount() {
            return lakeMount;
        }

        public void setLakeMount(String lakeMount) {
            this.lakeMount = lakeMount;
        }
    }
}
