package io.lakehub.events.eventhubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.LandEventBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An Event Hubs {@link CheckpointStore} that never lets a checkpoint run ahead of the lake: a decorator
 * around the SDK's {@code BlobCheckpointStore} (or any store) for one event hub and consumer group.
 *
 * <p>Why a decorator. camel-azure-eventhubs 4.17 ({@code EventHubsConsumer.processCommit} and
 * {@code EventHubsCheckpointUpdaterTimerTask}) checkpoints each completed exchange's
 * {@code EventContext} after {@code checkpointBatchSize} exchanges or {@code checkpointBatchTimeout} ms,
 * through the endpoint's {@code checkpointStore}; an exchange completes when
 * {@link BatchEventHubsEvents} has buffered the event, before its batch is in the lake. The option
 * {@code checkpointStore} is the one seam every checkpoint write of the component passes through, so
 * the gate sits there:
 * <ul>
 *   <li>Ownership calls ({@code listOwnership}, {@code claimOwnership}) pass through unchanged: the
 *       blob ETag conditions of the delegate decide which processor owns a partition (a claim with a
 *       stale ETag is refused, https://learn.microsoft.com/azure/event-hubs/event-processor-balance-partition-load).
 *       The gate only remembers which partitions this hub instance claimed and which it has since
 *       seen owned by another processor ({@link #lost(int)}), so a buffered batch of a lost partition is dropped.</li>
 *   <li>{@link #listCheckpoints} (where the SDK starts a partition it has just claimed) answers, for the
 *       partitions this instance claimed, the committed position of the lake when the stored checkpoint
 *       differs from it or is missing, so a lost checkpoint write neither loses nor re-reads events.</li>
 *   <li>{@link #updateCheckpoint} (the component's requests) is <em>held</em>, i.e. completes without
 *       writing, when the sequence number is above the partition's committed position, or not above the
 *       last checkpoint this gate wrote (a stale timer task). Otherwise it passes through.</li>
 *   <li>{@link #checkpointLanded} is the real checkpoint: {@link BatchEventHubsEvents} calls it after
 *       {@link LandEventBatch#land} returned, with the last landed event's sequence number and offset;
 *       it re-reads the committed position and refuses to write beyond it.</li>
 * </ul>
 *
 * <p>Committed position of a partition: the {@code txn} version of app id
 * {@link LandEventBatch#appId(String, int) lakehub-events-<hub>-<partition>} in {@code silver/events_<hub>}
 * (the Event Hubs sequence number of the last event of the partition committed there; -1 when none).
 * The SDK resumes a partition after its checkpoint ({@code PartitionPumpManager.getInitialEventPosition}:
 * offset, else sequence number, exclusive), so on start or takeover the consumer reads from a position at
 * or below the committed one and {@link LandEventBatch} skips what was committed already.
 *
 * <p>Partition ids are the numeric strings Event Hubs uses ({@code "0"} to {@code "<n-1>"}). Thread-safe.
 */
public final class GatedCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(GatedCheckpointStore.class);

    /** The committed position of a partition, or -1 when nothing was committed. */
    @FunctionalInterface
    public interface CommittedPositions {
        /**
         * @param partition partition number
         * @return the last committed sequence number of the partition, -1 if none
         * @throws IOException if the lake cannot be read
         */
        long committed(int partition) throws IOException;
    }

    private final CheckpointStore delegate;
    private final CommittedPositions committed;
    private volatile String fullyQualifiedNamespace;
    private volatile String eventHubName;
    private volatile String consumerGroup;
    private final Duration writeTimeout;
    private final Map<Integer, Long> written = new ConcurrentHashMap<>();
    private final Map<Integer, String> claimedBy = new ConcurrentHashMap<>();
    private final Set<Integer> lost = ConcurrentHashMap.newKeySet();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong landedWrites = new AtomicLong();

    /**
     * @param delegate                the store that holds the blobs, e.g. {@code new BlobCheckpointStore(container)}
     * @param committed               committed position per partition, e.g. {@link #committedInSilver}
     * @param fullyQualifiedNamespace {@code <namespace>.servicebus.windows.net}, as the SDK names blobs
     * @param eventHubName            the event hub
     * @param consumerGroup           the consumer group
     * @param writeTimeout            longest wait for one {@link #checkpointLanded} write
     */
    public GatedCheckpointStore(CheckpointStore delegate, CommittedPositions committed, String fullyQualifiedNamespace,
                                String eventHubName, String consumerGroup, Duration writeTimeout) {
        this.delegate = delegate;
        this.committed = committed;
        this.fullyQualifiedNamespace = fullyQualifiedNamespace;
        this.eventHubName = eventHubName;
        this.consumerGroup = consumerGroup;
        this.writeTimeout = writeTimeout;
    }

    /** Committed positions read from the {@code txn} versions of {@code silver/events_<hub>}. */
    public static CommittedPositions committedInSilver(LakeStorage lake, String hub) {
        DeltaTable silver = new DeltaTable(lake, "events_" + hub);
        return partition -> silver.txnVersion(LandEventBatch.appId(hub, partition));
    }

    /**
     * The delegate's ownership records, unchanged; a partition this instance claimed and now sees owned
     * by another processor is marked {@link #lost}.
     */
    @Override
    public Flux<PartitionOwnership> listOwnership(String fullyQualifiedNamespace, String eventHubName, String consumerGroup) {
        return delegate.listOwnership(fullyQualifiedNamespace, eventHubName, consumerGroup).doOnNext(o -> {
            Integer p = partitionOrNull(o.getPartitionId());
            String mine = p == null ? null : claimedBy.get(p);
            if (mine != null && !mine.equals(o.getOwnerId()) && lost.add(p)) {
                LOG.info("events eventhubs: partition {} is now owned by {}, not this hub instance; its buffered events are dropped",
                        p, o.getOwnerId());
            }
        });
    }

    /**
     * The delegate's claims, unchanged (its ETag conditions refuse stale claims: those are absent from the
     * result); each successful claim is remembered, a relinquished one (empty owner id) marks the partition lost.
     */
    @Override
    public Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
        return delegate.claimOwnership(requested).doOnNext(o -> {
            Integer p = partitionOrNull(o.getPartitionId());
            if (p == null) {
                return;
            }
            if (o.getOwnerId() == null || o.getOwnerId().isEmpty()) {
                // a relinquished claim (processor stopping): the partition is no longer ours
                claimedBy.remove(p);
                lost.add(p);
            } else {
                claimedBy.put(p, o.getOwnerId());
                lost.remove(p);
                adoptNames(o);
            }
        });
    }

    /**
     * The checkpoints the SDK starts claimed partitions from (it lists them right after a claim,
     * {@code PartitionBasedLoadBalancer.claimOwnership}): the delegate's, except for partitions this
     * hub instance has claimed, where the lake decides: a checkpoint at the committed position when the
     * stored one is missing, below it (a checkpoint write failed after a commit) or above it (the lake
     * was restored); no checkpoint when nothing is committed, so the partition starts at the endpoint's
     * initial position. Positions are sequence numbers; a synthesised checkpoint has no offset and the
     * SDK resumes after that sequence number.
     */
    @Override
    public Flux<Checkpoint> listCheckpoints(String fullyQualifiedNamespace, String eventHubName, String consumerGroup) {
        return delegate.listCheckpoints(fullyQualifiedNamespace, eventHubName, consumerGroup).collectList().flatMapMany(stored -> {
            Map<Integer, Checkpoint> byPartition = new TreeMap<>();
            List<Checkpoint> other = new ArrayList<>();
            for (Checkpoint c : stored) {
                Integer p = partitionOrNull(c.getPartitionId());
                if (p == null || !claimedBy.containsKey(p)) {
                    other.add(c);
                } else {
                    byPartition.put(p, c);
                }
            }
            List<Checkpoint> out = new ArrayList<>(other);
            for (Integer p : new TreeSet<>(claimedBy.keySet())) {
                long limit = committedPosition(p);
                Checkpoint c = byPartition.get(p);
                if (limit < 0) {
                    if (c != null) {
                        LOG.warn("events eventhubs: partition {} has a checkpoint at {} but nothing is committed in the lake; "
                                + "starting it from the initial position", p, c.getSequenceNumber());
                    }
                    continue;
                }
                if (c == null || c.getSequenceNumber() == null || c.getSequenceNumber() != limit) {
                    if (c != null && c.getSequenceNumber() != null && c.getSequenceNumber() > limit) {
                        LOG.warn("events eventhubs: partition {} has a checkpoint at {} beyond the committed position {}; "
                                + "resuming after the committed one", p, c.getSequenceNumber(), limit);
                    }
                    c = new Checkpoint().setFullyQualifiedNamespace(fullyQualifiedNamespace).setEventHubName(eventHubName)
                            .setConsumerGroup(consumerGroup).setPartitionId(Integer.toString(p)).setSequenceNumber(limit);
                }
                out.add(c);
            }
            return Flux.fromIterable(out);
        });
    }

    /**
     * A checkpoint request of the component: passes through only when its sequence number is at or below
     * the partition's committed position and above the last checkpoint this gate wrote; otherwise it is
     * held (completes empty, nothing written). A request without a sequence number is held.
     */
    @Override
    public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
        return Mono.defer(() -> {
            int p = partition(checkpoint.getPartitionId());
            Long seq = checkpoint.getSequenceNumber();
            long limit = committedPosition(p);
            if (seq == null || seq > limit || seq <= written.getOrDefault(p, Long.MIN_VALUE)) {
                held.incrementAndGet();
                LOG.debug("events eventhubs: checkpoint of partition {} at {} held (committed {}, written {})", p, seq, limit,
                        written.get(p));
                return Mono.empty();
            }
            if (checkpoint.getOffsetString() == null && checkpoint.getOffset() != null) {
                checkpoint.setOffsetString(checkpoint.getOffset().toString());
            }
            passed.incrementAndGet();
            return delegate.updateCheckpoint(checkpoint).doOnSuccess(v -> written.merge(p, seq, Math::max));
        });
    }

    /**
     * Writes the checkpoint of a partition after its events up to {@code sequenceNumber} were committed
     * to the lake, and waits for the write.
     *
     * @param partition      partition number
     * @param sequenceNumber sequence number of the last landed event of the partition
     * @param offset         the Event Hubs offset of that event (as the service gives it), or null
     *                       (the SDK then resumes by sequence number)
     * @throws IllegalStateException if the position is above the committed one (nothing is written)
     * @throws RuntimeException      if the Blob service refuses the write or does not answer within the
     *                               write timeout; the data is committed, so the next start replays
     *                               from the previous checkpoint and the replay is skipped
     */
    public void checkpointLanded(int partition, long sequenceNumber, String offset) {
        long limit = committedPosition(partition);
        if (sequenceNumber > limit) {
            throw new IllegalStateException("events eventhubs: refusing a checkpoint of partition " + partition + " at "
                    + sequenceNumber + ", above the committed position " + limit);
        }
        if (sequenceNumber <= written.getOrDefault(partition, Long.MIN_VALUE)) {
            return;
        }
        Checkpoint c = new Checkpoint().setFullyQualifiedNamespace(fullyQualifiedNamespace).setEventHubName(eventHubName)
                .setConsumerGroup(consumerGroup).setPartitionId(Integer.toString(partition))
                .setSequenceNumber(sequenceNumber).setOffsetString(offset);
        delegate.updateCheckpoint(c).block(writeTimeout);
        written.merge(partition, sequenceNumber, Math::max);
        landedWrites.incrementAndGet();
    }

    /**
     * Checkpoints are written under the names the SDK uses for its claims (it derives the namespace from
     * the connection string or the builder), so that the processor finds them; they normally equal the
     * configured ones.
     */
    private void adoptNames(PartitionOwnership o) {
        if (o.getFullyQualifiedNamespace() == null || o.getEventHubName() == null || o.getConsumerGroup() == null) {
            return;
        }
        if (!o.getFullyQualifiedNamespace().equals(fullyQualifiedNamespace) || !o.getEventHubName().equals(eventHubName)
                || !o.getConsumerGroup().equals(consumerGroup)) {
            LOG.warn("events eventhubs: the processor claims as {}/{}/{}, not the configured {}/{}/{}; checkpoints follow the processor",
                    o.getFullyQualifiedNamespace(), o.getEventHubName(), o.getConsumerGroup(), fullyQualifiedNamespace, eventHubName,
                    consumerGroup);
            fullyQualifiedNamespace = o.getFullyQualifiedNamespace();
            eventHubName = o.getEventHubName();
            consumerGroup = o.getConsumerGroup();
        }
    }

    /** True when another processor has taken the partition since this hub instance claimed it. */
    public boolean lost(int partition) {
        return lost.contains(partition);
    }

    /** Component checkpoint requests held back so far (beyond the committed position, or stale). */
    public long held() {
        return held.get();
    }

    /** Component checkpoint requests passed to the delegate so far. */
    public long passed() {
        return passed.get();
    }

    /** Checkpoints written by {@link #checkpointLanded} so far. */
    public long landedWrites() {
        return landedWrites.get();
    }

    /** The fully qualified namespace checkpoints are written for. */
    public String fullyQualifiedNamespace() {
        return fullyQualifiedNamespace;
    }

    /** The event hub checkpoints are written for. */
    public String eventHubName() {
        return eventHubName;
    }

    /** The consumer group checkpoints are written for. */
    public String consumerGroup() {
        return consumerGroup;
    }

    private long committedPosition(int partition) {
        try {
            return committed.committed(partition);
        } catch (IOException e) {
            throw new UncheckedIOException("events eventhubs: cannot read the committed position of partition " + partition, e);
        }
    }

    /** @throws IllegalArgumentException if the id is not a partition number */
    static int partition(String id) {
        Integer p = partitionOrNull(id);
        if (p == null) {
            throw new IllegalArgumentException("events eventhubs: partition id '" + id + "' is not a number");
        }
        return p;
    }

    private static Integer partitionOrNull(String id) {
        try {
            return id == null ? null : Integer.valueOf(id.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
