package io.lakehub.events.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.azure.eventhubs.EventHubsConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link BatchEventHubsEvents} and {@link GatedCheckpointStore} driven in-process with exchanges shaped
 * like camel-azure-eventhubs 4.17's ({@code EventHubsConsumer.createAzureEventHubExchange}: byte[] body,
 * partition id, sequence number, offset, enqueued time, partition key), landing in a real temporary lake.
 * The checkpoint store under the gate records every write and the committed position at that moment.
 */
class BatchEventHubsEventsTest {

    @TempDir
    Path dir;

    final CamelContext camel = new DefaultCamelContext();
    TestLake lake;
    RecordingStore store;
    GatedCheckpointStore gate;
    final List<BatchEventHubsEvents> processors = new ArrayList<>();

    /** A checkpoint store in memory that records each checkpoint write with the lake's committed position then. */
    final class RecordingStore implements CheckpointStore {
        final Map<String, PartitionOwnership> owners = new ConcurrentHashMap<>();
        final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
        final List<String> writes = Collections.synchronizedList(new ArrayList<>());
        final List<String> aheadOfLake = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Flux<PartitionOwnership> listOwnership(String fqns, String hub, String cg) {
            return Flux.fromIterable(new ArrayList<>(owners.values()));
        }

        @Override
        public Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
            requested.forEach(o -> owners.put(o.getPartitionId(), o));
            return Flux.fromIterable(requested);
        }

        @Override
        public Flux<Checkpoint> listCheckpoints(String fqns, String hub, String cg) {
            return Flux.fromIterable(new ArrayList<>(checkpoints.values()));
        }

        @Override
        public Mono<Void> updateCheckpoint(Checkpoint c) {
            return Mono.fromRunnable(() -> {
                int p = Integer.parseInt(c.getPartitionId());
                long committed = lake.committed(p);
                if (c.getSequenceNumber() > committed) {
                    aheadOfLake.add(p + "@" + c.getSequenceNumber() + " > " + committed);
                }
                writes.add(p + "@" + c.getSequenceNumber());
                checkpoints.put(c.getPartitionId(), c);
            });
        }

        Long checkpoint(int partition) {
            Checkpoint c = checkpoints.get(Integer.toString(partition));
            return c == null ? null : c.getSequenceNumber();
        }
    }

    @BeforeEach
    void setUp() {
        lake = new TestLake(dir);
        store = new RecordingStore();
        gate = new GatedCheckpointStore(store, GatedCheckpointStore.committedInSilver(lake.lake, TestLake.HUB),
                "ns.servicebus.windows.net", "events", "$Default", Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        processors.forEach(BatchEventHubsEvents::close);
        assertThat(store.aheadOfLake).as("checkpoints written beyond the committed position").isEmpty();
    }

    BatchEventHubsEvents processor(int batchSize, Duration latency, Duration retryBackoff) {
        BatchEventHubsEvents p = new BatchEventHubsEvents(lake.lander, gate, batchSize, latency, retryBackoff);
        processors.add(p);
        return p;
    }

    /** An exchange as EventHubsConsumer builds it for one event. */
    Exchange event(int partition, long sequence) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setBody(TestLake.body(sequence).getBytes(StandardCharsets.UTF_8));
        e.getMessage().setHeader(EventHubsConstants.PARTITION_ID, Integer.toString(partition));
        e.getMessage().setHeader(EventHubsConstants.PARTITION_KEY, "user-" + sequence);
        e.getMessage().setHeader(EventHubsConstants.OFFSET, 1000 * sequence);
        e.getMessage().setHeader(EventHubsConstants.ENQUEUED_TIME, TestLake.ENQUEUED.plusSeconds(sequence * 20));
        e.getMessage().setHeader(EventHubsConstants.SEQUENCE_NUMBER, sequence);
        return e;
    }

    void deliver(BatchEventHubsEvents p, int partition, long from, long to) throws Exception {
        for (long s = from; s <= to; s++) {
            p.process(event(partition, s));
        }
    }

    static List<String> rows(int partition, long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(s -> partition + "@" + s).toList();
    }

    static List<String> valid(int partition, long from, long to) {
        return LongStream.rangeClosed(from, to).filter(s -> s % 4 != 3).mapToObj(s -> partition + "@" + s).toList();
    }

    @Test
    void fullBatchesLandOnTheDeliveringThreadAndAreCheckpointedAfterTheCommit() throws Exception {
        BatchEventHubsEvents p = processor(5, Duration.ofMinutes(10), Duration.ofMillis(100));

        deliver(p, 0, 0, 11);
        deliver(p, 1, 0, 2);

        assertThat(lake.committed(0)).isEqualTo(9);
        assertThat(lake.committed(1)).as("partition 1 has no full batch yet").isEqualTo(-1);
        assertThat(p.buffered()).isEqualTo(5);
        assertThat(lake.silverRows()).containsExactlyInAnyOrderElementsOf(valid(0, 0, 9));
        assertThat(lake.bronzeRows()).containsExactlyInAnyOrderElementsOf(rows(0, 0, 9));
        assertThat(lake.quarantineLines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"rule\":\"required\"")
                .contains("\"field\":\"page\""));
        // one bronze file per enqueued minute and partition (events are 20 s apart)
        assertThat(lake.bronzeFiles()).contains("yyyy=2026/MM=11/dd=21/HH=06/mm=30/part-p0-o0-2.parquet",
                "yyyy=2026/MM=11/dd=21/HH=06/mm=31/part-p0-o3-4.parquet", "yyyy=2026/MM=11/dd=21/HH=06/mm=31/part-p0-o5-5.parquet");
        assertThat(store.writes).containsExactly("0@4", "0@9");
        assertThat(store.checkpoints.get("0").getOffsetString()).isEqualTo("9000");
    }

    @Test
    void aPartialBatchLandsAfterTheBatchLatency() throws Exception {
        BatchEventHubsEvents p = processor(100, Duration.ofMillis(300), Duration.ofMillis(100));

        deliver(p, 2, 0, 6);
        assertThat(lake.committed(2)).isEqualTo(-1);

        await().atMost(10, TimeUnit.SECONDS).until(() -> store.checkpoint(2) != null);
        assertThat(lake.committed(2)).isEqualTo(6);
        assertThat(store.checkpoint(2)).isEqualTo(6L);
        assertThat(lake.silverRows()).containsExactlyInAnyOrderElementsOf(valid(2, 0, 6));
        assertThat(p.buffered()).isZero();
    }

    @Test
    void theComponentsOwnCheckpointRequestsAreHeldUntilTheLakeHasCommitted() throws Exception {
        BatchEventHubsEvents p = processor(10, Duration.ofMinutes(10), Duration.ofMillis(100));
        deliver(p, 0, 0, 6);
        // what EventHubsConsumer.processCommit does for the exchange of sequence number 6 (completed once buffered)
        gate.updateCheckpoint(new Checkpoint().setFullyQualifiedNamespace("ns.servicebus.windows.net").setEventHubName("events")
                .setConsumerGroup("$Default").setPartitionId("0").setSequenceNumber(6L).setOffset(6000L)).block();
        assertThat(store.writes).isEmpty();
        assertThat(gate.held()).isEqualTo(1);

        deliver(p, 0, 7, 9);
        assertThat(store.writes).containsExactly("0@9");
    }

    @Test
    void aFailedLandCheckpointsNothingHoldsThePartitionAndLandsItsBatchOnceWhenTheLakeRecovers() throws Exception {
        BatchEventHubsEvents p = processor(4, Duration.ofMinutes(10), Duration.ofMillis(200));
        deliver(p, 0, 0, 3);
        assertThat(lake.committed(0)).isEqualTo(3);

        lake.block();
        // the full batch 4..7 fails; the delivering thread (the SDK's partition thread) is held
        CompletableFuture<Void> delivering = CompletableFuture.runAsync(() -> {
            try {
                deliver(p, 0, 4, 7);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(20, TimeUnit.SECONDS).until(() -> lake.counters.hub(TestLake.HUB).snapshot().get("failedBatches")
                .equals(2L));
        assertThat(delivering).as("the partition is held while its batch cannot land").isNotDone();
        assertThat(store.writes).containsExactly("0@3");

        lake.unblock();
        delivering.get(20, TimeUnit.SECONDS);
        assertThat(lake.committed(0)).isEqualTo(7);
        assertThat(store.writes).containsExactly("0@3", "0@7");
        assertThat(lake.silverRows()).containsExactlyInAnyOrderElementsOf(valid(0, 0, 7)).doesNotHaveDuplicates();
        assertThat(lake.bronzeRows()).containsExactlyInAnyOrderElementsOf(rows(0, 0, 7));
    }

    @Test
    void aFailedLatencyFlushIsRetriedAndNothingIsCheckpointedMeanwhile() throws Exception {
        BatchEventHubsEvents p = processor(100, Duration.ofMillis(100), Duration.ofMillis(200));
        lake.block();
        deliver(p, 1, 0, 4);
        await().atMost(20, TimeUnit.SECONDS).until(() -> (Long) lake.counters.hub(TestLake.HUB).snapshot().get("failedBatches") >= 2);
        assertThat(store.writes).isEmpty();
        assertThat(p.buffered()).isEqualTo(5);

        lake.unblock();
        await().atMost(20, TimeUnit.SECONDS).until(() -> store.checkpoint(1) != null);
        assertThat(store.writes).containsExactly("1@4");
        assertThat(lake.silverRows()).containsExactlyInAnyOrderElementsOf(valid(1, 0, 4));
    }

    @Test
    void aRestartFromTheCheckpointReplaysWithoutDuplicates() throws Exception {
        BatchEventHubsEvents first = processor(5, Duration.ofMinutes(10), Duration.ofMillis(100));
        deliver(first, 0, 0, 12);
        assertThat(store.checkpoint(0)).isEqualTo(9L);
        first.close();
        // 10..12 were buffered only: dropped by the stop, not checkpointed

        // the new owner starts after the stored checkpoint (or, if that write was lost, an older one)
        BatchEventHubsEvents second = processor(5, Duration.ofMinutes(10), Duration.ofMillis(100));
        deliver(second, 0, 5, 14);
        assertThat(lake.committed(0)).isEqualTo(14);
        assertThat(lake.silverRows()).containsExactlyInAnyOrderElementsOf(valid(0, 0, 14)).doesNotHaveDuplicates();
        assertThat(lake.bronzeRows()).containsExactlyInAnyOrderElementsOf(rows(0, 0, 14));
        assertThat(lake.counters.hub(TestLake.HUB).snapshot().get("replayedSkipped")).isEqualTo(5L);
        assertThat(store.writes).containsExactly("0@4", "0@9", "0@14");
    }

    @Test
    void aPartitionRestartedFromItsCheckpointDropsWhatWasBufferedBeyondIt() throws Exception {
        BatchEventHubsEvents p = processor(6, Duration.ofMinutes(10), Duration.ofMillis(100));
        deliver(p, 0, 0, 3);
        // the SDK re-opened the partition from its (absent) checkpoint: 0.. again
        deliver(p, 0, 0, 5);
        assertThat(lake.committed(0)).isEqualTo(5);
        assertThat(lake.silverRows()).containsExactlyInAnyOrderElementsOf(valid(0, 0, 5)).doesNotHaveDuplicates();
        assertThat(p.buffered()).isZero();
    }

    @Test
    void bufferedEventsOfAPartitionTakenByAnotherProcessorAreDroppedNotLanded() throws Exception {
        BatchEventHubsEvents p = processor(100, Duration.ofMillis(200), Duration.ofMillis(100));
        gate.claimOwnership(List.of(new PartitionOwnership().setFullyQualifiedNamespace("ns.servicebus.windows.net")
                .setEventHubName("events").setConsumerGroup("$Default").setPartitionId("3").setOwnerId("me"))).blockLast();
        deliver(p, 3, 0, 4);
        // another hub instance of the group takes partition 3; this one sees it on its next listing
        store.owners.put("3", new PartitionOwnership().setPartitionId("3").setOwnerId("other"));
        gate.listOwnership("ns.servicebus.windows.net", "events", "$Default").blockLast();

        await().atMost(10, TimeUnit.SECONDS).until(() -> p.buffered() == 0);
        assertThat(lake.committed(3)).isEqualTo(-1);
        assertThat(lake.silverRows()).isEmpty();
        assertThat(store.writes).isEmpty();
    }

    @Test
    void checkpointsAreWrittenUnderTheNamesTheProcessorClaimsWith() throws Exception {
        // the SDK names blobs by the namespace and consumer group it was built with, which may be spelt
        // otherwise than the configuration
        gate.claimOwnership(List.of(new PartitionOwnership().setFullyQualifiedNamespace("NS.servicebus.windows.net")
                .setEventHubName("events").setConsumerGroup("$default").setPartitionId("0").setOwnerId("me"))).blockLast();
        BatchEventHubsEvents p = processor(2, Duration.ofMinutes(10), Duration.ofMillis(100));
        deliver(p, 0, 0, 1);
        Checkpoint written = store.checkpoints.get("0");
        assertThat(written.getSequenceNumber()).isEqualTo(1L);
        assertThat(written.getFullyQualifiedNamespace()).isEqualTo("NS.servicebus.windows.net");
        assertThat(written.getConsumerGroup()).isEqualTo("$default");
    }
}
