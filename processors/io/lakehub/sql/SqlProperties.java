package io.lakehub.sql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code lakehub.sql.*} of the sql-incremental flow: its source tables and the delay of their first poll.
 * The SQL engine's keys under the same prefix ({@code lakehub.sql.views}, {@code lakehub.sql.query.*}) are bound
 * by {@code io.lakehub.lakesql.LakeSqlProperties}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.sql")
public class SqlProperties {

    /** The source tables of the sql-incremental flow, one poll route each. Default none. */
    @Valid
    private List<SqlSourceTable> tables = new ArrayList<>();
    /** Delay before each source's first poll after start. */
    @NotNull
    private Duration initialDelay = Duration.ofSeconds(1);

    public List<SqlSourceTable> getTables() {
        return tables;
    }

    public void setTables(List<SqlSourceTable> tables) {
        this.tables = tables;
    }

    public Duration getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }
}
