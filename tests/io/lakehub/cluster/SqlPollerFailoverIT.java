package io.lakehub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.testsupport.Databases;
import io.lakehub.testsupport.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two hub processes ({@code java -jar lakehub.jar}, as two containers would run it) share one lake and
 * one database source of two tables, with a cluster lock ({@code lakehub.cluster.type} file or jdbc,
 * heartbeat 1 s, lease 5 s). The "done when": each table is polled by
 * one instance at a time (the Delta history's lineage names the instance of every load, and the admin API
 * says which instance polls); killing the active instance ({@code destroyForcibly}, no clean shutdown)
 * moves polling to the other within the lease; rows inserted before, during and after the failover are
 * each in silver exactly once. Then a third instance joins, the second stops cleanly ({@code SIGTERM}) and
 * the third takes over before a lease has passed.
 *
 * <p>Each process runs in a working directory of its own ({@code <tmp>/hub-a}, {@code hub-b}, {@code hub-c}: its
 * {@code ./data}, {@code ./landing} and so on), so the processes share only the lake folder and the database, as
 * two machines would. The test runs as three variants, each about 100 s:
 * <ul>
 *   <li>{@code file/postgres}: the file lock ({@code <lake>/_hub/cluster}) on a PostgreSQL source;</li>
 *   <li>{@code jdbc/postgres}: the database lock ({@code lakehub.cluster.type=jdbc}, table {@code INT_LOCK} in the
 *       source database, ttl = lease) instead of the file lock: no lock folder at all;</li>
 *   <li>{@code jdbc/mariadb}: the same with MariaDB as the source and lock database (profile {@code mariadb}).</li>
 * </ul>
 * {@code -Dit.cluster.type=file|jdbc} and {@code -Dit.cluster.db=postgres|mariadb} narrow the run to the matching
 * variants. Each variant skips when its database is unreachable (fails with {@code CI=true}).
 */
class SqlPollerFailoverIT {

    private static final String JAR = System.getProperty("lakehub.jar", "target/lakehub.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final List<String> SOURCES = List.of("ta", "tb");
    /** Narrows the variants to one lock type (file or jdbc); empty: all. */
    private static final String ONLY_TYPE = System.getProperty("it.cluster.type", "");
    /** Narrows the variants to one database (postgres or mariadb); empty: all. */
    private static final String ONLY_DB = System.getProperty("it.cluster.db", "");

    /** The source (and, with type jdbc, lock) database of a variant. */
    enum Db {
        POSTGRES("postgres", Databases.PG_URL_ENV, Databases.DEFAULT_PG_URL, "postgres",
                " (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL,"
                        + " updated_at TIMESTAMP(6) NOT NULL DEFAULT clock_timestamp())",
                "INSERT INTO %s (id, name) VALUES (?, ?)"),
        /** DATETIME(6) holding the UTC wall clock, as the source's default time-zone (UTC) reads it. */
        MARIADB("mariadb", Databases.MARIADB_URL_ENV, Databases.DEFAULT_MARIADB_URL, "root",
                " (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, updated_at DATETIME(6) NOT NULL)"
                        + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                "INSERT INTO %s (id, name, updated_at) VALUES (?, ?, UTC_TIMESTAMP(6))");

        final String profile;
        final String urlEnv;
        final String defaultUrl;
        final String defaultUser;
        final String columns;
        final String insert;

        Db(String profile, String urlEnv, String defaultUrl, String defaultUser, String columns, String insert) {
            this.profile = profile;
            this.urlEnv = urlEnv;
            this.defaultUrl = defaultUrl;
            this.defaultUser = defaultUser;
            this.columns = columns;
            this.insert = insert;
        }

        DataSource dataSource() {
            return this == POSTGRES ? Databases.postgres() : Databases.mariadb();
        }

        String url() {
            String url = System.getenv(urlEnv);
            return url == null || url.isBlank() ? defaultUrl : url.trim();
        }
    }

    static Stream<Arguments> variants() {
        return Stream.of(Arguments.of("file", Db.POSTGRES), Arguments.of("jdbc", Db.POSTGRES),
                        Arguments.of("jdbc", Db.MARIADB))
                .filter(a -> ONLY_TYPE.isBlank() || ONLY_TYPE.equals(a.get()[0]))
                .filter(a -> ONLY_DB.isBlank() || ((Db) a.get()[1]).profile.equals(ONLY_DB));
    }

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> hubs = new ArrayList<>();
    private final Map<String, String> tables = Map.of("ta", Databases.uniqueName("failover_a"),
            "tb", Databases.uniqueName("failover_b"));
    private DataSource ds;
    private String type;
    private Db db;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : hubs) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (ds != null) {
            tables.values().forEach(t -> Databases.dropTable(ds, t));
        }
        if (db == null) {
            return;
        }
        // the hubs' logs outlive the temporary folder, for a failure's diagnosis
        Path keep = Path.of("target", "failover-logs", type + "-" + db.profile);
        Files.createDirectories(keep);
        for (String id : List.of("hub-a", "hub-b", "hub-c")) {
            Path log = work.resolve(id + ".log");
            if (Files.exists(log)) {
                Files.copy(log, keep.resolve(id + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @ParameterizedTest(name = "{0} lock, {1} source")
    @MethodSource("variants")
    void eachTableIsPolledByOneInstanceAndMovesToTheOtherWithinTheLeaseWhenItDies(String type, Db db) throws Exception {
        this.type = type;
        this.db = db;
        ds = db.dataSource();
        for (String t : tables.values()) {
            exec("CREATE TABLE " + t + db.columns);
        }
        AtomicLong nextId = new AtomicLong(1);
        insertRows(nextId, 100);

        int portA = freePort();
        int portB = freePort();
        Process a = start("hub-a", portA);
        awaitPolling(portA, "hub-a", Set.copyOf(SOURCES), Duration.ofSeconds(120));
        Process b = start("hub-b", portB);
        awaitHealthy(portB, Duration.ofSeconds(120));
        awaitSilverRows(portA, 100, Duration.ofSeconds(60));

        // steady state: the first instance polls both tables, the second none; new rows are all loaded by hub-a
        insertRows(nextId, 50);
        awaitSilverRows(portA, 150, Duration.ofSeconds(60));
        assertThat(pollingSources(portA)).containsExactlyInAnyOrderElementsOf(SOURCES);
        assertThat(pollingSources(portB)).isEmpty();
        for (String s : SOURCES) {
            assertThat(loadInstances(portB, s)).as("instances of the loads of %s before the failover", s)
                    .isNotEmpty().containsOnly("hub-a");
        }

        // rows keep arriving while the active instance dies without a clean shutdown
        AtomicBoolean inserting = new AtomicBoolean(true);
        AtomicReference<Exception> inserterFailure = new AtomicReference<>();
        Thread inserter = new Thread(() -> {
            try {
                while (inserting.get()) {
                    insertRows(nextId, 1);
                    Thread.sleep(50); // the insert rate of the source, not a wait on a condition
                }
            } catch (Exception e) {
                inserterFailure.set(e);
            }
        }, "source-inserter");
        inserter.start();
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> nextId.get() > 160);
        long killedAt = System.nanoTime();
        a.destroyForcibly();
        assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
        awaitPolling(portB, "hub-b", Set.copyOf(SOURCES), LEASE.plus(HEARTBEAT).plusSeconds(15));
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("failover [%s/%s]: hub-b polls %s %d ms after hub-a was killed (heartbeat %s, lease %s)%n",
                type, db.profile, SOURCES, failoverMs, HEARTBEAT, LEASE);
        // a follower notices a silent leader after lease, checked every heartbeat, then starts the route
        assertThat(failoverMs).as("failover time in ms").isLessThanOrEqualTo(LEASE.plus(HEARTBEAT.multipliedBy(2))
                .plusSeconds(1).toMillis());

        // about two more seconds of rows, all of them for hub-b to load
        long afterFailover = nextId.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> nextId.get() >= afterFailover + 40 || inserterFailure.get() != null);
        inserting.set(false);
        inserter.join(10_000);
        assertThat(inserterFailure.get()).as("source inserter").isNull();
        long total = nextId.get() - 1;
        awaitSilverRows(portB, total, Duration.ofSeconds(60));

        for (String s : SOURCES) {
            assertThat(silverIds(portB, s)).as("ids in silver/%s", s).hasSize((int) total)
                    .isEqualTo(sourceIds(tables.get(s)));
            List<String> instances = loadInstances(portB, s);
            int firstB = instances.indexOf("hub-b");
            assertThat(firstB).as("hub-b loaded %s after the failover: %s", s, instances).isPositive();
            assertThat(instances.subList(0, firstB)).as("loads of %s before the failover", s).containsOnly("hub-a");
            assertThat(instances.subList(firstB, instances.size())).as("loads of %s after the failover", s)
                    .containsOnly("hub-b");
        }
        assertThat(Files.readString(work.resolve("hub-b.log")))
                .contains("cluster: instance hub-b is now the active poller of sql-incremental ta")
                .contains("cluster: instance hub-b is now the active poller of sql-incremental tb");
        if (type.equals("file")) {
            assertThat(work.resolve("lake/_hub/cluster/sql-incremental-ta")).exists();
        } else {
            assertThat(work.resolve("lake/_hub/cluster")).as("no lock folder with type %s", type).doesNotExist();
        }
        // nothing but the lake folder is shared: each process wrote into its own working directory only
        try (Stream<Path> shared = Files.list(work)) {
            assertThat(shared.map(f -> f.getFileName().toString()))
                    .as("the processes' common folder holds only the lake, their own working directories and logs")
                    .allMatch(n -> n.equals("lake") || n.matches("hub-[abc](\\.log)?"));
        }

        // a clean shutdown (SIGTERM) empties the heartbeat file: a follower takes over at its next check,
        // without waiting for the lease
        int portC = freePort();
        start("hub-c", portC);
        awaitHealthy(portC, Duration.ofSeconds(120));
        assertThat(pollingSources(portC)).isEmpty();
        b.destroy();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).as("hub-b stops on SIGTERM").isTrue();
        long stoppedAt = System.nanoTime();
        awaitPolling(portC, "hub-c", Set.copyOf(SOURCES), LEASE.plusSeconds(15));
        long handoverMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        System.out.printf("handover [%s/%s]: hub-c polls %s %d ms after hub-b stopped cleanly (lease %s)%n", type,
                db.profile, SOURCES, handoverMs, LEASE);
        assertThat(handoverMs).as("handover after a clean stop, in ms").isLessThan(LEASE.toMillis());
        insertRows(nextId, 20);
        long all = nextId.get() - 1;
        awaitSilverRows(portC, all, Duration.ofSeconds(60));
        for (String s : SOURCES) {
            assertThat(silverIds(portC, s)).hasSize((int) all).isEqualTo(sourceIds(tables.get(s)));
            List<String> instances = loadInstances(portC, s);
            assertThat(instances.get(instances.size() - 1)).isEqualTo("hub-c");
        }
    }

    private Process start(String id, int port) throws IOException {
        String url = db.url();
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx384m", "-jar", new File(JAR).getAbsolutePath(),
                "--spring.profiles.active=" + db.profile, "--server.port=" + port,
                "--lakehub.lake.root=" + work.resolve("lake"), "--lakehub.sample.lendingclub.enabled=false",
                "--lakehub.events.enabled=false",
                "--lakehub.security.users." + TestUsers.VIEWER + ".secret=" + TestUsers.VIEWER_SECRET,
                "--lakehub.security.users." + TestUsers.VIEWER + ".role=viewer",
                "--lakehub.sql.initial-delay=0s", "--lakehub.cluster.type=" + type, "--lakehub.cluster.instance-id=" + id,
                "--lakehub.cluster.jdbc.region=" + tables.get("ta"),
                "--lakehub.cluster.heartbeat=" + HEARTBEAT.toSeconds() + "s",
                "--lakehub.cluster.lease=" + LEASE.toSeconds() + "s"));
        int i = 0;
        for (String s : SOURCES) {
            String p = "--lakehub.sql.tables[" + i++ + "].";
            cmd.addAll(List.of(p + "name=" + s, p + "table=" + tables.get(s), p + "keys=id",
                    p + "watermark-column=updated_at", p + "schedule=300ms", p + "lag=1s"));
        }
        // a working directory per process (its ./data, ./landing ...): only the lake folder and the database are shared
        Path dir = Files.createDirectories(work.resolve(id));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(id + ".log").toFile()));
        // the JDBC URL and credentials go through the environment, as the postgres and mariadb profiles read them
        pb.environment().put("LAKEHUB_DB_URL", url);
        pb.environment().put("LAKEHUB_DB_USER", param(url, "user", db.defaultUser));
        pb.environment().put("LAKEHUB_DB_PASSWORD", param(url, "password", ""));
        Process p = pb.start();
        hubs.add(p);
        return p;
    }

    private static String param(String url, String name, String fallback) {
        Matcher m = Pattern.compile("[?&;]" + name + "=([^&;]*)").matcher(url);
        return m.find() ? m.group(1) : fallback;
    }

    private void awaitHealthy(int port, Duration timeout) {
        await().atMost(timeout).ignoreExceptions().until(() -> get(port, "/actuator/health").statusCode() == 200);
    }

    private void awaitPolling(int port, String instance, Set<String> sources, Duration timeout) throws Exception {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Set.copyOf(pollingSources(port)).equals(sources));
        assertThat(flows(port)).allSatisfy(f -> assertThat(f).containsEntry("instance", instance));
    }

    private void awaitSilverRows(int port, long rows, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            for (String s : SOURCES) {
                if (silverIds(port, s).size() < rows) {
                    return false;
                }
            }
            return true;
        });
    }

    private List<Map<String, Object>> flows(int port) throws Exception {
        return JSON.readValue(get(port, "/api/flows/sql-incremental").body(), new TypeReference<>() { });
    }

    private List<String> pollingSources(int port) throws Exception {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> f : flows(port)) {
            if (Boolean.TRUE.equals(f.get("polling"))) {
                out.add((String) f.get("source"));
            }
        }
        return out;
    }

    /** The {@code instance} in the lineage of each load of a source, oldest first. */
    @SuppressWarnings("unchecked")
    private List<String> loadInstances(int port, String source) throws Exception {
        List<Map<String, Object>> history = JSON.readValue(get(port, "/api/tables/" + source + "/history?limit=10000").body(),
                new TypeReference<>() { });
        List<String> out = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            Object meta = history.get(i).get("userMetadata");
            if (meta instanceof Map<?, ?> m && m.get("instance") != null) {
                out.add((String) ((Map<String, Object>) m).get("instance"));
            }
        }
        return out;
    }

    /** The ids in the latest version of {@code silver/<source>}, in file order. */
    @SuppressWarnings("unchecked")
    private List<Long> silverIdList(int port, String source) throws Exception {
        Map<String, Object> body = JSON.readValue(get(port, "/api/tables/" + source + "/rows?limit=10000").body(),
                new TypeReference<>() { });
        List<Long> ids = new ArrayList<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) body.get("rows")) {
            ids.add(((Number) r.get("id")).longValue());
        }
        return ids;
    }

    private Set<Long> silverIds(int port, String source) throws Exception {
        List<Long> ids = silverIdList(port, source);
        Set<Long> set = new HashSet<>(ids);
        assertThat(set).as("silver/%s holds each id once", source).hasSize(ids.size());
        return set;
    }

    private Set<Long> sourceIds(String table) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Inserts the next {@code n} ids into both source tables, each row in its own auto-committed statement. */
    private void insertRows(AtomicLong nextId, int n) throws Exception {
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < n; i++) {
                long id = nextId.get();
                for (String t : tables.values()) {
                    try (PreparedStatement ps = c.prepareStatement(String.format(db.insert, t))) {
                        ps.setLong(1, id);
                        ps.setString(2, "row" + id);
                        ps.executeUpdate();
                    }
                }
                nextId.incrementAndGet();
            }
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (TestUsers.VIEWER + ":" + TestUsers.VIEWER_SECRET).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", basic)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
