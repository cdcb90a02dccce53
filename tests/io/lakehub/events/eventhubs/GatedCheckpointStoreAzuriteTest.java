package io.lakehub.events.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import io.lakehub.testsupport.Azurite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GatedCheckpointStore} over the SDK's real {@link BlobCheckpointStore} on Azurite's Blob API
 * (skipped without Azurite, failing with CI=true), with committed positions from a real silver table:
 * ownership split and ETag conflicts, checkpoints held until the lake has committed, the checkpoint a
 * restarted processor reads back.
 */
class GatedCheckpointStoreAzuriteTest {

    static final String FQNS = "lakehub-test.servicebus.windows.net";
    static final String CG = "$Default";

    @TempDir
    Path dir;

    TestLake lake;
    EventHubsProperties props;

    @BeforeEach
    void setUp() {
        lake = new TestLake(dir);
        props = new EventHubsProperties();
        props.setConnectionString("Endpoint=sb://" + FQNS + "/;SharedAccessKeyName=listen;SharedAccessKey=not-a-real-key");
        props.setEventHubName("events");
        props.setBlobConnectionString(Azurite.blobConnectionString());
        props.setBlobContainer("ckpt-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** A gate as one hub instance builds it: its own Blob clients, the container created when missing. */
    GatedCheckpointStore instance() {
        return EventHubsTransport.checkpointStore(props, EventHubsTransport.blobContainer(props),
                GatedCheckpointStore.committedInSilver(lake.lake, TestLake.HUB));
    }

    /** What is really in the container, read by a plain BlobCheckpointStore: partition to sequence number. */
    Map<String, Long> storedCheckpoints() {
        return new BlobCheckpointStore(EventHubsTransport.blobContainer(props)).listCheckpoints(FQNS, "events", CG)
                .collectList().block().stream().collect(Collectors.toMap(Checkpoint::getPartitionId, Checkpoint::getSequenceNumber));
    }

    static PartitionOwnership claim(String partition, String owner, String eTag) {
        return new PartitionOwnership().setFullyQualifiedNamespace(FQNS).setEventHubName("events").setConsumerGroup(CG)
                .setPartitionId(partition).setOwnerId(owner).setETag(eTag);
    }

    static Checkpoint checkpoint(String partition, long sequence, long offset) {
        return new Checkpoint().setFullyQualifiedNamespace(FQNS).setEventHubName("events").setConsumerGroup(CG)
                .setPartitionId(partition).setSequenceNumber(sequence).setOffset(offset);
    }

    @Test
    void twoProcessorsSplitThePartitionsAndAStaleETagClaimIsRefused() {
        GatedCheckpointStore a = instance();
        GatedCheckpointStore b = instance();

        List<PartitionOwnership> byA = a.claimOwnership(List.of(claim("0", "A", null), claim("1", "A", null))).collectList().block();
        List<PartitionOwnership> byB = b.claimOwnership(List.of(claim("2", "B", null), claim("3", "B", null))).collectList().block();
        assertThat(byA).extracting(PartitionOwnership::getPartitionId).containsExactlyInAnyOrder("0", "1");
        assertThat(byB).extracting(PartitionOwnership::getPartitionId).containsExactlyInAnyOrder("2", "3");
        assertThat(byA).allSatisfy(o -> assertThat(o.getETag()).isNotBlank());

        // B may not create an ownership blob that exists, nor update it with an ETag A has since replaced
        assertThat(b.claimOwnership(List.of(claim("0", "B", null))).collectList().block()).isEmpty();
        Map<String, PartitionOwnership> seenByB = b.listOwnership(FQNS, "events", CG).collectList().block().stream()
                .collect(Collectors.toMap(PartitionOwnership::getPartitionId, o -> o));
        assertThat(seenByB).containsOnlyKeys("0", "1", "2", "3");
        assertThat(seenByB.get("0").getOwnerId()).isEqualTo("A");
        String eTagSeenByB = seenByB.get("0").getETag();
        PartitionOwnership renewedByA = a.claimOwnership(List.of(claim("0", "A", byA.stream()
                .filter(o -> o.getPartitionId().equals("0")).findFirst().orElseThrow().getETag()))).blockFirst();
        assertThat(renewedByA).isNotNull();
        assertThat(renewedByA.getETag()).isNotEqualTo(eTagSeenByB);
        assertThat(b.claimOwnership(List.of(claim("0", "B", eTagSeenByB))).collectList().block())
                .as("a claim with a stale ETag is refused").isEmpty();

        // B takes partition 0 with the current ETag (load balancing); A notices on its next listing
        assertThat(b.claimOwnership(List.of(claim("0", "B", renewedByA.getETag()))).collectList().block()).hasSize(1);
        assertThat(a.lost(0)).isFalse();
        a.listOwnership(FQNS, "events", CG).collectList().block();
        assertThat(a.lost(0)).as("A sees partition 0 owned by B").isTrue();
        assertThat(a.lost(1)).isFalse();
        assertThat(b.lost(0)).isFalse();
    }

    @Test
    void checkpointsBeyondTheCommittedPositionAreHeldAndLandedOnesAreWritten() throws Exception {
        GatedCheckpointStore gate = instance();
        gate.claimOwnership(List.of(claim("0", "A", null))).blockLast();
        lake.lander.land(TestLake.records(0, 0, 9));
        assertThat(lake.committed(0)).isEqualTo(9);

        // the component asks to checkpoint events it has only buffered: held, nothing stored
        gate.updateCheckpoint(checkpoint("0", 15, 1500)).block();
        assertThat(storedCheckpoints()).doesNotContainKey("0");
        assertThat(gate.held()).isEqualTo(1);

        // at the committed position it passes through
        gate.updateCheckpoint(checkpoint("0", 9, 900)).block();
        assertThat(storedCheckpoints()).containsEntry("0", 9L);
        // an older request (a late timer task) does not move it back
        gate.updateCheckpoint(checkpoint("0", 5, 500)).block();
        assertThat(storedCheckpoints()).containsEntry("0", 9L);

        // after the next land the processor checkpoints it, never beyond what is committed
        lake.lander.land(TestLake.records(0, 10, 19));
        gate.checkpointLanded(0, 19, "1900");
        assertThat(storedCheckpoints()).containsEntry("0", 19L);
        assertThatThrownBy(() -> gate.checkpointLanded(0, 25, "2500")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("above the committed position 19");
        assertThat(storedCheckpoints()).containsEntry("0", 19L);
        assertThat(gate.listCheckpoints(FQNS, "events", CG).collectList().block())
                .extracting(Checkpoint::getPartitionId, Checkpoint::getSequenceNumber, Checkpoint::getOffsetString)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0", 19L, "1900"));
    }

    @Test
    void aRestartedProcessorResumesFromTheCommittedPosition() throws Exception {
        GatedCheckpointStore first = instance();
        first.claimOwnership(List.of(claim("0", "A", null), claim("1", "A", null), claim("2", "A", null),
                claim("3", "A", null))).blockLast();
        lake.lander.land(TestLake.records(0, 0, 19));
        first.checkpointLanded(0, 19, "1900");
        // partition 1 committed but its checkpoint write never happened (crash right after the commit)
        lake.lander.land(TestLake.records(1, 0, 4));
        // partition 2: a stored checkpoint beyond the lake (written by something else, or the lake was restored)
        lake.lander.land(TestLake.records(2, 0, 2));
        new BlobCheckpointStore(EventHubsTransport.blobContainer(props)).updateCheckpoint(checkpoint("2", 50, 5000)).block();
        // partition 3: a stored checkpoint but nothing committed in this lake
        new BlobCheckpointStore(EventHubsTransport.blobContainer(props)).updateCheckpoint(checkpoint("3", 7, 700)).block();

        // a new process: new Blob clients, claims with the ETags it lists, then reads the checkpoints
        GatedCheckpointStore second = instance();
        List<PartitionOwnership> owned = second.listOwnership(FQNS, "events", CG).collectList().block();
        assertThat(second.claimOwnership(owned.stream().map(o -> claim(o.getPartitionId(), "B", o.getETag())).toList())
                .collectList().block()).hasSize(4);
        Map<String, Checkpoint> start = second.listCheckpoints(FQNS, "events", CG).collectList().block().stream()
                .collect(Collectors.toMap(Checkpoint::getPartitionId, c -> c));

        assertThat(start.get("0").getSequenceNumber()).isEqualTo(19L);
        assertThat(start.get("0").getOffsetString()).as("the stored checkpoint, read back").isEqualTo("1900");
        assertThat(start.get("1").getSequenceNumber()).as("the committed position when the checkpoint is missing").isEqualTo(4L);
        assertThat(start.get("2").getSequenceNumber()).as("never beyond the committed position").isEqualTo(2L);
        assertThat(start).as("nothing committed: the initial position applies").doesNotContainKey("3");
        assertThat(storedCheckpoints()).containsEntry("0", 19L).doesNotContainKey("1");
    }
}
