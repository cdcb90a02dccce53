package io.lakehub.events.inprocess;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.lakehub.events.EventBatch;
import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The consumer of the {@code in-process} transport: cuts batches from the {@link InProcessEventLog} for
 * route {@code events-consume-<hub>} (template {@code events-consume-in-process}, a timer every
 * {@code lakehub.events.in-process.poll-period}), whose step {@code readInProcessEventBatch}
 * ({@link ReadInProcessEventBatch}) calls {@link #next()}; the route then runs the events steps on the
 * batch, and its acknowledgement commits the partitions' positions in the log.
 *
 * <p>A batch is ready when the log holds {@code batch-size} events over all partitions, or when its
 * oldest event has waited {@code batch-latency}. A ready batch (at most {@code batch-size} events, each
 * partition's share from its oldest held event, in position order) is an {@link EventBatch} whose
 * acknowledgement commits each partition's last position in the log, which frees their room. While full
 * batches are ready the route lands them one after the other in the same tick.
 *
 * <p>Failure: a batch handed out and not acknowledged by the next call has failed (its step threw and the
 * route's error policy logged it). Nothing of it was committed in the log, and after {@code retry-delay}
 * the same batch is handed out again: the same events, cut at the same positions, so its bronze and
 * quarantine files get the same names. Replayed records are skipped by their partition's {@code txn}
 * version, so the retry never duplicates a row. {@link #landReady()} does the same in one call (for tests
 * and callers without the route). Not meant to run on two threads at once (one route, one timer thread).
 */
@Component("consumeInProcessEvents")
public class ConsumeInProcessEvents {

    private final InProcessEventLog log;
    private final LandEventBatch land;
    private final String hub;
    private final int batchSize;
    private final Duration batchLatency;
    private final Duration retryDelay;

    /** The cut of a batch that failed: partition to last position, retried as such. */
    private Map<Integer, Long> failedCut;
    private Instant retryAt = Instant.MIN;
    /** The cut of the batch handed out and not acknowledged yet, or null. */
    private Map<Integer, Long> inFlight;

    /** The consumer of the hub's in-process log with the {@code lakehub.events.in-process.*} settings. */
    @Autowired
    public ConsumeInProcessEvents(InProcessEventLog log, LandEventBatch land, InProcessProperties props) {
        this(log, land, props.getBatchSize(), props.getBatchLatency(), props.getRetryDelay());
    }

    /**
     * @param log          the log to consume
     * @param land         lands a batch in the lake
     * @param batchSize    most events per batch (over all partitions)
     * @param batchLatency longest wait of an event for a batch to fill
     * @param retryDelay   wait before a failed batch is tried again
     */
    public ConsumeInProcessEvents(InProcessEventLog log, LandEventBatch land, int batchSize, Duration batchLatency,
                                  Duration retryDelay) {
        this.log = log;
        this.land = land;
        this.hub = land.hub();
        this.batchSize = batchSize;
        this.batchLatency = batchLatency;
        this.retryDelay = retryDelay;
    }

    /** Most events per batch: a batch of this size may have more waiting behind it. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The next batch to land, or null when none is ready (or a failed one waits for its retry delay). A
     * batch handed out earlier and not acknowledged since is taken as failed.
     */
    public synchronized EventBatch next() {
        Instant now = Instant.now();
        if (inFlight != null) {
            failed(inFlight, now);
        }
        List<EventRecord> batch;
        if (failedCut != null) {
            if (now.isBefore(retryAt)) {
                return null;
            }
            batch = new ArrayList<>();
            for (Map.Entry<Integer, Long> e : failedCut.entrySet()) {
                batch.addAll(log.readUpTo(e.getKey(), e.getValue(), Integer.MAX_VALUE));
            }
        } else {
            batch = ready(now);
        }
        if (batch.isEmpty()) {
            return null;
        }
        Map<Integer, Long> cut = new TreeMap<>();
        for (EventRecord r : batch) {
            cut.merge(r.partition(), r.position(), Math::max);
        }
        Map<Integer, EventBatch.Acknowledgement> acks = new TreeMap<>();
        cut.forEach((partition, last) -> acks.put(partition, () -> log.commit(partition, last)));
        // the last acknowledgement (the highest partition) ends the batch: nothing is in flight any more
        int lastPartition = ((TreeMap<Integer, Long>) cut).lastKey();
        acks.put(lastPartition, () -> {
            log.commit(lastPartition, cut.get(lastPartition));
            acknowledged();
        });
        inFlight = cut;
        return new EventBatch(hub, batch, acks);
    }

    private synchronized void acknowledged() {
        inFlight = null;
        failedCut = null;
    }

    private void failed(Map<Integer, Long> cut, Instant now) {
        failedCut = cut;
        retryAt = now.plus(retryDelay);
        inFlight = null;
    }

    /**
     * Lands one batch if one is ready, with every step in one call, and commits its positions in the log.
     *
     * @return events in the batch landed, 0 if no batch was ready
     * @throws Exception a step's failure, e.g. an {@link IOException} when the lake cannot be written (the
     *                   batch stays in the log and is retried after {@code retry-delay})
     */
    public synchronized int landReady() throws Exception {
        EventBatch batch = next();
        if (batch == null) {
            return 0;
        }
        try {
            land.landAndAcknowledge(batch);
        } catch (Exception e) {
            if (inFlight != null) {
                failed(inFlight, Instant.now());
            }
            throw e;
        }
        return batch.records().size();
    }

    /** The next batch if the log holds a full one or one whose oldest event waited long enough; else empty. */
    private List<EventRecord> ready(Instant now) {
        int n = log.partitions();
        int[] sizes = new int[n];
        long total = 0;
        Instant oldest = null;
        for (int p = 0; p < n; p++) {
            sizes[p] = log.size(p);
            total += sizes[p];
            Instant o = sizes[p] == 0 ? null : log.oldest(p);
            if (o != null && (oldest == null || o.isBefore(oldest))) {
                oldest = o;
            }
        }
        if (total == 0 || total < batchSize && Duration.between(oldest, now).compareTo(batchLatency) < 0) {
            return List.of();
        }
        // each partition gets an equal share; room a small partition leaves goes to the others
        int[] take = new int[n];
        int left = (int) Math.min(total, batchSize);
        while (left > 0) {
            int share = Math.max(1, left / n);
            for (int p = 0; p < n && left > 0; p++) {
                int t = Math.min(share, Math.min(left, sizes[p] - take[p]));
                take[p] += t;
                left -= t;
            }
        }
        List<EventRecord> batch = new ArrayList<>((int) Math.min(total, batchSize));
        for (int p = 0; p < n; p++) {
            if (take[p] > 0) {
                batch.addAll(log.read(p, take[p]));
            }
        }
        return batch;
    }
}
