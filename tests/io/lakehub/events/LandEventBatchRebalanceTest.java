package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * A camel-kafka batch that spans a consumer group rebalance: camel-kafka fills a batch over several
 * polls, so it can hold records of a partition the consumer has since lost, and records of a partition
 * that was revoked and given back (Kafka then fetches again from the committed offset, so the same
 * records come twice). The consumer's own partitions land once each; the lost partition's records are
 * neither landed nor acknowledged (its new owner reads them from the committed offset). An offset
 * commit the broker rejects after a rebalance ({@code CommitFailedException}) fails the batch after its
 * Delta commit: nothing is lost, and the redelivered batch is skipped by its txn version.
 */
class LandEventBatchRebalanceTest {

    @TempDir
    Path dir;

    final CamelContext camel = new DefaultCamelContext();
    final List<String> commits = new ArrayList<>();
    final MockConsumer<Object, Object> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);

    /** Records what camel-kafka's synchronous manual commit would send to the broker. */
    final CommitManager commitManager = new CommitManager() {
        @Override
        public KafkaManualCommit getManualCommit(Exchange exchange, TopicPartition partition, ConsumerRecord<Object, Object> r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void commit() {
        }

        @Override
        public void commit(TopicPartition partition) {
        }

        @Override
        public void forceCommit(TopicPartition partition, long offset) {
            commits.add(partition.partition() + "@" + offset);
        }

        @Override
        public void recordOffset(TopicPartition partition, long offset) {
        }
    };

    private void add(List<Exchange> records, int partition, long from, long to) {
        for (long o = from; o <= to; o++) {
            Exchange r = new DefaultExchange(camel);
            TopicPartition tp = new TopicPartition("topic", partition);
            r.getMessage().setHeader(KafkaConstants.TOPIC, "topic");
            r.getMessage().setHeader(KafkaConstants.PARTITION, partition);
            r.getMessage().setHeader(KafkaConstants.OFFSET, o);
            r.getMessage().setHeader(KafkaConstants.TIMESTAMP, Instant.parse("2026-11-21T06:30:00Z").toEpochMilli() + o);
            r.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualSyncCommit(
                    new KafkaManualCommitFactory.CamelExchangePayload(r, consumer, "test", null),
                    new KafkaManualCommitFactory.KafkaRecordPayload(tp, o, 1000), commitManager));
            r.getMessage().setBody(o == 3 ? "{\"type\":\"click\"}" : "{\"type\":\"click\",\"page\":\"/" + partition + "/" + o + "\"}");
            records.add(r);
        }
    }

    private static LandEventBatch processor(LakeStorage lake) {
        EventsProperties props = new EventsProperties();
        props.setHub("t");
        props.setTopic("topic");
        props.getRules().put("click", new EventsProperties.TypeRules());
        props.getRules().get("click").setRequired(List.of("page"));
        return new LandEventBatch(lake, props, new EventCounters(new StaticListableBeanFactory()
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
    }

    @Test
    void recordsOfALostPartitionAreLeftToItsNewOwnerAndRefetchedOnesLandOnce() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        LandEventBatch land = processor(lake);
        // first polls: partitions 0 and 1; then a rebalance leaves this consumer partition 0 only, fetched again from 2
        consumer.assign(List.of(new TopicPartition("topic", 0)));
        List<Exchange> records = new ArrayList<>();
        add(records, 0, 0, 4);
        add(records, 1, 0, 4);
        add(records, 0, 2, 6);
        Exchange batch = new DefaultExchange(camel);
        batch.getMessage().setBody(records);

        land.process(batch);

        DeltaTable silver = new DeltaTable(lake, "events_t");
        List<String> rows = new ArrayList<>();
        try (DeltaTable.RowIterator it = silver.rows(silver.latest())) {
            it.forEachRemaining(r -> rows.add(r[0] + "/" + r[1]));
        }
        assertThat(rows).as("partition 0 once, offset 3 quarantined; partition 1 not landed")
                .containsExactlyInAnyOrder("0/0", "0/1", "0/2", "0/4", "0/5", "0/6");
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 0))).isEqualTo(6);
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 1))).isEqualTo(-1);
        assertThat(commits).as("only the owned partition's offset is committed").containsExactly("0@6");
    }

    @Test
    void anOffsetCommitRejectedAfterARebalanceLosesNothingAndTheRedeliveryIsSkipped() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        LandEventBatch land = processor(lake);
        consumer.assign(List.of(new TopicPartition("topic", 0)));
        List<Exchange> records = new ArrayList<>();
        add(records, 0, 0, 5);
        // the group rebalanced while the batch was landing: the broker rejects this member's commit
        records.get(records.size() - 1).getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) () -> {
            throw new org.apache.kafka.clients.consumer.CommitFailedException();
        });
        Exchange batch = new DefaultExchange(camel);
        batch.getMessage().setBody(records);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> land.process(batch))
                .isInstanceOf(org.apache.kafka.clients.consumer.CommitFailedException.class);
        DeltaTable silver = new DeltaTable(lake, "events_t");
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 0))).as("landed before the commit failed").isEqualTo(5);

        // camel-kafka (breakOnFirstError) reconnects and the batch comes again from the committed offset
        List<Exchange> again = new ArrayList<>();
        add(again, 0, 0, 5);
        Exchange redelivered = new DefaultExchange(camel);
        redelivered.getMessage().setBody(again);
        land.process(redelivered);

        List<String> rows = new ArrayList<>();
        try (DeltaTable.RowIterator it = silver.rows(silver.latest())) {
            it.forEachRemaining(r -> rows.add(r[0] + "/" + r[1]));
        }
        assertThat(rows).containsExactlyInAnyOrder("0/0", "0/1", "0/2", "0/4", "0/5");
        assertThat(silver.latest().getVersion()).as("the redelivery commits nothing to silver").isZero();
        assertThat(commits).as("its offset is committed this time").containsExactly("0@5");
    }
}
