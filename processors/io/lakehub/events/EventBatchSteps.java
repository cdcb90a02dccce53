package io.lakehub.events;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans the steps of routes/events.camel.yaml refer to by name, each one step of
 * {@link LandEventBatch} (which builds them around one {@code silver/events_<hub>} table).
 */
@Configuration(proxyBeanMethods = false)
public class EventBatchSteps {

    /** Step 1: a camel-kafka batch to an {@link EventBatch}. */
    @Bean
    public ReadEventBatch readEventBatch(LandEventBatch landEventBatch) {
        return landEventBatch.readStep();
    }

    /** Step 2: drop what silver's {@code txn} versions say is committed. */
    @Bean
    public SkipCommittedEvents skipCommittedEvents(LandEventBatch landEventBatch) {
        return landEventBatch.skipStep();
    }

    /** Step 3: raw records to bronze Parquet by minute. */
    @Bean
    public LandBronzeEvents landBronzeEvents(LandEventBatch landEventBatch) {
        return landEventBatch.bronzeStep();
    }

    /** Step 4: validation; invalid records to quarantine with their failed rules. */
    @Bean
    public QuarantineInvalidEvents quarantineInvalidEvents(LandEventBatch landEventBatch) {
        return landEventBatch.quarantineStep();
    }

    /** Step 5: valid rows to silver in one Delta commit with a {@code txn} per partition. */
    @Bean
    public AppendSilverEvents appendSilverEvents(LandEventBatch landEventBatch) {
        return landEventBatch.appendStep();
    }

    /** Step 6: the commit listeners (windowed aggregates, alerts). */
    @Bean
    public AggregateEvents aggregateEvents(LandEventBatch landEventBatch) {
        return landEventBatch.aggregateStep();
    }

    /** Step 7: the Kafka offsets, after silver. */
    @Bean
    public AcknowledgeEventBatch acknowledgeEventBatch(LandEventBatch landEventBatch) {
        return landEventBatch.acknowledgeStep();
    }

    /** Error step: the failed batch counted. */
    @Bean
    public CountFailedEventBatch countFailedEventBatch(LandEventBatch landEventBatch) {
        return landEventBatch.countFailedStep();
    }
}
