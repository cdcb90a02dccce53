package io.lakehub.replication;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step copy of route {@code replication-run} ({@code copyReplicaRows}): streams the selected columns and
 * rows of the pinned version into the target's staging folder in the requested format, with per-column
 * checksums and the pending manifest ({@link RunReplication#PENDING_LINEAGE}).
 *
 * <p>Reads and writes: the {@link ReplicationRun} body (staging folder, files, rows read and written,
 * checksums in the record). Memory: one Parquet row group. A destination that already holds this
 * replication's manifest (published before a restart) is not copied again: the counts are restored from
 * it. Failure: the staging folder is discarded and the exception rethrown (a destination holding another
 * replication's files: {@link IllegalStateException}, nothing written). Stateless.
 */
@Component("copyReplicaRows")
public class CopyReplicaRows implements Processor {

    private final RunReplication run;

    public CopyReplicaRows(RunReplication run) {
        this.run = run;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        run.copy(exchange.getMessage().getMandatoryBody(ReplicationRun.class));
    }
}
