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
 * visible is removed again where possible and the exception rethrown. Stateless.
 */
@Component("publishReplica")
public class PublishReplica implements Processor {

    private final RunReplication run;

    public PublishReplica(RunReplication run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        run.publish(exchange.getMessage().getMandatoryBody(ReplicationRun.class));
    }
}
