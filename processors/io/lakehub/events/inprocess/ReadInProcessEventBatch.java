package io.lakehub.events.inprocess;

import io.lakehub.events.EventBatch;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step 1 of the in-process events route ({@code readInProcessEventBatch}): the next ready batch of the
 * {@link InProcessEventLog}, cut by {@link ConsumeInProcessEvents#next()}.
 *
 * <p>Reads no exchange content. Writes: the body, an {@link EventBatch} whose acknowledgement commits each
 * partition's last position in the log, or null when no batch is ready (or a failed one waits for
 * {@code retry-delay}); variable {@code eventsMoreReady}, true when the batch was full ({@code batch-size}
 * events), so more may be waiting and the route's loop reads again in the same tick. Thread-safe as
 * {@link ConsumeInProcessEvents} is (one route, one timer thread).
 */
@Component("readInProcessEventBatch")
public class ReadInProcessEventBatch implements Processor {

    private final ConsumeInProcessEvents consumer;

    public ReadInProcessEventBatch(ConsumeInProcessEvents consumer) {
        this.consumer = consumer;
    }

    @Override
    public void process(Exchange exchange) {
        EventBatch batch = consumer.next();
        exchange.getMessage().setBody(batch);
        exchange.setVariable("eventsMoreReady", batch != null && batch.records().size() >= consumer.batchSize());
    }
}
