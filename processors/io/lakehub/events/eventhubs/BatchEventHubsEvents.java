package io.lakehub.events.eventhubs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.azure.eventhubs.EventHubsConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches the per-event exchanges of the camel-azure-eventhubs consumer by partition, lands each batch
 * with {@link LandEventBatch#land(List)}, then checkpoints it through {@link GatedCheckpointStore#checkpointLanded}.
 *
 * <p>Reads: one exchange per event, as {@code EventHubsConsumer} (Camel 4.17) builds it: body the event
 * body ({@code byte[]}, read as UTF-8), headers {@link EventHubsConstants#PARTITION_ID} (numeric string),
 * {@link EventHubsConstants#SEQUENCE_NUMBER} (Long, the position the lake records),
 * {@link EventHubsConstants#OFFSET} (the service offset, stored in the checkpoint),
 * {@link EventHubsConstants#ENQUEUED_TIME} (Instant, the bronze minute; now when absent) and
 * {@link EventHubsConstants#PARTITION_KEY} (the record key).
 *
 * <p>A partition's batch is landed when it holds {@code batchSize} events (on the thread that delivered
 * the last one: the SDK delivers a partition's events one after another on that partition's thread, so
 * while a batch lands no further event of the partition arrives), or when its first event has waited
 * {@code batchLatency} (on the flush thread, checked every {@code batchLatency / 5}, at least every 10 ms).
 * A partition's lock serialises both, so its batches commit in sequence order, which the {@code txn}
 * rule of {@link LandEventBatch} relies on (an earlier batch landing after a later one would be skipped
 * as a replay).
 *
 * <p>Why not a Camel aggregator: the aggregator completes the inbound exchange when it stores it, runs
 * size- and timeout-completed groups of one key on different threads (so a later batch of a partition
 * could commit before an earlier one), and a failed aggregated exchange is not delivered again: the
 * Event Hubs consumer only logs a failed exchange ({@code EventHubsConsumer.processRollback}) and the SDK
 * has moved past its events. Here a failed batch stays in its partition's buffer.
 *
 * <p>Failure: when {@code land} fails nothing is checkpointed and the batch stays buffered; it is landed
 * again after {@code retryBackoff}. A full buffer holds the partition's thread until its batch lands, so
 * memory stays bounded by {@code batchSize} events per partition and the AMQP link stops asking for
 * more (prefetch). When the partition goes to another processor ({@link GatedCheckpointStore#lost}) or
 * the SDK starts it again from its checkpoint (a sequence number at or below one already buffered), the
 * buffer is dropped: those events are read again from the checkpoint, which is at or below the committed
 * position, and replays are skipped by their {@code txn} version. On {@link #close()} buffered events are
 * dropped the same way, and a held partition thread gives up when the Camel context stops (so a
 * graceful shutdown does not wait for a lake that is down). A checkpoint write that fails after a
 * successful land is logged and retried with the next batch: the data is committed, so at worst a
 * restart replays and skips. Thread-safe.
 */
public final class BatchEventHubsEvents implements Processor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEventHubsEvents.class);

    private final LandEventBatch lander;
    private final GatedCheckpointStore gate;
    private final String source;
    private final int batchSize;
    private final long latencyNanos;
    private final Duration retryBackoff;
    private final Map<Integer, PartitionBuffer> buffers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private volatile boolean closed;

    /** The buffered events of one partition, guarded by {@link #lock}. */
    private static final class PartitionBuffer {
        final int partition;
        final ReentrantLock lock = new ReentrantLock();
        final Condition retry = lock.newCondition();
        final List<EventRecord> events = new ArrayList<>();
        String lastOffset;
        long firstAddedNanos;
        long retryAtNanos;

        PartitionBuffer(int partition) {
            this.partition = partition;
        }

        long lastPosition() {
            return events.get(events.size() - 1).position();
        }

        void clear() {
            events.clear();
            lastOffset = null;
            retryAtNanos = 0;
        }
    }

    /**
     * @param lander       lands a batch in bronze, quarantine and silver
     * @param gate         the checkpoint store of the consumer endpoint
     * @param batchSize    most events per landed batch of one partition (at least 1)
     * @param batchLatency longest wait of a partition's first buffered event before its batch is landed
     * @param retryBackoff wait before a failed batch is landed again
     * @throws IllegalArgumentException if batchSize is below 1 or a duration is not positive
     */
    public BatchEventHubsEvents(LandEventBatch lander, GatedCheckpointStore gate, int batchSize, Duration batchLatency,
                                Duration retryBackoff) {
        if (batchSize < 1 || batchLatency.isNegative() || batchLatency.isZero() || retryBackoff.isNegative()
                || retryBackoff.isZero()) {
            throw new IllegalArgumentException("events eventhubs: batch size must be at least 1 and batch latency and retry backoff positive");
        }
        this.lander = lander;
        this.gate = gate;
        this.source = gate.fullyQualifiedNamespace() + "/" + gate.eventHubName();
        this.batchSize = batchSize;
        this.latencyNanos = batchLatency.toNanos();
        this.retryBackoff = retryBackoff;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lakehub-eventhubs-flush");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, batchLatency.toMillis() / 5);
        flusher.scheduleWithFixedDelay(this::flushDue, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Buffers one event of the Event Hubs consumer, landing its partition's batch when full.
     *
     * @throws IllegalArgumentException if a partition id or sequence number header is missing or not a number
     * @throws IllegalStateException    if the processor was closed while the partition's batch was held
     */
    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        String partitionId = m.getHeader(EventHubsConstants.PARTITION_ID, String.class);
        Long sequence = m.getHeader(EventHubsConstants.SEQUENCE_NUMBER, Long.class);
        if (partitionId == null || sequence == null) {
            throw new IllegalArgumentException("events eventhubs: an exchange without " + EventHubsConstants.PARTITION_ID
                    + " or " + EventHubsConstants.SEQUENCE_NUMBER + " header; is the route fed by azure-eventhubs?");
        }
        int partition = GatedCheckpointStore.partition(partitionId);
        Object offset = m.getHeader(EventHubsConstants.OFFSET);
        Instant enqueued = m.getHeader(EventHubsConstants.ENQUEUED_TIME, Instant.class);
        Object body = m.getBody();
        String text = body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : m.getBody(String.class);
        EventRecord record = new EventRecord(source, partition, sequence, enqueued == null ? Instant.now() : enqueued,
                m.getHeader(EventHubsConstants.PARTITION_KEY, String.class), text);

        PartitionBuffer buffer = buffers.computeIfAbsent(partition, PartitionBuffer::new);
        buffer.lock.lock();
        try {
            if (!buffer.events.isEmpty() && sequence <= buffer.lastPosition()) {
                LOG.info("events eventhubs: partition {} restarted at sequence number {} (buffered up to {}); dropping the buffer, "
                        + "those events are read again", partition, sequence, buffer.lastPosition());
                buffer.clear();
            }
            if (buffer.events.isEmpty()) {
                buffer.firstAddedNanos = System.nanoTime();
            }
            buffer.events.add(record);
            buffer.lastOffset = offset == null ? null : offset.toString();
            while (buffer.events.size() >= batchSize) {
                if (closed || exchange.getContext().isStopping()) {
                    throw new IllegalStateException("events eventhubs: stopped while the batch of partition " + partition
                            + " was held; nothing of it is checkpointed, it is read again on the next start");
                }
                if (!landHeld(buffer)) {
                    buffer.retry.await(retryBackoff.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        } finally {
            buffer.lock.unlock();
        }
    }

    /** Lands every partition whose first buffered event has waited the batch latency (flush thread). */
    void flushDue() {
        long now = System.nanoTime();
        for (PartitionBuffer buffer : buffers.values()) {
            if (!buffer.lock.tryLock()) {
                continue;
            }
            try {
                if (!buffer.events.isEmpty() && now - buffer.firstAddedNanos >= latencyNanos && now - buffer.retryAtNanos >= 0) {
                    landHeld(buffer);
                }
            } catch (RuntimeException e) {
                LOG.warn("events eventhubs: flush of partition {} failed: {}", buffer.partition, e.toString());
            } finally {
                buffer.lock.unlock();
            }
        }
    }

    /**
     * Lands a partition's buffer and checkpoints it; the caller holds the buffer's lock.
     *
     * @return true when the buffer was landed (or dropped), false when landing failed and it is kept
     */
    private boolean landHeld(PartitionBuffer buffer) {
        if (gate.lost(buffer.partition)) {
            LOG.info("events eventhubs: partition {} was taken by another processor; dropping {} buffered events",
                    buffer.partition, buffer.events.size());
            buffer.clear();
            return true;
        }
        List<EventRecord> batch = List.copyOf(buffer.events);
        long last = buffer.lastPosition();
        String lastOffset = buffer.lastOffset;
        try {
            lander.land(batch);
        } catch (Exception e) {
            buffer.retryAtNanos = System.nanoTime() + retryBackoff.toNanos();
            LOG.warn("events eventhubs: batch of partition {} ({} events up to sequence number {}) failed, nothing checkpointed; "
                    + "landing it again in {}: {}", buffer.partition, batch.size(), last, retryBackoff, e.toString());
            return false;
        }
        buffer.clear();
        try {
            gate.checkpointLanded(buffer.partition, last, lastOffset);
        } catch (RuntimeException e) {
            LOG.warn("events eventhubs: partition {} committed up to sequence number {} but its checkpoint was not written "
                    + "(a restart replays from the previous checkpoint and skips what is committed): {}", buffer.partition, last,
                    e.toString());
        }
        return true;
    }

    /** Events buffered now, over all partitions. */
    public int buffered() {
        return buffers.values().stream().mapToInt(b -> {
            b.lock.lock();
            try {
                return b.events.size();
            } finally {
                b.lock.unlock();
            }
        }).sum();
    }

    /** Stops the flush thread and releases held partitions; buffered events are dropped, not checkpointed. */
    @Override
    public void close() {
        closed = true;
        flusher.shutdownNow();
        for (PartitionBuffer b : buffers.values()) {
            if (b.lock.tryLock()) {
                try {
                    b.retry.signalAll();
                } finally {
                    b.lock.unlock();
                }
            }
        }
    }
}
