package io.lakehub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.lakehub.config.LakeConfiguration.DataSources;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.Databases;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.DefaultApplicationArguments;

/**
 * {@code lakehub.cluster.type: jdbc} against real PostgreSQL and MariaDB servers (and embedded H2): two
 * {@link JdbcClusterService}s in one JVM on one database, each in its own Camel context as two hub instances would
 * be. The lock table is created by the service's schema step; exactly one member leads a namespace; closing the
 * leader hands the namespace to the other within the lease (the lock's time to live) plus a margin.
 */
class ClusterJdbcLockTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** Takeover bound: the lease plus two heartbeats plus scheduling slack on a shared 2-core machine. */
    private static final Duration TAKEOVER = LEASE.plus(HEARTBEAT.multipliedBy(2)).plusSeconds(2);

    @TempDir
    java.nio.file.Path dir;

    @Test
    void postgresqlOneLeaderPerNamespaceAndTheOtherTakesOverWhenItCloses() throws Exception {
        twoMembersOneLeaderThenHandOver(Databases.postgres());
    }

    @Test
    void mariadbOneLeaderPerNamespaceAndTheOtherTakesOverWhenItCloses() throws Exception {
        twoMembersOneLeaderThenHandOver(Databases.mariadb());
    }

    @Test
    void h2OneLeaderPerNamespaceAndTheOtherTakesOverWhenItCloses() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        twoMembersOneLeaderThenHandOver(h2);
    }

    private static JdbcClusterService member(String id, DataSource ds, String prefix) {
        return new JdbcClusterService(id, ds, prefix, "lakehub-test", LEASE, HEARTBEAT, true);
    }

    private void twoMembersOneLeaderThenHandOver(DataSource ds) throws Exception {
        String prefix = Databases.uniqueName("lk") + "_";
        String table = prefix + "LOCK";
        CamelContext a = new DefaultCamelContext();
        CamelContext b = new DefaultCamelContext();
        try {
            a.addService(member("hub-a", ds, prefix), true, true);
            b.addService(member("hub-b", ds, prefix), true, true);
            a.start();
            b.start();
            String ns = SqlPollerCluster.namespace("orders");
            CamelClusterView va = a.hasService(JdbcClusterService.class).getView(ns);
            CamelClusterView vb = b.hasService(JdbcClusterService.class).getView(ns);
            CamelClusterView other = a.hasService(JdbcClusterService.class).getView("tmdb-pull");
            b.hasService(JdbcClusterService.class).getView("tmdb-pull");

            await().atMost(Duration.ofSeconds(20)).until(() -> leaders(va, vb) == 1);
            // and it stays one: the follower keeps failing to take the renewed lock
            await().during(LEASE.plus(HEARTBEAT)).atMost(LEASE.plusSeconds(10)).until(() -> leaders(va, vb) == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> other.getLocalMember().isLeader()
                    || b.hasService(JdbcClusterService.class).getView("tmdb-pull").getLocalMember().isLeader());
            assertThat(lockRows(ds, table)).as("one row per led namespace in region lakehub-test").isEqualTo(2);

            CamelContext leader = va.getLocalMember().isLeader() ? a : b;
            CamelClusterView follower = leader == a ? vb : va;
            assertThat(follower.getLocalMember().isLeader()).isFalse();
            assertThat(follower.getLeader()).as("the follower reads the leader from the lock row")
                    .hasValueSatisfying(m -> {
                        assertThat(m.isLocal()).isFalse();
                        assertThat(m.getId()).isEqualTo(leader == a ? "hub-a" : "hub-b");
                    });
            long closed = System.nanoTime();
            leader.close();
            await().atMost(TAKEOVER).until(() -> follower.getLocalMember().isLeader());
            Duration took = Duration.ofNanos(System.nanoTime() - closed);
            assertThat(took).isLessThanOrEqualTo(TAKEOVER);
            assertThat(follower.getLeader()).hasValueSatisfying(m -> assertThat(m.getId())
                    .isEqualTo(follower == va ? "hub-a" : "hub-b"));
        } finally {
            a.close();
            b.close();
            Databases.dropTable(ds, table);
        }
    }

    @Test
    void postgresqlADeadLeadersLockExpiresAfterTheLease() throws Exception {
        deadLeaderExpires(Databases.postgres());
    }

    @Test
    void mariadbADeadLeadersLockExpiresAfterTheLease() throws Exception {
        deadLeaderExpires(Databases.mariadb());
    }

    /**
     * A leader that dies does not delete its row: here the leader's rows are copied, the leader is closed (which
     * deletes them) and the copies are put back with a fresh renewal time, as if it had died right after renewing.
     * The follower must wait for the ttl, and take over within ttl + margin.
     */
    private void deadLeaderExpires(DataSource ds) throws Exception {
        String prefix = Databases.uniqueName("lk") + "_";
        String table = prefix + "LOCK";
        String ns = SqlPollerCluster.namespace("orders");
        CamelContext a = new DefaultCamelContext();
        CamelContext b = new DefaultCamelContext();
        try {
            a.addService(member("hub-a", ds, prefix), true, true);
            a.start();
            CamelClusterView va = a.hasService(JdbcClusterService.class).getView(ns);
            await().atMost(Duration.ofSeconds(20)).until(() -> va.getLocalMember().isLeader());
            List<String[]> rows = new java.util.ArrayList<>();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT LOCK_KEY, REGION, CLIENT_ID FROM " + table)) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            assertThat(rows).hasSize(1);
            a.close();
            try (Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (LOCK_KEY, REGION, CLIENT_ID, CREATED_DATE) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, rows.get(0)[0]);
                ps.setString(2, rows.get(0)[1]);
                ps.setString(3, rows.get(0)[2]);
                // Spring Integration's DefaultLockRepository stores UTC local times
                ps.setTimestamp(4, java.sql.Timestamp.valueOf(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)));
                ps.executeUpdate();
            }
            long died = System.nanoTime();
            b.addService(member("hub-b", ds, prefix), true, true);
            b.start();
            CamelClusterView vb = b.hasService(JdbcClusterService.class).getView(ns);
            await().atMost(TAKEOVER).until(() -> vb.getLocalMember().isLeader());
            Duration took = Duration.ofNanos(System.nanoTime() - died);
            assertThat(took).as("not before the dead leader's ttl ran out").isGreaterThanOrEqualTo(LEASE.minusMillis(500))
                    .isLessThanOrEqualTo(TAKEOVER);
        } finally {
            a.close();
            b.close();
            Databases.dropTable(ds, table);
        }
    }

    private static int leaders(CamelClusterView... views) {
        int n = 0;
        for (CamelClusterView v : views) {
            n += v.getLocalMember().isLeader() ? 1 : 0;
        }
        return n;
    }

    private static int lockRows(DataSource ds, String table) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE REGION = 'lakehub-test'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void anIdLongerThanTheClientIdColumnIsStoredAsItsUuid() {
        String pod = "lakehub-0123456789abcdef0123456789-7d9f8b6c5-x2x4q";
        assertThat(JdbcClusterService.clientId("hub-a")).isEqualTo("hub-a");
        assertThat(JdbcClusterService.clientId(pod)).hasSize(36).isEqualTo(JdbcClusterService.clientId(pod))
                .isNotEqualTo(JdbcClusterService.clientId(pod + "z"));
    }

    @Test
    void mariadbAMemberWithALongPodNameStillLeads() throws Exception {
        DataSource ds = Databases.mariadb();
        String prefix = Databases.uniqueName("lk") + "_";
        String pod = "lakehub-0123456789abcdef0123456789-7d9f8b6c5-x2x4q";
        try (CamelContext a = new DefaultCamelContext()) {
            a.addService(member(pod, ds, prefix), true, true);
            a.start();
            CamelClusterView va = a.hasService(JdbcClusterService.class).getView(SqlPollerCluster.namespace("orders"));
            await().atMost(Duration.ofSeconds(20)).until(() -> va.getLocalMember().isLeader());
            assertThat(va.getLeader()).hasValueSatisfying(m -> assertThat(m.getId()).isEqualTo(pod));
        } finally {
            Databases.dropTable(ds, prefix + "LOCK");
        }
    }

    @Test
    void theLockTableComesFromSpringIntegrationsScripts() {
        assertThat(JdbcClusterService.lockTableDdl("PostgreSQL", "LH_")).startsWith("CREATE TABLE LH_LOCK")
                .contains("CREATED_DATE TIMESTAMP NOT NULL").contains("primary key (LOCK_KEY, REGION)");
        assertThat(JdbcClusterService.lockTableDdl("MariaDB", "INT_")).contains("DATETIME(6)").contains("ENGINE=InnoDB");
        assertThat(JdbcClusterService.lockTableDdl("Microsoft SQL Server", "INT_")).contains("CREATED_DATE DATETIME NOT NULL");
        assertThat(JdbcClusterService.lockTableDdl("H2", "INT_")).startsWith("CREATE TABLE INT_LOCK");
        assertThatThrownBy(() -> JdbcClusterService.lockTableDdl("Oracle", "INT_"))
                .hasMessageContaining("not Oracle").hasMessageContaining("create INT_LOCK by hand");
    }

    @Test
    void typeJdbcKeepsThePollRouteOnTheLeaderOnlyAndAFollowersRunNowIsAConflict() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        AtomicInteger pollsA = new AtomicInteger();
        AtomicInteger pollsB = new AtomicInteger();
        Hub a = instance("hub-a", h2, pollsA);
        Hub b = instance("hub-b", h2, pollsB);
        try (CamelContext ca = a.camel(); CamelContext cb = b.camel()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> pollsA.get() + pollsB.get() > 0);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> List.of(polling(ca), polling(cb)).stream().filter(p -> p).count() == 1);
            Hub leader = polling(ca) ? a : b;
            Hub follower = leader == a ? b : a;
            leader.cluster().requireLeader("orders");
            assertThat(leader.cluster().leader("orders")).contains(leader == a ? "hub-a" : "hub-b");
            assertThat(follower.cluster().leader("orders")).as("read from the lock row")
                    .contains(leader == a ? "hub-a" : "hub-b");
            leader.cluster().requireLeader("not-clustered");
            assertThatThrownBy(() -> follower.cluster().requireLeader("orders"))
                    .isInstanceOfSatisfying(NotLeaderException.class, e -> {
                        assertThat(e.source()).isEqualTo("orders");
                        assertThat(e.instance()).isEqualTo(follower == a ? "hub-a" : "hub-b");
                        assertThat(e.leader()).isEqualTo(leader == a ? "hub-a" : "hub-b");
                        var answer = new io.lakehub.api.ApiErrors().notLeader(e);
                        assertThat(answer.getStatusCode().value()).isEqualTo(409);
                        assertThat(json(answer.getBody())).containsEntry("source", "orders")
                                .containsEntry("instance", e.instance()).containsKey("leader");
                    });
        }
    }

    @Test
    void aConflictNamesTheLeaderWhenTheLockRecordsIt() {
        var answer = new io.lakehub.api.ApiErrors().notLeader(
                new NotLeaderException("orders", "lakehub-7d9f8-b", java.util.Optional.of("lakehub-7d9f8-a")));
        assertThat(answer.getStatusCode().value()).isEqualTo(409);
        assertThat(json(answer.getBody())).containsEntry("leader", "lakehub-7d9f8-a").containsEntry("instance", "lakehub-7d9f8-b");
        assertThat((String) json(answer.getBody()).get("error")).contains("instance lakehub-7d9f8-a does; send the request there");
    }

    /** The error as its JSON object: the keys a client reads, a null leader included. */
    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> json(io.lakehub.api.NotLeaderError error) {
        return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(error, java.util.Map.class);
    }

    private record Hub(SqlPollerCluster cluster, CamelContext camel) {
    }

    private Hub instance(String id, DataSource ds, AtomicInteger polls) throws Exception {
        ClusterProperties props = new ClusterProperties();
        props.setType(ClusterProperties.Type.JDBC);
        props.setInstanceId(id);
        props.setHeartbeat(HEARTBEAT);
        props.setLease(LEASE);
        SqlPollerCluster cluster = new SqlPollerCluster(props, new HubInstance(props),
                new LakeStorage(dir.resolve("lake").toString()), new DefaultApplicationArguments(),
                new DataSources(java.util.Map.of("default", ds)));
        CamelContext camel = new DefaultCamelContext();
        cluster.beforeApplicationStart(camel);
        // the route exists before the context starts, as the hub's routes do (loaded from routes/ first)
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:poll?period=100").routeId("sql-incremental-poll-orders").process(e -> polls.incrementAndGet());
            }
        });
        camel.start();
        assertThat(cluster.service()).get().isInstanceOf(JdbcClusterService.class);
        return new Hub(cluster, camel);
    }

    private static boolean polling(CamelContext camel) {
        return camel.getRouteController().getRouteStatus("sql-incremental-poll-orders").isStarted();
    }
}
