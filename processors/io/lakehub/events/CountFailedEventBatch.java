package io.lakehub.events;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The events route's error step ({@code countFailedEventBatch}, in route configuration {@code events-errors}):
 * counts a batch that failed in one of the steps as failed, with its error and
 * {@link io.lakehub.run.FailureKind}, in {@link EventCounters} ({@code GET /api/flows/events}, health).
 *
 * <p>Reads: the caught exception ({@link Exchange#EXCEPTION_CAUGHT}) and an {@link EventBatch} body.
 * A body that is no {@link EventBatch} (a transport that lands through {@link LandEventBatch#land}, which
 * counts its own failures) is left alone. Writes nothing else; thread-safe.
 */
public final class CountFailedEventBatch implements Processor {

    private final EventCounters counters;

    /** @param counters the flow's counters */
    public CountFailedEventBatch(EventCounters counters) {
        this.counters = counters;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure != null && exchange.getMessage().getBody() instanceof EventBatch batch) {
            counters.failed(batch.hub, failure);
        }
    }
}
