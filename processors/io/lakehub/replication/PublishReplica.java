package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step publish of route {@code replication-run} ({@code publishReplica}): makes the staged replica visible
 * at the destination in one step ({@link ReplicaTarget#publish}: a rename for a local folder, blobs with the
 * pending manifest last for Blob and ADLS Gen2), then discards the staging folder.
 *
 * <p>Reads and writes: the {@link ReplicationRun} body. Fault point
 * {@link io.lakehub.faults.FaultPoint#REPLICATION_AFTER_PUBLISH} is reached after it. Failure: what was made
 * visible is removed again where possible and a {@link ReplicationStepException} of step PUBLISH thrown. Stateless.
 */
@Component("publishReplica")
public class PublishReplica implements Processor {

    private final ReplicationSteps run;

    /** @param run the operations of the steps (one implementation, shared by the step beans) */
    public PublishReplica(ReplicationSteps run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws ReplicationStepException {
        ReplicationRun r = exchange.getMessage().getBody(ReplicationRun.class);
        ReplicationStepException.inStep(ReplicationStepException.Step.PUBLISH,
                r == null ? exchange.getVariable("replicationId", String.class) : r.id(),
                () -> run.publish(exchange.getMessage().getMandatoryBody(ReplicationRun.class)));
    }
}
