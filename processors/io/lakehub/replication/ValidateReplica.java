package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step validate of route {@code replication-run} ({@code validateReplica}): re-reads the replica from the
 * target and checks it against the source selection: every file with its size and SHA-256, the schema, the
 * row count, and each column's checksum.
 *
 * <p>Reads and writes: the {@link ReplicationRun} body; the record gets {@code validation} (status PASSED
 * or FAILED, each check with name, passed, expected, actual). A replica that reads wrong is a FAILED check,
 * not an exception; a target that cannot be read at all throws a {@link ReplicationStepException} of step VALIDATE. Stateless.
 */
@Component("validateReplica")
public class ValidateReplica implements Processor {

    private final ReplicationSteps run;

    /** @param run the operations of the steps (one implementation, shared by the step beans) */
    public ValidateReplica(ReplicationSteps run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws ReplicationStepException {
        ReplicationRun r = exchange.getMessage().getBody(ReplicationRun.class);
        ReplicationStepException.inStep(ReplicationStepException.Step.VALIDATE,
                r == null ? exchange.getVariable("replicationId", String.class) : r.id(),
                () -> run.validate(exchange.getMessage().getMandatoryBody(ReplicationRun.class)));
    }
}
