package io.lakehub.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A Camel {@link org.apache.camel.cluster.CamelClusterService} over a database lock: Spring Integration's
 * {@link JdbcLockRegistry} (table {@code <prefix>LOCK}, rows keyed by lock key and region) with one
 * {@link LockRegistryLeaderInitiator} per cluster namespace (Spring Integration reference, "JDBC Lock Registry" and
 * "Leadership Event Handling"; Camel SPI: https://camel.apache.org/manual/clustering.html).
 *
 * <p>Timing: the lock row's time to live is {@code ttl}; the leader renews it every {@code heartbeat}, followers
 * try to take it every {@code heartbeat}. A leader that dies keeps its namespaces until its row is older than the
 * ttl, so they move within ttl + one heartbeat; a leader that stops cleanly deletes its rows and the next
 * follower's attempt wins. The member id is this instance's id, stored as {@code CLIENT_ID} (CHAR(36)), so a
 * follower's view names the leader; an id longer than 36 characters is stored as a UUID of it, and then the
 * leader is known to lead but not by name.
 *
 * <p>Schema step: with {@code initializeSchema} the service creates the lock table at start when it is missing,
 * from the {@code CREATE TABLE INT_LOCK} statement of the {@code schema-<database>.sql} Spring Integration ships
 * ({@code org/springframework/integration/jdbc/}) for PostgreSQL, MariaDB/MySQL, SQL Server/Azure SQL and H2.
 *
 * <p>Failure outcome: an unknown database, or a table that cannot be created, fails the start with the reason; a
 * database that becomes unreachable makes the leader give its namespaces up (Spring Integration's initiator
 * treats a failed renewal as a lost lock) and every member retries every heartbeat until it is back.
 */
public class JdbcClusterService extends AbstractCamelClusterService<JdbcClusterService.JdbcClusterView> {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcClusterService.class);

    private final DataSource dataSource;
    private final String tablePrefix;
    private final String region;
    private final Duration ttl;
    private final Duration heartbeat;
    private final boolean initializeSchema;
    private volatile JdbcLockRegistry registry;
    private volatile DefaultLockRepository repository;

    /**
     * @param id               this member's id (the hub instance id)
     * @param dataSource       the lock database
     * @param tablePrefix      table prefix, the table is {@code <prefix>LOCK}; letters, digits and {@code _}
     * @param region           the region column: members of one region compete
     * @param ttl              a lock row's time to live, at least 2 heartbeats
     * @param heartbeat        renewal and retry period, positive
     * @param initializeSchema create the lock table at start when missing
     * @throws IllegalArgumentException on a bad prefix, or a ttl shorter than two heartbeats
     */
    public JdbcClusterService(String id, DataSource dataSource, String tablePrefix, String region, Duration ttl,
            Duration heartbeat, boolean initializeSchema) {
        super(id);
        if (!tablePrefix.matches("[A-Za-z_][A-Za-z0-9_]{0,30}")) {
            throw new IllegalArgumentException("lakehub.cluster.jdbc.table-prefix must be letters, digits or '_', got '"
                    + tablePrefix + "'");
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("lakehub.cluster.lease (" + ttl + ") must be at least twice"
                    + " lakehub.cluster.heartbeat (" + heartbeat + "), which must be positive");
        }
        this.dataSource = dataSource;
        this.tablePrefix = tablePrefix;
        this.region = region;
        this.ttl = ttl;
        this.heartbeat = heartbeat;
        this.initializeSchema = initializeSchema;
    }

    /**
     * The {@code CLIENT_ID} (CHAR(36)) this member writes: its id when it fits, else a name-based UUID of it
     * (followers then cannot name this leader).
     */
    static String clientId(String id) {
        return id.length() <= 36 ? id : UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The member whose unexpired row holds a namespace's lock ({@code CLIENT_ID} of lock key
     * {@code UUIDConverter.getUUID(namespace)} in this region, renewed within the ttl), trimmed; empty when none
     * does, or when the database cannot be asked.
     */
    Optional<String> holder(String namespace) {
        String sql = "SELECT CLIENT_ID, CREATED_DATE FROM " + table() + " WHERE REGION = ? AND LOCK_KEY = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, region);
            ps.setString(2, UUIDConverter.getUUID(namespace).toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String client = rs.getString(1);
                Timestamp renewed = rs.getTimestamp(2);
                // Spring Integration's DefaultLockRepository writes UTC local times
                boolean live = renewed != null && renewed.toLocalDateTime().plus(ttl)
                        .isAfter(LocalDateTime.now(ZoneOffset.UTC));
                return live && client != null ? Optional.of(client.trim()) : Optional.empty();
            }
        } catch (SQLException e) {
            LOG.debug("cluster: cannot read the holder of {}: {}", namespace, e.getMessage());
            return Optional.empty();
        }
    }

    /** The lock table's name, {@code <prefix>LOCK}. */
    public String table() {
        return tablePrefix + "LOCK";
    }

    /** The lock rows' time to live. */
    public Duration ttl() {
        return ttl;
    }

    /** Renewal and retry period. */
    public Duration heartbeat() {
        return heartbeat;
    }

    @Override
    protected void doStart() throws Exception {
        if (initializeSchema) {
            createLockTable(dataSource, tablePrefix);
        }
        DefaultLockRepository repo = new DefaultLockRepository(dataSource, clientId(getId()));
        repo.setPrefix(tablePrefix);
        repo.setRegion(region);
        repo.setTimeToLive((int) ttl.toMillis());
        repo.setTransactionManager(new DataSourceTransactionManager(dataSource));
        repo.afterPropertiesSet();
        repo.afterSingletonsInstantiated();
        repo.start();
        JdbcLockRegistry reg = new JdbcLockRegistry(repo);
        reg.setIdleBetweenTries(Duration.ofMillis(Math.min(100, heartbeat.toMillis())));
        this.repository = repo;
        this.registry = reg;
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        DefaultLockRepository repo = repository;
        if (repo != null) {
            repo.stop();
            repo.close();
        }
    }

    @Override
    protected JdbcClusterView createView(String namespace) {
        return new JdbcClusterView(this, namespace);
    }

    /**
     * Creates {@code <prefix>LOCK} unless it exists, with the statement Spring Integration ships for the database
     * ({@code schema-postgresql.sql}, {@code schema-mysql.sql} for MariaDB and MySQL, {@code schema-sqlserver.sql},
     * {@code schema-h2.sql}). Safe to call from several instances at once: a concurrent creation is tolerated.
     *
     * @throws IllegalStateException for another database, or when the table can be neither created nor found
     */
    public static void createLockTable(DataSource dataSource, String tablePrefix) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            DatabaseMetaData md = c.getMetaData();
            String table = tablePrefix + "LOCK";
            if (tableExists(c, table)) {
                return;
            }
            String ddl = lockTableDdl(md.getDatabaseProductName(), tablePrefix);
            try (Statement st = c.createStatement()) {
                st.execute(ddl);
                LOG.info("cluster: created the lock table {} ({})", table, md.getDatabaseProductName());
            } catch (SQLException e) {
                if (!tableExists(c, table)) {
                    throw new IllegalStateException("cannot create the cluster lock table " + table + ": "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Whether the connection sees the table (in its own schema / database, as the lock queries will). */
    private static boolean tableExists(Connection c, String table) {
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * The {@code CREATE TABLE INT_LOCK} statement of Spring Integration's {@code schema-<platform>.sql} for a JDBC
     * {@code DatabaseMetaData.getDatabaseProductName()}, with {@code INT_} replaced by the prefix.
     *
     * @throws IllegalStateException for a database other than PostgreSQL, MariaDB/MySQL, SQL Server or H2
     */
    public static String lockTableDdl(String databaseProductName, String tablePrefix) {
        String product = databaseProductName.toLowerCase(Locale.ROOT);
        String platform;
        if (product.contains("postgres")) {
            platform = "postgresql";
        } else if (product.contains("mariadb") || product.contains("mysql")) {
            platform = "mysql";
        } else if (product.contains("sql server")) {
            platform = "sqlserver";
        } else if (product.equals("h2")) {
            platform = "h2";
        } else {
            throw new IllegalStateException("lakehub.cluster.type=jdbc supports PostgreSQL, MariaDB/MySQL, SQL Server and"
                    + " H2, not " + databaseProductName + ": create " + tablePrefix + "LOCK by hand");
        }
        String resource = "/org/springframework/integration/jdbc/schema-" + platform + ".sql";
        String script;
        try (InputStream in = DefaultLockRepository.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("spring-integration-jdbc has no " + resource);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
        Matcher m = Pattern.compile("CREATE TABLE INT_LOCK\\s*\\(.*?\\)[^;]*;", Pattern.DOTALL).matcher(script);
        if (!m.find()) {
            throw new IllegalStateException(resource + " has no CREATE TABLE INT_LOCK");
        }
        String ddl = m.group();
        return ddl.substring(0, ddl.length() - 1).replace("INT_", tablePrefix);
    }

    /**
     * One namespace: a {@link LockRegistryLeaderInitiator} on lock key {@code <namespace>} whose grant and revoke
     * become Camel leadership events. Members are this one and, while another leads, that one as read from the
     * lock table.
     */
    public static final class JdbcClusterView extends AbstractCamelClusterView {

        private final JdbcClusterService service;
        private final AtomicBoolean leader = new AtomicBoolean();
        private final Member local = new Member(null);
        private volatile LockRegistryLeaderInitiator initiator;

        JdbcClusterView(JdbcClusterService service, String namespace) {
            super(service, namespace);
            this.service = service;
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        /** This member while it leads; else the holder recorded in the lock table (one query), if any. */
        @Override
        public Optional<CamelClusterMember> getLeader() {
            if (leader.get()) {
                return Optional.of(local);
            }
            return service.holder(getNamespace()).filter(h -> !h.equals(clientId(service.getId())))
                    .map(Remote::new);
        }

        /** Another member that holds the namespace's lock. */
        private record Remote(String getId) implements CamelClusterMember {
            @Override
            public boolean isLeader() {
                return true;
            }

            @Override
            public boolean isLocal() {
                return false;
            }
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        @Override
        protected void doStart() {
            DefaultCandidate candidate = new DefaultCandidate(service.getId(), getNamespace()) {
                @Override
                public void onGranted(Context ctx) {
                    leader.set(true);
                    fireLeadershipChangedEvent(local);
                }

                @Override
                public void onRevoked(Context ctx) {
                    leader.set(false);
                    fireLeadershipChangedEvent((CamelClusterMember) null);
                }
            };
            LockRegistryLeaderInitiator init = new LockRegistryLeaderInitiator(service.registry, candidate);
            init.setHeartBeatMillis(service.heartbeat.toMillis());
            init.setBusyWaitMillis(service.heartbeat.toMillis());
            init.setPublishFailedEvents(false);
            init.start();
            this.initiator = init;
        }

        @Override
        protected void doStop() {
            LockRegistryLeaderInitiator init = initiator;
            if (init != null) {
                init.stop();
                init.destroy();
            }
            if (leader.getAndSet(false)) {
                fireLeadershipChangedEvent((CamelClusterMember) null);
            }
        }

        /** The local member: leader while the initiator holds the namespace's lock. */
        private final class Member implements CamelClusterMember {
            private final String id;

            Member(String id) {
                this.id = id;
            }

            @Override
            public boolean isLeader() {
                return leader.get();
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return id == null ? service.getId() : id;
            }
        }
    }
}
