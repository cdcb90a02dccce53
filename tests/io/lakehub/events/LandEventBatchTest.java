package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * {@link LandEventBatch} on hand-made camel-kafka batch exchanges, no broker: offsets are acknowledged
 * only after the Delta commit, a failure acknowledges nothing, a redelivery cut into other batches
 * replaces the files of the failed attempt, and records at or below a partition's txn version are skipped.
 */
class LandEventBatchTest {

    @TempDir
    Path dir;

    final CamelContext camel = new DefaultCamelContext();
    final List<String> acks = new ArrayList<>();

    LandEventBatch processor(LakeStorage lake) {
        EventsProperties props = new EventsProperties();
        props.setHub("t");
        props.setTopic("topic");
        props.getRules().put("click", new EventsProperties.TypeRules());
        props.getRules().get("click").setRequired(List.of("page"));
        return new LandEventBatch(lake, props, new EventCounters(new StaticListableBeanFactory().getBeanProvider(
                io.micrometer.core.instrument.MeterRegistry.class)));
    }

    /** A batch exchange as camel-kafka's batching consumer builds it: one exchange per record. */
    Exchange batch(int partition, long from, long to) {
        List<Exchange> records = new ArrayList<>();
        for (long o = from; o <= to; o++) {
            Exchange r = new DefaultExchange(camel);
            r.getMessage().setHeader(KafkaConstants.TOPIC, "topic");
            r.getMessage().setHeader(KafkaConstants.PARTITION, partition);
            r.getMessage().setHeader(KafkaConstants.OFFSET, o);
            r.getMessage().setHeader(KafkaConstants.TIMESTAMP, Instant.parse("2026-11-21T06:30:00Z").toEpochMilli() + o);
            r.getMessage().setHeader(KafkaConstants.KEY, "k" + o);
            long offset = o;
            r.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT,
                    (org.apache.camel.component.kafka.consumer.KafkaManualCommit) () -> acks.add(partition + "@" + offset));
            r.getMessage().setBody(o % 4 == 3 ? "{\"type\":\"click\"}" : "{\"type\":\"click\",\"page\":\"/" + o + "\"}");
            records.add(r);
        }
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setBody(records);
        return e;
    }

    @Test
    void aFailedBatchAcknowledgesNothingAndItsRedeliveryInOtherBatchesLandsEachEventOnce() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        LandEventBatch land = processor(lake);
        Path deltaLog = dir.resolve("lake/silver/events_t/_delta_log");
        Files.createDirectories(deltaLog.getParent());
        Files.writeString(deltaLog, "blocked");

        assertThatThrownBy(() -> land.process(batch(0, 0, 9))).isInstanceOf(Exception.class);
        assertThat(acks).as("no offset acknowledged before the Delta commit").isEmpty();

        Files.delete(deltaLog);
        // redelivered cut differently: 0-5 then 6-9
        land.process(batch(0, 0, 5));
        assertThat(acks).containsExactly("0@5");
        land.process(batch(0, 6, 9));
        assertThat(acks).containsExactly("0@5", "0@9");

        DeltaTable silver = new DeltaTable(lake, "events_t");
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 0))).isEqualTo(9);
        assertThat(silverOffsets(silver)).containsExactlyInAnyOrder(0L, 1L, 2L, 4L, 5L, 6L, 8L, 9L);
        assertThat(bronzeOffsets()).as("the failed attempt's file 0-9 was replaced").containsExactlyInAnyOrder(
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(quarantineLines()).hasSize(2);

        // a replay overlapping committed offsets: only 10-11 are new
        land.process(batch(0, 7, 11));
        assertThat(acks).containsExactly("0@5", "0@9", "0@11");
        assertThat(silverOffsets(silver)).containsExactlyInAnyOrder(0L, 1L, 2L, 4L, 5L, 6L, 8L, 9L, 10L);
        assertThat(bronzeOffsets()).hasSize(12).doesNotHaveDuplicates();
        assertThat(quarantineLines()).hasSize(3);
        assertThat(silver.txnVersion(LandEventBatch.appId("t", 0))).isEqualTo(11);

        // a replay of committed offsets only: acknowledged again, nothing written
        long version = silver.latest().getVersion();
        land.process(batch(0, 0, 11));
        assertThat(silver.latest().getVersion()).isEqualTo(version);
        assertThat(acks).last().isEqualTo("0@11");
    }

    @Test
    void aFaultBeforeTheSilverCommitAcknowledgesNothingAndTheRedeliveryLandsEachEventOnce() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        LandEventBatch land = processor(lake);
        // the crash window between the file steps and appendSilverEvents' commit
        FaultInjection.armOnce(FaultPoint.EVENTS_BEFORE_SILVER_COMMIT, "t", hub -> {
            throw new IllegalStateException("simulated crash before the silver commit of " + hub);
        });
        try {
            assertThatThrownBy(() -> land.process(batch(0, 0, 7))).hasMessageContaining("simulated crash");
        } finally {
            FaultInjection.disarmAll();
        }
        assertThat(acks).as("nothing acknowledged").isEmpty();
        DeltaTable silver = new DeltaTable(lake, "events_t");
        assertThat(silver.exists()).as("nothing committed").isFalse();
        assertThat(bronzeOffsets()).as("the files of the failed attempt are there, uncommitted").hasSize(8);

        land.process(batch(0, 0, 7));
        assertThat(acks).containsExactly("0@7");
        assertThat(silverOffsets(silver)).containsExactlyInAnyOrder(0L, 1L, 2L, 4L, 5L, 6L);
        assertThat(bronzeOffsets()).as("replaced, not doubled").hasSize(8).doesNotHaveDuplicates();
        assertThat(quarantineLines()).as("offsets 3 and 7, once each").hasSize(2);
    }

    @Test
    void theRouteStepsPassOneBatchAlongAndRefuseToRunOutOfOrder() throws Exception {
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        LandEventBatch land = processor(lake);
        EventBatchSteps beans = new EventBatchSteps();
        Exchange exchange = batch(0, 0, 4);
        // the order of routes/events.camel.yaml
        List<org.apache.camel.Processor> steps = List.of(beans.readEventBatch(land), beans.skipCommittedEvents(land),
                beans.landBronzeEvents(land), beans.quarantineInvalidEvents(land), beans.appendSilverEvents(land),
                beans.aggregateEvents(land), beans.acknowledgeEventBatch(land));
        for (org.apache.camel.Processor step : steps) {
            step.process(exchange);
            assertThat(exchange.getMessage().getBody()).as("one EventBatch body, not a list of exchanges")
                    .isInstanceOf(EventBatch.class);
        }
        EventBatch done = exchange.getMessage().getBody(EventBatch.class);
        assertThat(done.version()).isZero();
        assertThat(done.landed().valid()).isEqualTo(4);
        assertThat(done.landed().quarantined()).isEqualTo(1);
        assertThat(acks).containsExactly("0@4");

        Exchange early = batch(0, 5, 6);
        beans.readEventBatch(land).process(early);
        assertThatThrownBy(() -> beans.appendSilverEvents(land).process(early)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("quarantineInvalidEvents");
        assertThatThrownBy(() -> beans.acknowledgeEventBatch(land).process(early)).isInstanceOf(IllegalStateException.class);
        assertThat(acks).as("an out-of-order route acknowledges nothing").containsExactly("0@4");
    }

    private List<Long> silverOffsets(DeltaTable silver) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                out.add((Long) rows.next()[1]);
            }
        }
        return out;
    }

    private List<Long> bronzeOffsets() throws IOException {
        Path bronze = dir.resolve("lake/bronze/events/t");
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(bronze)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet"))
                    .filter(f -> !bronze.relativize(f).toString().startsWith("_")).toList()) {
                try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(f.toUri()),
                        LakeStorage.hadoopConfiguration(), LandEventBatch.BRONZE_SCHEMA)) {
                    Object[] row;
                    while ((row = reader.next()) != null) {
                        out.add((Long) row[1]);
                    }
                }
            }
        }
        return out;
    }

    private List<String> quarantineLines() throws IOException {
        Path q = dir.resolve("lake/quarantine/events/t");
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(q)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl"))
                    .filter(f -> !q.relativize(f).toString().startsWith("_")).toList()) {
                out.addAll(Files.readAllLines(f));
            }
        }
        return out;
    }
}
