package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step copy of route {@code replication-run} ({@code copyReplicaRows}): streams the selected columns and
 * rows of the pinned version into the target's staging folder in the requested format, with per-column
 * checksums and the pending manifest ({@link ReplicationSteps#PENDING_LINEAGE}).
 *
 * <p>Reads and writes: the {@link ReplicationRun} body (staging folder, files, rows read and written,
 * checksums in the record). Memory: one Parquet row group. A destination that already holds this
 * replication's manifest (published before a restart) is not copied again: the counts are restored from
 * it. Failure: the staging folder is discarded and a {@link ReplicationStepException} of step COPY thrown (a destination holding another
 * replication's files: {@link IllegalStateException}, nothing written). Stateless.
 */
@Component("copyReplicaRows")
public class CopyReplicaRows implements Processor {

    private final ReplicationSteps run;

    /** @param run the operations of the steps (one implementation, shared by the step beans) */
    public CopyReplicaRows(ReplicationSteps run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws ReplicationStepException {
        ReplicationRun r = exchange.getMessage().getBody(ReplicationRun.class);
        ReplicationStepException.inStep(ReplicationStepException.Step.COPY,
                r == null ? exchange.getVariable("replicationId", String.class) : r.id(),
                () -> run.copy(exchange.getMessage().getMandatoryBody(ReplicationRun.class)));
    }
}
