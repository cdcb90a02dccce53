package io.lakehub.maintenance;

import io.lakehub.maintenance.MaintenanceProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.stereotype.Component;

/**
 * Instantiates the {@code maintenance} route template (routes/maintenance.camel.yaml) once per scheduled
 * operation of each table in {@code lakehub.maintenance.tables}, as route
 * {@code maintenance-<op>-<table>} ({@code op} is optimize, vacuum or checkpoint), after the Camel
 * context has loaded the YAML routes. Not in {@code --once} mode.
 */
@Component
public class MaintenanceRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceRoutes.class);
    private static final String[] OPERATIONS = {"optimize", "vacuum", "checkpoint"};

    private final MaintenanceProperties props;
    private final boolean once;

    public MaintenanceRoutes(MaintenanceProperties props, ApplicationArguments args) {
        this.props = props;
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
        props.getTables().forEach((table, schedule) -> {
            for (String op : OPERATIONS) {
                java.time.Duration every = schedule.every(op);
                if (every == null) {
                    continue;
                }
                String routeId = TemplatedRouteBuilder.builder(camelContext, "maintenance")
                        .routeId("maintenance-" + op + "-" + table)
                        .parameter("table", table)
                        .parameter("op", op)
                        .parameter("delay", Long.toString(every.toMillis()))
                        .parameter("initialDelay", Long.toString(props.getInitialDelay().toMillis()))
                        .add();
                LOG.info("maintenance: {} silver/{} every {}, first in {} (route {})", op, table, every,
                        props.getInitialDelay(), routeId);
            }
        });
    }
}
