package io.lakehub.events.inprocess;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntToLongFunction;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The in-memory partitioned event log of the {@code in-process} transport: what a Kafka topic or an
 * Event Hub is to the other transports, inside the hub's JVM.
 *
 * <p>Shape: {@code lakehub.events.in-process.partitions} partitions; each assigns its events
 * consecutive positions (the {@link EventRecord#position()} that the partition's silver {@code txn}
 * version records) and stamps the enqueued time when it accepts one. Positions continue after the
 * partition's committed {@code txn} version in {@code silver/events_<hub>} (read once, on first use), so
 * events published after a restart are never mistaken for replays of committed ones.
 *
 * <p>An event stays in the log until the consumer {@linkplain #commit commits} a position at or after
 * it, which it does only after the batch holding it is committed to the lake (DESIGN.md invariant 1);
 * a failed batch can therefore be read again. Memory is bounded: a partition holds at most
 * {@code capacity} events, and {@link #publish} waits while the chosen partition is full (back-pressure
 * on the producer, like a Kafka producer's {@code max.block.ms}). The log lives in memory only: events
 * published and not yet landed are lost if the process stops, which is why the transport is for the
 * embedded default, demos and benchmarks, not for events that exist nowhere else. Thread-safe.
 */
@Component
public class InProcessEventLog {

    /** The {@link EventRecord#source()} of the events of this log. */
    public static final String SOURCE = "in-process";

    private final int capacity;
    private final Partition[] partitions;
    private final IntToLongFunction committedPosition;
    private final AtomicLong roundRobin = new AtomicLong();

    /**
     * The log of the hub's events flow: positions continue after the {@code txn} versions of
     * {@code silver/events_<hub>}.
     *
     * @param props  {@code lakehub.events.in-process.*} (partitions, capacity)
     * @param events {@code lakehub.events.*} (the hub name)
     * @param lake   the lake holding the silver table
     */
    @Autowired
    public InProcessEventLog(InProcessProperties props, EventsProperties events, LakeStorage lake) {
        this(props.getPartitions(), props.getCapacity(), silverPositions(lake, events.getHub()));
    }

    /**
     * @param partitions        number of partitions (1 or more)
     * @param capacity          most events held per partition (1 or more)
     * @param committedPosition a partition's last committed position, -1 if none; asked once per partition on first use
     */
    public InProcessEventLog(int partitions, int capacity, IntToLongFunction committedPosition) {
        this.capacity = capacity;
        this.partitions = new Partition[partitions];
        for (int p = 0; p < partitions; p++) {
            this.partitions[p] = new Partition(p, capacity);
        }
        this.committedPosition = committedPosition;
    }

    private static IntToLongFunction silverPositions(LakeStorage lake, String hub) {
        return p -> {
            DeltaTable silver = new DeltaTable(lake, "events_" + hub);
            return silver.exists() ? silver.txnVersion(LandEventBatch.appId(hub, p)) : -1;
        };
    }

    /** Number of partitions. */
    public int partitions() {
        return partitions.length;
    }

    /** Most events held per partition. */
    public int capacity() {
        return capacity;
    }

    /**
     * Appends an event, waiting while its partition is full.
     *
     * @param key     partition key: events with the same key go to the same partition, in order (its
     *                {@code String.hashCode} modulo the partitions, as Kafka's default partitioner does with a hash);
     *                null spreads events round-robin
     * @param body    the payload (UTF-8 JSON expected)
     * @param timeout longest wait for room; zero or negative waits as long as it takes
     * @return the event as the log holds it (partition, position, enqueued time)
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IllegalStateException if the partition stayed full for {@code timeout}
     */
    public EventRecord publish(String key, String body, java.time.Duration timeout) throws InterruptedException {
        int p = key == null ? (int) Math.floorMod(roundRobin.getAndIncrement(), (long) partitions.length)
                : Math.floorMod(key.hashCode(), partitions.length);
        return partition(p).append(key, body, null, timeout == null ? 0 : timeout.toNanos());
    }

    /**
     * Appends an event to a given partition, waiting while it is full: how a replay places each line by
     * its line number, so the partition's order is the file's.
     *
     * @param partition the partition, 0 to {@link #partitions()} - 1
     * @param replayed  the line's replay position, carried to the lander (null for none)
     * @throws IllegalArgumentException if there is no such partition
     * @see #publish(String, String, java.time.Duration)
     */
    public EventRecord publish(int partition, String key, String body, EventRecord.Replayed replayed,
                               java.time.Duration timeout) throws InterruptedException {
        return partition(partition).append(key, body, replayed, timeout == null ? 0 : timeout.toNanos());
    }

    /** Events held in a partition (published, not yet committed). */
    public int size(int partition) {
        return partition(partition).size();
    }

    /** Enqueued time of the oldest event held in a partition, or null when it holds none. */
    public Instant oldest(int partition) {
        return partition(partition).oldest();
    }

    /**
     * Up to {@code max} events of a partition from its oldest held one, in position order, without
     * removing them.
     */
    public List<EventRecord> read(int partition, int max) {
        return partition(partition).read(Long.MAX_VALUE, max);
    }

    /** The held events of a partition up to and including position {@code last}, at most {@code max}. */
    public List<EventRecord> readUpTo(int partition, long last, int max) {
        return partition(partition).read(last, max);
    }

    /**
     * Drops the events of a partition up to and including {@code position}: they are durable in the
     * lake. Wakes publishers waiting for room. A position at or below an earlier commit changes nothing.
     */
    public void commit(int partition, long position) {
        partition(partition).commit(position);
    }

    /** The position the next event of a partition gets. */
    public long nextPosition(int partition) {
        return partition(partition).nextPosition();
    }

    private Partition partition(int p) {
        if (p < 0 || p >= partitions.length) {
            throw new IllegalArgumentException("partition " + p + " is not one of 0.." + (partitions.length - 1));
        }
        Partition part = partitions[p];
        part.open(committedPosition);
        return part;
    }

    /** One partition: a ring of held events, positions {@code head .. next-1}. */
    private static final class Partition {
        private final int id;
        private final EventRecord[] ring;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notFull = lock.newCondition();
        private volatile boolean opened;
        private long head;
        private long next;

        Partition(int id, int capacity) {
            this.id = id;
            this.ring = new EventRecord[capacity];
        }

        void open(IntToLongFunction committed) {
            if (opened) {
                return;
            }
            lock.lock();
            try {
                if (!opened) {
                    head = committed.applyAsLong(id) + 1;
                    next = head;
                    opened = true;
                }
            } finally {
                lock.unlock();
            }
        }

        EventRecord append(String key, String body, EventRecord.Replayed replayed, long timeoutNanos)
                throws InterruptedException {
            lock.lockInterruptibly();
            try {
                long wait = timeoutNanos;
                while (next - head >= ring.length) {
                    if (timeoutNanos <= 0) {
                        notFull.await();
                    } else {
                        if (wait <= 0) {
                            throw new IllegalStateException("in-process partition " + id + " stayed full (" + ring.length
                                    + " events not landed) for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                        }
                        wait = notFull.awaitNanos(wait);
                    }
                }
                EventRecord r = new EventRecord(SOURCE, id, next, Instant.now(), key, body, replayed);
                ring[(int) (next % ring.length)] = r;
                next++;
                return r;
            } finally {
                lock.unlock();
            }
        }

        int size() {
            lock.lock();
            try {
                return (int) (next - head);
            } finally {
                lock.unlock();
            }
        }

        Instant oldest() {
            lock.lock();
            try {
                return next == head ? null : ring[(int) (head % ring.length)].enqueued();
            } finally {
                lock.unlock();
            }
        }

        List<EventRecord> read(long last, int max) {
            lock.lock();
            try {
                long end = Math.min(next, Math.min(last == Long.MAX_VALUE ? Long.MAX_VALUE : last + 1, head + max));
                List<EventRecord> out = new ArrayList<>((int) Math.max(0, end - head));
                for (long pos = head; pos < end; pos++) {
                    out.add(ring[(int) (pos % ring.length)]);
                }
                return out;
            } finally {
                lock.unlock();
            }
        }

        void commit(long position) {
            lock.lock();
            try {
                long upTo = Math.min(position + 1, next);
                while (head < upTo) {
                    ring[(int) (head % ring.length)] = null;
                    head++;
                }
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
        }

        long nextPosition() {
            lock.lock();
            try {
                return next;
            } finally {
                lock.unlock();
            }
        }
    }
}
