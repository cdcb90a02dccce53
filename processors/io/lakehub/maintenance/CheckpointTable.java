package io.lakehub.maintenance;

import io.lakehub.delta.TableMaintenance;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Scheduled CHECKPOINT of one silver table ({@link TableMaintenance#checkpoint}).
 *
 * <p>Reads variable {@code maintenanceTable} (the silver table name). Writes the
 * {@link TableMaintenance.CheckpointResult} as the body; a version that already has the last checkpoint
 * is not written again. Failure: the exception propagates to the route's error policy, which logs it.
 */
@Component("checkpointTable")
public class CheckpointTable implements Processor {

    private final TableMaintenance maintenance;

    public CheckpointTable(TableMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().setBody(maintenance.checkpoint(exchange.getVariable("maintenanceTable", String.class)));
    }
}
