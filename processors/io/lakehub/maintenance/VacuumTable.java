package io.lakehub.maintenance;

import io.lakehub.maintenance.MaintenanceProperties;
import io.lakehub.delta.TableMaintenance;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Scheduled VACUUM of one silver table ({@link TableMaintenance#vacuum}).
 *
 * <p>Reads variable {@code maintenanceTable} (the silver table name); the retention is
 * {@code lakehub.maintenance.tables.<table>.vacuum-retention}, by default
 * {@code lakehub.maintenance.min-retention} (168 h). Writes the {@link TableMaintenance.VacuumResult} as
 * the body. Failure (unknown table, a file that cannot be deleted): the exception propagates to the
 * route's error policy, which logs it; the next run tries again.
 */
@Component("vacuumTable")
public class VacuumTable implements Processor {

    private final TableMaintenance maintenance;
    private final MaintenanceProperties props;

    public VacuumTable(TableMaintenance maintenance, MaintenanceProperties props) {
        this.maintenance = maintenance;
        this.props = props;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String table = exchange.getVariable("maintenanceTable", String.class);
        MaintenanceProperties.TableSchedule schedule = props.getTables().get(table);
        exchange.getMessage().setBody(maintenance.vacuum(table, schedule == null ? null : schedule.getVacuumRetention(), false));
    }
}
