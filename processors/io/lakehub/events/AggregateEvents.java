package io.lakehub.events;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 6 of the events route ({@code aggregateEvents}): hands the committed batch to the
 * {@link EventCommitListener}s, in order (the windowed aggregates and alerts of {@link EventAggregator}).
 *
 * <p>Reads: an {@link EventBatch} body after {@link AppendSilverEvents}. Gives each listener an
 * {@link EventCommitListener.CommittedBatch}: the silver version, the valid rows, and per partition its
 * silver {@code txn} version before and after the commit. Writes: whatever the listeners write (their own
 * tables, with their own {@code txn}s). A listener's failure is logged at WARN and does not fail the batch:
 * silver holds the events and the listener catches up from silver on a later batch. A batch with no
 * records calls no listener. Thread-safe as its listeners are.
 */
public final class AggregateEvents implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AggregateEvents.class);

    private final List<EventCommitListener> listeners;

    /** @param listeners called in this order */
    public AggregateEvents(List<EventCommitListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void process(Exchange exchange) {
        aggregate(EventBatch.of(exchange));
    }

    /** Calls the listeners with the committed batch. */
    void aggregate(EventBatch batch) {
        batch.require(batch.appended, "aggregateEvents", "appendSilverEvents");
        if (listeners.isEmpty() || batch.records.isEmpty()) {
            return;
        }
        Map<Integer, Long> after = new TreeMap<>(batch.committedOffsets);
        batch.fresh.forEach((p, l) -> after.put(p, l.get(l.size() - 1).position()));
        EventCommitListener.CommittedBatch committed = new EventCommitListener.CommittedBatch(batch.hub, batch.version,
                Collections.unmodifiableList(batch.validRows), Collections.unmodifiableMap(batch.committedOffsets),
                Collections.unmodifiableMap(after));
        for (EventCommitListener l : listeners) {
            try {
                l.committed(committed);
            } catch (Exception e) {
                LOG.warn("events {}: commit listener {} failed after silver version {}, it catches up on a later batch: {}",
                        batch.hub, l.getClass().getSimpleName(), batch.version, e.toString());
            }
        }
    }
}
