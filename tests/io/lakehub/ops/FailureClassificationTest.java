package io.lakehub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakehub.events.EventsProperties;
import io.lakehub.run.FailureKind;
import io.lakehub.run.RunHistory;
import io.lakehub.sql.RecordFailedLoad;
import io.lakehub.testsupport.Databases;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.health.Status;

/**
 * Failures from real servers and sockets, classified by their exception types and SQLStates ({@link FailureKind}),
 * and the health a failed sql-incremental run then gives its source: a port nobody listens on (PostgreSQL,
 * MariaDB, HTTP) is SOURCE_UNREACHABLE, a login the real PostgreSQL or MariaDB server refuses is ACCESS_DENIED
 * (also behind a HikariCP pool that gave up waiting), a missing table on the real server is OTHER; the first two
 * make the source DOWN, the last DEGRADED.
 */
class FailureClassificationTest {

    private static final String NOBODY = "lakehub_nobody";

    @Test
    @Timeout(60)
    void aClosedPortIsUnreachableWhateverTheClient() throws Exception {
        int port = closedPort();
        Throwable pg = connect("jdbc:postgresql://127.0.0.1:" + port + "/orders?connectTimeout=5", "postgres", "x");
        assertThat(pg).isInstanceOf(SQLException.class);
        assertThat(((SQLException) pg).getSQLState()).as("PostgreSQL's SQLState").startsWith("08");
        assertThat(FailureKind.of(pg)).isEqualTo(FailureKind.SOURCE_UNREACHABLE);
        assertThat(healthAfter(pg)).isEqualTo(Status.DOWN);

        Throwable maria = connect("jdbc:mariadb://127.0.0.1:" + port + "/orders?connectTimeout=5000", "root", "x");
        assertThat(maria).isInstanceOf(SQLException.class);
        assertThat(FailureKind.of(maria)).isEqualTo(FailureKind.SOURCE_UNREACHABLE);

        Throwable http = catchThrowable(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/3/movie/popular")).build(),
                        HttpResponse.BodyHandlers.discarding()));
        assertThat(http).isInstanceOf(java.net.ConnectException.class);
        assertThat(FailureKind.of(new IllegalStateException("tmdb page 1 failed", http))).isEqualTo(FailureKind.SOURCE_UNREACHABLE);
    }

    @Test
    @Timeout(60)
    void aLoginTheRealPostgresqlServerRefusesIsAccessDenied() throws Exception {
        Databases.postgres();
        Throwable refused = connect(withUser(url(Databases.PG_URL_ENV, Databases.DEFAULT_PG_URL)), NOBODY, "wrong");
        assertThat(refused).isInstanceOf(SQLException.class);
        assertThat(((SQLException) refused).getSQLState()).as("class 28: invalid authorization specification").startsWith("28");
        assertThat(FailureKind.of(refused)).isEqualTo(FailureKind.ACCESS_DENIED);
        assertThat(healthAfter(refused)).isEqualTo(Status.DOWN);
    }

    @Test
    @Timeout(60)
    void aLoginTheRealMariadbServerRefusesIsAccessDeniedAlsoBehindAPool() throws Exception {
        Databases.mariadb();
        String url = withUser(url(Databases.MARIADB_URL_ENV, Databases.DEFAULT_MARIADB_URL));
        Throwable refused = connect(url, NOBODY, "wrong");
        assertThat(refused).isInstanceOf(java.sql.SQLInvalidAuthorizationSpecException.class)
                .hasMessageContaining("Access denied");
        assertThat(FailureKind.of(refused)).isEqualTo(FailureKind.ACCESS_DENIED);

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(NOBODY);
        config.setPassword("wrong");
        config.setConnectionTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Throwable gaveUp = catchThrowable(pool::getConnection);
            assertThat(gaveUp).as("the pool's own error, the refusal as its cause")
                    .isInstanceOf(java.sql.SQLTransientConnectionException.class);
            assertThat(FailureKind.of(gaveUp)).isEqualTo(FailureKind.ACCESS_DENIED);
            assertThat(healthAfter(gaveUp)).isEqualTo(Status.DOWN);
        }
    }

    @Test
    @Timeout(60)
    void aMissingTableOnTheRealServerIsAnotherFailureAndOnlyDegrades() throws Exception {
        DataSource pg = Databases.postgres();
        Throwable missing;
        try (Connection c = pg.getConnection(); Statement st = c.createStatement()) {
            missing = catchThrowable(() -> st.executeQuery("SELECT * FROM " + Databases.uniqueName("missing")));
        }
        assertThat(missing).isInstanceOf(SQLException.class);
        assertThat(((SQLException) missing).getSQLState()).isEqualTo("42P01");
        assertThat(FailureKind.of(missing)).isEqualTo(FailureKind.OTHER);
        assertThat(healthAfter(missing)).isEqualTo(FlowsHealth.DEGRADED);
    }

    /** The health of a source after one failed load, recorded by the flow's error policy step. */
    private static Status healthAfter(Throwable failure) throws Exception {
        RunHistory runs = new RunHistory();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setVariable("sqlSource", "orders");
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            new RecordFailedLoad(runs).process(exchange);
        }
        assertThat(runs.last("orders").details()).containsEntry(FailureKind.DETAIL, FailureKind.of(failure).name());
        return new FlowsHealth(runs, null, null, new EventsProperties(), 1).fromRuns("sql-incremental", "orders").getStatus();
    }

    private static Throwable connect(String url, String user, String password) {
        Throwable t = catchThrowable(() -> {
            try (Connection ignored = DriverManager.getConnection(url, user, password)) {
                // connected: the assertion below reports it
            }
        });
        assertThat(t).as("connecting to " + url.replaceAll("password=[^&]*", "password=***") + " fails").isNotNull();
        return t;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String url(String env, String fallback) {
        String v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** The URL without its user and password parameters (they are given to the driver apart). */
    private static String withUser(String url) {
        return url.replaceAll("([?&])(user|password)=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }
}
