package io.lakehub.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.ForeignTables;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A replication of a Spark-written table ({@code tests/resources/delta-foreign}) in each replica format
 * copies the latest version's rows (deletion vectors applied, logical column names) and passes the
 * replication's own validation (row count, schema, per-column checksums against the source version).
 * A Delta replica is written at protocol (1,2), so a {@code timestamp_ntz} column is refused with its reason.
 */
class ForeignTablesReplicationTest {

    @TempDir
    Path dir;

    LakeStorage lake;
    ReplicationStore store;
    RunReplication runner;

    @BeforeEach
    void setUp() {
        lake = new LakeStorage(dir.resolve("lake").toString());
        for (String name : ForeignTables.NAMES) {
            ForeignTables.copy(name, dir.resolve("lake/silver/" + name));
        }
        ReplicationProperties props = new ReplicationProperties();
        ReplicationProperties.Target local = new ReplicationProperties.Target();
        local.setRoot(dir.resolve("replicas").toString());
        props.getTargets().put("replicas", local);
        store = new ReplicationStore(lake);
        runner = new RunReplication(lake, store, new ReplicaTargets(props), props);
    }

    static Stream<Arguments> tablesAndFormats() {
        return ForeignTables.NAMES.stream().flatMap(t -> Stream.of("parquet", "csv", "delta").map(f -> Arguments.of(t, f)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("tablesAndFormats")
    void aReplicaOfASparkTableValidates(String table, String format) {
        long latest = new DeltaTable(lake, table).latest().version();
        Replication r = new Replication();
        r.id = "rep-" + table + "-" + format;
        r.requestId = "req-" + r.id;
        r.requestedBy = "test";
        r.status = Replication.QUEUED;
        r.table = table;
        r.sourceVersion = latest;
        r.columns = new DeltaTable(lake, table).latest().schema().names();
        r.format = format;
        r.target = "replicas";
        r.targetType = "local";
        r.destination = table + "/" + format;
        r.createdAt = Instant.now().toString();
        store.create(r);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(r.id);
        runner.process(exchange);

        Replication done = store.get(r.id);
        if (format.equals("delta") && table.equals("timestamp_ntz")) {
            // a protocol (1,2) replica has no timestamp_ntz: refused with the reason, nothing published
            assertThat(done.status).isEqualTo(Replication.FAILED);
            assertThat(done.error).contains("timestamp_ntz").contains("seen").contains("parquet or csv");
            assertThat(dir.resolve("replicas/" + r.destination)).doesNotExist();
            return;
        }
        assertThat(done.status).as(done.error).isEqualTo(Replication.SUCCEEDED);
        assertThat(done.validation).containsEntry("status", "PASSED");
        assertThat(done.rowsWritten).isEqualTo(ForeignTables.versionCounts(table).get(latest));
    }
}
