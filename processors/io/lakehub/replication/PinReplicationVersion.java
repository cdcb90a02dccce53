package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step pin of route {@code replication-run} ({@code pinReplicationVersion}): opens the source version the
 * request pinned when it was accepted.
 *
 * <p>Reads: the body, a replication id ({@link ReplicationStore}). Writes: variable {@code replicationId},
 * variable {@code replicationFinished} (true when the record had already finished: the copy steps are
 * skipped, the notification runs), the record RUNNING with its start time, and the body, a
 * {@link ReplicationRun} with the target, the opened snapshot, the column selection and the row filter.
 *
 * <p>Failure: {@link java.util.NoSuchElementException} for an unknown id; an unknown target, a version no
 * longer readable (vacuumed) or a column or filter that does not fit the schema throws, and the route's
 * error step records it. Stateless.
 */
@Component("pinReplicationVersion")
public class PinReplicationVersion implements Processor {

    private final RunReplication run;

    public PinReplicationVersion(RunReplication run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setVariable("replicationId", id);
        ReplicationRun r = run.pin(id);
        exchange.setVariable("replicationFinished", r.finished);
        exchange.getMessage().setBody(r);
    }
}
