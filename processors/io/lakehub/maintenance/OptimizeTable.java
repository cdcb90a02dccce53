package io.lakehub.maintenance;

import io.lakehub.delta.TableMaintenance;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Scheduled OPTIMIZE of one silver table ({@link TableMaintenance#optimize}).
 *
 * <p>Reads variable {@code maintenanceTable} (the silver table name). Writes the
 * {@link TableMaintenance.OptimizeResult} as the body. Settings: {@code lakehub.maintenance.target-file-rows}.
 * Failure (unknown table, conflict with a concurrent MERGE, I/O): the exception propagates to the route's
 * error policy, which logs it; the table is unchanged and the next run tries again.
 */
@Component("optimizeTable")
public class OptimizeTable implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(OptimizeTable.class);

    private final TableMaintenance maintenance;

    public OptimizeTable(TableMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String table = exchange.getVariable("maintenanceTable", String.class);
        TableMaintenance.OptimizeResult r = maintenance.optimize(table);
        if (!r.committed()) {
            LOG.debug("OPTIMIZE silver/{}: {} small files, nothing to compact", table, r.filesConsidered());
        }
        exchange.getMessage().setBody(r);
    }
}
