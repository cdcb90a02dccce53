package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The error step of route {@code replication-run} ({@code recordReplicationFailure}, in route
 * configuration {@code replication-errors}): a step that threw makes the replication FAILED.
 *
 * <p>Reads: the caught exception ({@link Exchange#EXCEPTION_CAUGHT}), the {@link ReplicationRun} body, or,
 * when the pin step failed before making one, variable {@code replicationId}. Writes: the record FAILED with
 * error {@code <exception class>: <message>} and its finish time (run history and {@code GET
 * /api/replications/{id}}), the staging folder discarded, and the body back to the replication id for the
 * notification that follows (which mails the failure). An exchange with neither (an unknown id) is left
 * as it is. Stateless.
 */
@Component("recordReplicationFailure")
public class RecordReplicationFailure implements Processor {

    private final RunReplication run;

    public RecordReplicationFailure(RunReplication run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ReplicationRun r = exchange.getMessage().getBody() instanceof ReplicationRun b ? b : null;
        String id = exchange.getVariable("replicationId", String.class);
        if (r == null && id != null) {
            try {
                r = run.runOf(id);
            } catch (java.util.NoSuchElementException e) {
                return;
            }
        }
        if (r == null || failure == null) {
            return;
        }
        run.recordFailure(r, failure);
        exchange.getMessage().setBody(r.id());
    }
}
