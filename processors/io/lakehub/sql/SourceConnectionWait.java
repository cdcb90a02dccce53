package io.lakehub.sql;

import java.time.Duration;
import java.util.Optional;

import io.lakehub.config.LakeConfiguration.ConnectionWaitBound;
import org.springframework.stereotype.Component;

/**
 * The sql-incremental flow's bound on a data source's connection wait: the shortest {@code schedule} of the enabled
 * sources ({@code lakehub.sql.tables[]}) polling it, so a poll of a database that is gone fails within about one
 * poll interval ({@code io.lakehub.config.LakeConfiguration#dataSources} applies it).
 */
@Component
public class SourceConnectionWait implements ConnectionWaitBound {

    private final SqlProperties props;

    public SourceConnectionWait(SqlProperties props) {
        this.props = props;
    }

    @Override
    public Optional<Duration> of(String dataSourceName) {
        return props.getTables().stream()
                .filter(t -> t.isEnabled() && dataSourceName.equals(t.getDatasource()))
                .map(SqlSourceTable::getSchedule).min(Duration::compareTo);
    }
}
