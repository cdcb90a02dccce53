package io.lakehub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;

import io.lakehub.events.EventsProperties;
import io.lakehub.run.FailureKind;
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

    /** A failed run as the flows record one: the error text and the failure's kind, classified from the exception. */
    private void failed(Throwable e) {
        Instant now = Instant.now();
        runs.record(new RunHistory.Run(java.util.UUID.randomUUID().toString(), "sql-incremental", "orders", now, now, "FAILED",
                0, 0, 0, 0, null, e.getClass().getSimpleName() + ": " + e.getMessage(),
                java.util.Map.of(FailureKind.DETAIL, FailureKind.of(e).name())));
    }

    /** What the PostgreSQL driver throws for a port nobody listens on (port 1: refused at once on loopback). */
    private static SQLException refusedConnection() {
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/orders?connectTimeout=5", "x", "x")) {
            throw new AssertionError("something listens on 127.0.0.1:1");
        } catch (SQLException e) {
            return e;
        }
    }

    @Test
    void statusFollowsTheRunsAndTheirErrors() {
        assertThat(health.fromRuns("sql-incremental", "orders").getStatus()).isEqualTo(Status.UP);
        run("SUCCEEDED", null);
        failed(new SQLSyntaxErrorException("Table \"ORDERS\" not found", "42S02"));
        assertThat(health.fromRuns("sql-incremental", "orders").getStatus()).as("one failure, degraded-after 2")
                .isEqualTo(Status.UP);
        run("FAILED", "Table \"ORDERS\" not found");
        Health degraded = health.fromRuns("sql-incremental", "orders");
        assertThat(degraded.getStatus()).isEqualTo(FlowsHealth.DEGRADED);
        assertThat(degraded.getDetails()).containsEntry("consecutiveFailures", 2).containsKey("lastError");
        failed(refusedConnection());
        Health down = health.fromRuns("sql-incremental", "orders");
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) down.getDetails().get("lastError")).startsWith("PSQLException: Connection to 127.0.0.1:1 refused");
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
    void unreachableSourcesAreRecognisedByTheirExceptionTypesAndSqlStates() {
        SQLTransientConnectionException poolTimeout = new SQLTransientConnectionException(
                "HikariPool-2 - Connection is not available, request timed out after 30000ms", "08001");
        assertThat(FailureKind.of(poolTimeout)).isEqualTo(FailureKind.SOURCE_UNREACHABLE);
        assertThat(FailureKind.of(new SQLNonTransientConnectionException("Could not connect to address=(host=db)", "08000")))
                .isEqualTo(FailureKind.SOURCE_UNREACHABLE);
        assertThat(FailureKind.of(new SQLException("Communications link failure", "08S01")))
                .isEqualTo(FailureKind.SOURCE_UNREACHABLE);
        assertThat(FailureKind.of(new IllegalStateException("load failed", refusedConnection())))
                .as("a refused connection deep in the cause chain").isEqualTo(FailureKind.SOURCE_UNREACHABLE);
        assertThat(FailureKind.of(new SQLSyntaxErrorException("Table \"LOANS\" not found (this database is empty)", "42S02")))
                .isEqualTo(FailureKind.OTHER);
        assertThat(FailureKind.of(new IllegalStateException("connection refused by the filter"))).as("words in a message")
                .isEqualTo(FailureKind.OTHER);
        assertThat(FailureKind.of((Throwable) null)).isEqualTo(FailureKind.OTHER);
        run("FAILED", "PSQLException: Connection to 127.0.0.1:5433 refused (a run recorded before failure kinds)");
        assertThat(FlowsHealth.sourceDown(runs.last("orders"))).as("no kind recorded: not classified by its text").isFalse();
    }
}
