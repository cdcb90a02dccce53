package io.lakehub.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.lakehub.delta.LakeStorage;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.sample.InsuranceComplaintsSample;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunReplication} as a processor (no Spring): a replication a stop interrupted runs again from
 * its record, and one already published before the stop is validated where it is, not copied twice.
 */
class RunReplicationTest {

    @TempDir
    Path dir;

    LakeStorage lake;
    ReplicationStore store;
    RunReplication runner;

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    @BeforeEach
    void setUp() throws Exception {
        lake = new LakeStorage(dir.resolve("lake").toString());
        assertThat(InsuranceComplaintsSample.seed(lake)).isEqualTo(1902);
        assertThat(InsuranceComplaintsSample.seed(lake)).as("a second start lands nothing").isZero();
        ReplicationProperties props = new ReplicationProperties();
        ReplicationProperties.Target local = new ReplicationProperties.Target();
        local.setRoot(dir.resolve("replicas").toString());
        props.getTargets().put("replicas", local);
        store = new ReplicationStore(lake);
        runner = new RunReplication(lake, store, new ReplicaTargets(props), props);
    }

    private Replication record(String id, String status) {
        Replication r = new Replication();
        r.id = id;
        r.requestId = "req-" + id;
        r.requestedBy = "test";
        r.status = status;
        r.table = InsuranceComplaintsSample.TABLE;
        r.sourceVersion = 0L;
        r.columns = List.of("company", "closed", "recovery");
        r.filter = "closed >= '2025-12-01' AND recovery > 0";
        r.format = "parquet";
        r.target = "replicas";
        r.targetType = "local";
        r.destination = "december/" + id;
        r.createdAt = Instant.now().toString();
        store.create(r);
        return r;
    }

    private void run(String id) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(id);
        runner.process(exchange);
    }

    @Test
    void anInterruptedReplicationRunsAgainFromItsRecord() throws Exception {
        record("rep-interrupted", Replication.RUNNING);
        // a stale staging folder of the interrupted attempt
        Files.createDirectories(dir.resolve("replicas/.staging/rep-interrupted"));
        Files.writeString(dir.resolve("replicas/.staging/rep-interrupted/part-stale.parquet"), "half");

        ReplicationStore afterRestart = new ReplicationStore(lake);
        assertThat(afterRestart.unfinished()).extracting(r -> r.id).containsExactly("rep-interrupted");
        run("rep-interrupted");

        Replication r = store.get("rep-interrupted");
        assertThat(r.status).isEqualTo(Replication.SUCCEEDED);
        assertThat(r.validation).containsEntry("status", "PASSED");
        assertThat(r.rowsWritten).isPositive().isLessThan(1902L);
        assertThat(dir.resolve("replicas/december/rep-interrupted/_lineage.json")).exists();
        assertThat(dir.resolve("replicas/.staging/rep-interrupted")).doesNotExist();
        assertThat(new ReplicationStore(lake).unfinished()).isEmpty();
    }

    @Test
    void aReplicaPublishedBeforeTheStopIsValidatedNotCopiedAgain() throws Exception {
        Replication r = record("rep-published", Replication.QUEUED);
        run("rep-published");
        assertThat(store.get("rep-published").status).isEqualTo(Replication.SUCCEEDED);
        Path replica = dir.resolve("replicas/december/rep-published");
        long modified = Files.getLastModifiedTime(replica.resolve(r.files.get(0).get("name").toString())).toMillis();

        // the stop came after the publish but before the record said so
        r.status = Replication.RUNNING;
        r.validation = null;
        store.save(r);
        FaultInjection.arm(FaultPoint.REPLICATION_ROW_WRITTEN, replication -> {
            throw new AssertionError("the replica must not be copied again");
        });
        run("rep-published");
        assertThat(store.get("rep-published").status).isEqualTo(Replication.SUCCEEDED);
        assertThat(store.get("rep-published").validation).containsEntry("status", "PASSED");
        assertThat(Files.getLastModifiedTime(replica.resolve(r.files.get(0).get("name").toString())).toMillis())
                .isEqualTo(modified);
    }

    @Test
    void aDestinationHoldingAnotherReplicationFailsWithoutWriting() throws Exception {
        Files.createDirectories(dir.resolve("replicas/december/rep-taken"));
        Files.writeString(dir.resolve("replicas/december/rep-taken/foreign.txt"), "someone else's");
        record("rep-taken", Replication.QUEUED);
        run("rep-taken");
        Replication r = store.get("rep-taken");
        assertThat(r.status).isEqualTo(Replication.FAILED);
        assertThat(r.error).contains("already holds files of another replication");
        try (var files = Files.list(dir.resolve("replicas/december/rep-taken"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("foreign.txt");
        }
    }
}
