package io.lakehub.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.TableSnapshot;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step 2 of the events route ({@code skipCommittedEvents}): keeps one record per (partition, position)
 * and drops those an earlier silver commit already holds (DESIGN.md invariant 3).
 *
 * <p>Reads: an {@link EventBatch} body with its records, and the {@code txn} versions of
 * {@code silver/events_<hub>}: per partition app id {@link LandEventBatch#appId} (the last position
 * committed), per (replay, partition) app id {@link LandEventBatch#replayAppId} (the last replayed line
 * committed, see {@link io.lakehub.events.generator.ReplayFile}). Writes into the batch: the records by
 * partition in position order, the {@linkplain EventBatch#fresh() fresh} ones (above the partition's
 * version and, for a replayed line, above its replay's), the versions read (the silver commit requires
 * them unchanged) and the count skipped. A record at or below its version is a redelivery after a crash
 * between the silver commit and the acknowledgement, or a reset consumer group; a duplicate position is
 * a transport that re-fetched after a rebalance. Writes nothing to the lake; thread-safe.
 */
public final class SkipCommittedEvents implements Processor {

    private final DeltaTable silver;

    /** @param silver the table {@code silver/events_<hub>} */
    public SkipCommittedEvents(DeltaTable silver) {
        this.silver = silver;
    }

    @Override
    public void process(Exchange exchange) {
        skip(EventBatch.of(exchange));
    }

    /** Fills the batch's partitions, fresh records and committed versions. */
    void skip(EventBatch batch) {
        Map<Integer, TreeMap<Long, EventRecord>> unique = new TreeMap<>();
        for (EventRecord e : batch.records) {
            unique.computeIfAbsent(e.partition(), p -> new TreeMap<>()).putIfAbsent(e.position(), e);
        }
        Map<Integer, List<EventRecord>> byPartition = new TreeMap<>();
        unique.forEach((p, m) -> byPartition.put(p, new ArrayList<>(m.values())));

        Map<Integer, List<EventRecord>> fresh = new TreeMap<>();
        Map<Integer, Long> committedOffsets = new TreeMap<>();
        Map<String, Long> committedReplays = new TreeMap<>();
        long skipped = 0;
        // one snapshot of silver for the whole batch: every partition's and replay's txn version from the same
        // version, and the log read once rather than once per partition
        TableSnapshot head = silver.exists() ? silver.latest() : null;
        for (Map.Entry<Integer, List<EventRecord>> e : byPartition.entrySet()) {
            long committed = txnVersion(head, LandEventBatch.appId(batch.hub, e.getKey()));
            committedOffsets.put(e.getKey(), committed);
            List<EventRecord> keep = new ArrayList<>();
            for (EventRecord ev : e.getValue()) {
                if (ev.position() > committed && !replayedBefore(head, batch.hub, ev, committedReplays)) {
                    keep.add(ev);
                } else {
                    skipped++;
                }
            }
            if (!keep.isEmpty()) {
                fresh.put(e.getKey(), keep);
            }
        }
        batch.byPartition = byPartition;
        batch.fresh = fresh;
        batch.committedOffsets = committedOffsets;
        batch.committedReplays = committedReplays;
        batch.skipped = skipped;
        batch.filtered = true;
    }

    /** Whether a replayed line is at or below its replay's committed position; versions read are kept in {@code committed}. */
    private static boolean replayedBefore(TableSnapshot head, String hub, EventRecord ev, Map<String, Long> committed) {
        if (ev.replayed() == null) {
            return false;
        }
        String id = LandEventBatch.replayAppId(hub, ev.replayed().replay(), ev.partition());
        long version = committed.computeIfAbsent(id, app -> txnVersion(head, app));
        return ev.replayed().position() <= version;
    }

    /** {@code appId}'s txn version in {@code head}, or -1 when silver does not exist yet ({@code head} null). */
    private static long txnVersion(TableSnapshot head, String appId) {
        return head == null ? -1 : head.txnVersion(appId);
    }
}
