package io.lakehub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.lakehub.events.EventsProperties;
import io.lakehub.run.RunHistory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The status rules of a flow's health: UP while runs succeed, DEGRADED after failed runs whose source
 * still answers, DOWN when the last failure says the source cannot be reached, UP again after a success.
 */
class FlowsHealthTest {

    private final RunHistory runs = new RunHistory();
    private final FlowsHealth health = new FlowsHealth(runs, null, null, new EventsProperties(), 2);

    private void run(String status, String error) {
        Instant now = Instant.now();
        runs.record(new RunHistory.Run(java.util.UUID.randomUUID().toString(), "sql-incremental", "orders", now, now, status,
                0, 0, 0, 0, null, error));
    }

    @Test
    void statusFollowsTheRunsAndTheirErrors() {
        assertThat(health.fromRuns("sql-incremental", "orders").getStatus()).isEqualTo(Status.UP);
        run("SUCCEEDED", null);
        run("FAILED", "Table \"ORDERS\" not found");
        assertThat(health.fromRuns("sql-incremental", "orders").getStatus()).as("one failure, degraded-after 2")
                .isEqualTo(Status.UP);
        run("FAILED", "Table \"ORDERS\" not found");
        Health degraded = health.fromRuns("sql-incremental", "orders");
        assertThat(degraded.getStatus()).isEqualTo(FlowsHealth.DEGRADED);
        assertThat(degraded.getDetails()).containsEntry("consecutiveFailures", 2).containsKey("lastError");
        run("FAILED", "PSQLException: Connection to 127.0.0.1:5433 refused. Check that the hostname and port are correct");
        assertThat(health.fromRuns("sql-incremental", "orders").getStatus()).isEqualTo(Status.DOWN);
        run("NOOP", null);
        assertThat(health.fromRuns("sql-incremental", "orders").getStatus()).isEqualTo(Status.UP);
    }

    private void file(String name, String kind, String status) {
        Instant now = Instant.now();
        runs.record(new RunHistory.Run(java.util.UUID.randomUUID().toString(), "files-ingest", name, now, now, status,
                0, 0, 0, 0, null, null, java.util.Map.of(FlowsHealth.COMPONENT_DETAIL, kind)));
    }

    @Test
    void filesAreGroupedByKindAndAQuarantinedFileIsDegraded() {
        file("title.ratings-2025-01-01.tsv.gz", "title.ratings", "SUCCEEDED");
        file("title.ratings-2025-01-02.tsv.gz", "title.ratings", "QUARANTINED");
        assertThat(runs.recent(null, 10)).extracting(FlowsHealth::component).containsOnly("title.ratings");
        Health held = health.fromRuns("files-ingest", "title.ratings");
        assertThat(held.getStatus()).as("quarantined, although degraded-after is 2").isEqualTo(FlowsHealth.DEGRADED);
        assertThat(held.getDetails()).containsEntry("lastQuarantined", "title.ratings-2025-01-02.tsv.gz");
        file("title.ratings-2025-01-03.tsv.gz", "title.ratings", "SUCCEEDED");
        assertThat(health.fromRuns("files-ingest", "title.ratings").getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void unreachableSourcesAreRecognisedByTheirDriverMessages() {
        assertThat(FlowsHealth.unreachable("SQLTransientConnectionException: HikariPool-2 - Connection is not available, "
                + "request timed out after 30000ms")).isTrue();
        assertThat(FlowsHealth.unreachable("SQLNonTransientConnectionException: Could not connect to address=(host=db)"))
                .isTrue();
        assertThat(FlowsHealth.unreachable("Communications link failure")).isTrue();
        assertThat(FlowsHealth.unreachable("Table \"LOANS\" not found (this database is empty)")).isFalse();
        assertThat(FlowsHealth.unreachable(null)).isFalse();
    }
}
