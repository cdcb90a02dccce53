package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step lineage of route {@code replication-run} ({@code writeReplicaLineage}): records the validation in
 * the replica's manifest and ends the record.
 *
 * <p>Reads and writes: the {@link ReplicationRun} body. PASSED: {@link RunReplication#LINEAGE} (the
 * completion marker) is written, then {@link RunReplication#PENDING_LINEAGE} removed, and the record is
 * SUCCEEDED. FAILED: the pending manifest is rewritten with the failed checks, no completion marker
 * appears, and the record is FAILED with {@code validation failed: <checks>}. The record is saved with its
 * finish time. A crash in between leaves both names; the restarted run validates again. Stateless.
 */
@Component("writeReplicaLineage")
public class WriteReplicaLineage implements Processor {

    private final RunReplication run;

    public WriteReplicaLineage(RunReplication run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        run.writeLineage(exchange.getMessage().getMandatoryBody(ReplicationRun.class));
    }
}
