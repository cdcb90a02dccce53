package io.lakehub.sql;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * Instantiates the {@code sql-incremental-poll} route template (routes/sql-incremental.camel.yaml)
 * once per enabled source, as route {@code sql-incremental-poll-<source>}, after the Camel context has
 * loaded the YAML routes. Not in {@code --once} mode, where {@code OnceRunner} drives the loads.
 */
@Component
// after the demo source is seeded (SampleBootstrap seeds in its constructor); by bean name, so sql needs no sample types
@DependsOn("sampleBootstrap")
public class SqlIncrementalRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SqlIncrementalRoutes.class);

    private final SqlProperties props;
    private final SqlSources sources;
    private final boolean once;

    public SqlIncrementalRoutes(SqlProperties props, SqlSources sources, ApplicationArguments args) {
        this.props = props;
        this.sources = sources;
        this.once = args.containsOption("once");
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (once) {
            return;
        }
        for (SqlIncrementalLoader loader : sources.all()) {
            SqlSourceTable t = loader.source();
            if (!t.isEnabled()) {
                LOG.info("sql-incremental {}: disabled", t.getName());
                continue;
            }
            String routeId = TemplatedRouteBuilder.builder(camelContext, "sql-incremental-poll")
                    .routeId("sql-incremental-poll-" + t.getName())
                    .parameter("source", t.getName())
                    .parameter("delay", Long.toString(t.getSchedule().toMillis()))
                    .parameter("initialDelay", Long.toString(props.getInitialDelay().toMillis()))
                    .add();
            LOG.info("sql-incremental {}: polling {} every {} into silver/{} (route {})", t.getName(), t.fromClause(),
                    t.getSchedule(), t.target(), routeId);
        }
    }
}
