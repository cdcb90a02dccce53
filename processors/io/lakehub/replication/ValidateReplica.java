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
 * not an exception; a target that cannot be read at all throws. Stateless.
 */
@Component("validateReplica")
public class ValidateReplica implements Processor {

    private final RunReplication run;

    public ValidateReplica(RunReplication run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        run.validate(exchange.getMessage().getMandatoryBody(ReplicationRun.class));
    }
}
