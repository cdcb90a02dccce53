package io.lakehub.events;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step 7, the last, of the Kafka events route ({@code acknowledgeEventBatch}): commits each partition's
 * offset, now that silver holds the batch (DESIGN.md invariant 1: durable first, then acknowledge).
 *
 * <p>Reads: an {@link EventBatch} body after {@link AppendSilverEvents}. Runs the batch's acknowledgement
 * of each partition in partition order: for Kafka the {@code CamelKafkaManualCommit} of the partition's
 * last record, a synchronous offset commit. A batch whose records were all skipped as committed is
 * acknowledged too (its records are durable).
 *
 * <p>Failure: the transport's exception (e.g. {@code CommitFailedException} when a rebalance took the
 * partition; {@link IllegalStateException} when the route lacks {@code allowManualCommit=true}). Silver
 * is committed then, so the redelivery that follows is skipped by {@link SkipCommittedEvents} and only
 * acknowledged. Thread-safe.
 */
public final class AcknowledgeEventBatch implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        acknowledge(EventBatch.of(exchange));
    }

    /** Runs the batch's acknowledgements. */
    void acknowledge(EventBatch batch) throws Exception {
        batch.require(batch.appended, "acknowledgeEventBatch", "appendSilverEvents");
        for (EventBatch.Acknowledgement a : batch.acknowledgements.values()) {
            a.acknowledge();
        }
    }
}
