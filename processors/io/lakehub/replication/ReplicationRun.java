package io.lakehub.replication;

import java.nio.file.Path;
import java.util.List;

import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.TableSnapshot;

/**
 * One replication on its way through the steps of route {@code replication-run}: the exchange body from
 * {@link PinReplicationVersion} on. Holds the record ({@link Replication}, saved by the store at each change
 * of state) and what the steps hand to each other: the target, the pinned source version with the column
 * selection and the row filter, the staging folder and the files to publish, and the step timings.
 * Holds no credential and no rows (memory: the file list). Not thread-safe: one run, one exchange.
 */
public final class ReplicationRun {

    /** The record, as {@code GET /api/replications/{id}} shows it. */
    final Replication record;
    /** True when the record had finished before this run (nothing is done but the notification). */
    boolean finished;
    ReplicaTarget target;
    DeltaTable table;
    TableSnapshot snapshot;
    TableSchema full;
    int[] slots;
    TableSchema selection;
    RowFilter filter;
    /** The staging folder of a copied replica, until it is published or discarded; null otherwise. */
    Path staged;
    /** The staged files in publishing order, the pending manifest last. */
    List<String> commitOrder;
    /** True once the replica is visible at the destination (published now, or before a restart). */
    boolean published;
    long copyMillis = -1;
    long validateMillis = -1;

    ReplicationRun(Replication record) {
        this.record = record;
    }

    /** The replication id. */
    public String id() {
        return record.id;
    }

    /** Whether the replication had finished before this run started (then only the notification runs). */
    public boolean alreadyFinished() {
        return finished;
    }
}
