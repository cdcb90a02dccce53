package io.lakehub.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakehub.cluster.ClusterProperties;
import io.lakehub.cluster.HubInstance;
import io.lakehub.events.EventsProperties;
import io.lakehub.config.LakeConfiguration;
import io.lakehub.config.LakehubProperties;
import io.lakehub.delta.LakeStorage;
import io.lakehub.ops.FlowsHealth;
import io.lakehub.run.RunHistory;
import io.lakehub.testsupport.Databases;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * A source database that disappears (dropped on the real PostgreSQL server) while the hub polls it, through the
 * data sources the hub builds ({@link LakeConfiguration#dataSources}, HikariCP pools): each poll fails within
 * about one poll interval, not HikariCP's 30 s, and the error, the failed run and the health name the driver's
 * reason rather than only "Connection is not available, request timed out".
 */
class SqlSourceUnreachableTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aDroppedSourceDatabaseFailsEachPollWithinItsScheduleAndNamesTheCause() throws Exception {
        DataSource admin = Databases.postgres();
        String database = Databases.uniqueName("gone");
        exec(admin, "CREATE DATABASE " + database);
        HikariDataSource pool = null;
        try {
            LakehubProperties props = new LakehubProperties();
            LakehubProperties.Datasource gone = new LakehubProperties.Datasource();
            String adminUrl = System.getenv(Databases.PG_URL_ENV) == null || System.getenv(Databases.PG_URL_ENV).isBlank()
                    ? Databases.DEFAULT_PG_URL : System.getenv(Databases.PG_URL_ENV).trim();
            gone.setUrl(adminUrl.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database));
            props.getDatasources().put("gone", gone);
            SqlSourceTable src = new SqlSourceTable();
            src.setName("gone_items");
            src.setDatasource("gone");
            src.setTable("items");
            src.setKeys(new java.util.ArrayList<>(List.of("id")));
            src.setWatermarkColumn("updated_at");
            src.setSchedule(Duration.ofSeconds(2));
            src.setLag(Duration.ZERO);
            SqlProperties sqlProps = new SqlProperties();
            sqlProps.getTables().add(src);
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:unreachable-" + System.nanoTime());
            LakeConfiguration.DataSources dataSources = new LakeConfiguration().dataSources(h2, props,
                    List.of(new SourceConnectionWait(sqlProps)));
            pool = (HikariDataSource) dataSources.get("gone");
            assertThat(pool.getConnectionTimeout()).as("the pool waits at most the poll schedule").isEqualTo(2_000);
            exec(pool, "CREATE TABLE items (id BIGINT PRIMARY KEY, updated_at TIMESTAMP(6) NOT NULL)",
                    "INSERT INTO items VALUES (1, TIMESTAMP '2024-01-01 00:00:00')");
            SqlSources sources = new SqlSources(sqlProps, dataSources, new LakeStorage(dir.resolve("lake").toString()),
                    new HubInstance(new ClusterProperties()));
            SqlIncrementalLoader loader = sources.loader("gone_items");
            assertThat(loader.loadOnce().rows()).isEqualTo(1);

            exec(admin, "DROP DATABASE " + database + " WITH (FORCE)");
            // the first poll may still get the pooled connection the server just terminated (and say so); the next
            // ones wait for a new connection, which the pool cannot open
            List<Duration> polls = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> last = new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                long start = System.nanoTime();
                Throwable failure = catchThrowable(loader::loadOnce);
                polls.add(Duration.ofNanos(System.nanoTime() - start));
                last.set(failure);
                return failure != null && failure.getMessage().contains("does not exist");
            });
            Throwable failure = last.get();

            assertThat(failure).as("the driver's reason leads the error")
                    .hasMessageContaining("database \"" + database + "\" does not exist")
                    .hasMessageContaining("source gone_items (data source gone): cannot connect");
            assertThat(polls).as("each poll is bounded by the 2 s schedule, not HikariCP's 30 s")
                    .allSatisfy(took -> assertThat(took).isLessThan(Duration.ofSeconds(12)));

            // what an operator sees: the failed run and the source's health
            RunHistory runs = new RunHistory();
            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                Exchange exchange = new DefaultExchange(camel);
                exchange.setVariable("sqlSource", "gone_items");
                exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
                new RecordFailedLoad(runs).process(exchange);
            }
            assertThat(runs.last("gone_items").status()).isEqualTo("FAILED");
            assertThat(runs.last("gone_items").error()).contains("database \"" + database + "\" does not exist");
            EventsProperties noEvents = new EventsProperties();
            noEvents.setEnabled(false);
            Health health = ((HealthIndicator) new FlowsHealth(runs, sources, null, noEvents, 1)
                    .getContributor("sql-incremental-gone_items")).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("lastError")).contains("does not exist");
        } finally {
            if (pool != null) {
                pool.close();
            }
            exec(admin, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void exec(DataSource ds, String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
