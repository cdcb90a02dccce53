package io.lakehub.events.inprocess;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The consumer of the {@code in-process} transport, called on each tick of route
 * {@code events-consume-<hub>} (template {@code events-consume-in-process}, a timer every
 * {@code lakehub.events.in-process.poll-period}).
 *
 * <p>A batch is ready when the log holds {@code batch-size} events over all partitions, or when its
 * oldest event has waited {@code batch-latency}. A ready batch (at most {@code batch-size} events, each
 * partition's share from its oldest held event, in position order) is landed by
 * {@link LandEventBatch#land(List)}; only after that returns are the partitions' positions committed in
 * the {@link InProcessEventLog}, which frees their room. While full batches are ready they are landed
 * one after the other in the same tick.
 *
 * <p>Failure: the exception is rethrown (the route's error policy logs it), nothing is committed, and
 * the next tick after {@code retry-delay} lands the same batch again: the same events, cut at the same
 * positions, so its bronze and quarantine files get the same names. Replayed records are skipped by
 * their partition's {@code txn} version, so the retry never duplicates a row. Reads no exchange
 * content. Not meant to run on two threads at once (one route, one timer thread).
 */
@Component("consumeInProcessEvents")
public class ConsumeInProcessEvents implements Processor {

    private final InProcessEventLog log;
    private final LandEventBatch land;
    private final int batchSize;
    private final Duration batchLatency;
    private final Duration retryDelay;

    /** The cut of a batch that failed: partition to last position, retried as such. */
    private Map<Integer, Long> failedCut;
    private Instant retryAt = Instant.MIN;

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
        this.batchSize = batchSize;
        this.batchLatency = batchLatency;
        this.retryDelay = retryDelay;
    }

    /** One tick: lands the ready batches. */
    @Override
    public void process(Exchange exchange) throws IOException {
        while (landReady() >= batchSize) {
            // a full batch was landed and another may be waiting
        }
    }

    /**
     * Lands one batch if one is ready.
     *
     * @return events in the batch landed, 0 if no batch was ready
     * @throws IOException if the lake cannot be written (the batch stays in the log)
     */
    public synchronized int landReady() throws IOException {
        Instant now = Instant.now();
        List<EventRecord> batch;
        if (failedCut != null) {
            if (now.isBefore(retryAt)) {
                return 0;
            }
            batch = new ArrayList<>();
            for (Map.Entry<Integer, Long> e : failedCut.entrySet()) {
                batch.addAll(log.readUpTo(e.getKey(), e.getValue(), Integer.MAX_VALUE));
            }
        } else {
            batch = ready(now);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        Map<Integer, Long> cut = new TreeMap<>();
        for (EventRecord r : batch) {
            cut.merge(r.partition(), r.position(), Math::max);
        }
        try {
            land.land(batch);
        } catch (IOException | RuntimeException e) {
            failedCut = cut;
            retryAt = Instant.now().plus(retryDelay);
            throw e;
        }
        failedCut = null;
        cut.forEach(log::commit);
        return batch.size();
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
