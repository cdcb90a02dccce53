package io.lakehub.lakesql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Gold tables ({@code lakehub.gold.*}): SQL over silver materialized as Delta tables {@code gold/<name>}
 * by {@link RefreshGoldTables}. Every key has one default here and a comment in {@code application.yaml}.
 */
@ConfigurationProperties(prefix = "lakehub.gold")
public class GoldProperties {

    /** When a gold table is refreshed. */
    public enum Refresh {
        /** After a new version of any table it reads (checked every {@code poll-interval}). */
        AFTER_COMMIT,
        /** Every {@code every}, whether its sources changed or not. */
        SCHEDULE
    }

    /** Refresh gold tables (route {@code gold-refresh}). Default true. */
    private boolean enabled = true;

    /** How often the route checks whether a gold table is due (source versions, schedules). Default 5 s. */
    private Duration pollInterval = Duration.ofSeconds(5);

    /** Most rows per Parquet data file of a gold table. Default 1,000,000. */
    private long rowsPerFile = 1_000_000;

    /** The gold tables. Default none. */
    private List<Table> tables = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public long getRowsPerFile() {
        return rowsPerFile;
    }

    public void setRowsPerFile(long rowsPerFile) {
        this.rowsPerFile = rowsPerFile;
    }

    public List<Table> getTables() {
        return tables;
    }

    public void setTables(List<Table> tables) {
        this.tables = tables;
    }

    /** {@code lakehub.gold.tables[]}. */
    public static class Table {

        /** The table name ({@code [A-Za-z0-9_]+}): {@code gold/<name>}, queried as {@code gold.<name>}. */
        private String name;

        /**
         * One SELECT over silver tables and the views of {@code lakehub.sql.views}, checked like a query;
         * every result column needs a plain name (alias expressions: {@code count(*) AS loans}).
         */
        private String sql;

        /** {@code after-commit} (default) or {@code schedule}. */
        private Refresh refresh = Refresh.AFTER_COMMIT;

        /** With {@code refresh: schedule}, the time from one refresh to the next. Default 1 h. */
        private Duration every = Duration.ofHours(1);

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getSql() {
            return sql;
        }

        public void setSql(String sql) {
            this.sql = sql;
        }

        public Refresh getRefresh() {
            return refresh;
        }

        public void setRefresh(Refresh refresh) {
            this.refresh = refresh;
        }

        public Duration getEvery() {
            return every;
        }

        public void setEvery(Duration every) {
            this.every = every;
        }
    }
}
