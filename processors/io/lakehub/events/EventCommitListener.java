package io.lakehub.events;

import java.util.List;
import java.util.Map;

/**
 * Called by {@link LandEventBatch#land} after the silver commit of a batch and before the transport
 * acknowledges it (Spring beans of this type are found by {@link LandEventBatch}). A listener keeps its
 * own progress (e.g. a {@code txn} per partition in its own table) and compares it with the silver
 * positions it is given, so that after a crash between the silver commit and its own commit it catches
 * up by reading silver back. A listener's failure is logged and does not fail the batch: silver holds
 * the events, the listener catches up on a later call.
 */
public interface EventCommitListener {

    /**
     * What one {@link LandEventBatch#land} call committed.
     *
     * @param hub              the hub ({@code lakehub.events.hub})
     * @param silverVersion    the silver version written, or -1 when the batch was empty or all replayed
     * @param rows             the valid rows of that commit, in {@link LandEventBatch#SILVER_SCHEMA} order
     *                         (partition, offset, enqueued_time, event_type, event_time, payload); empty if none
     * @param committedBefore  per partition of the batch, its silver {@code txn} version before this commit (-1: none)
     * @param committedAfter   per partition of the batch, its silver {@code txn} version after this commit
     *                         (equal to {@code committedBefore} for a partition whose records were all replays)
     */
    record CommittedBatch(String hub, long silverVersion, List<Object[]> rows, Map<Integer, Long> committedBefore,
                          Map<Integer, Long> committedAfter) {
    }

    /**
     * Handles a committed batch.
     *
     * @throws Exception any failure; {@link LandEventBatch} logs it and goes on
     */
    void committed(CommittedBatch batch) throws Exception;
}
