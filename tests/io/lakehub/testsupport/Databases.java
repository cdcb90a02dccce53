package io.lakehub.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Real database servers for integration tests, with a "reachable or skip" policy.
 *
 * <p>{@link #postgres()} and {@link #mariadb()} return a plain, unpooled {@link DataSource} that has already proven it
 * can connect. When the server cannot be reached:
 * <ul>
 *   <li>locally, the calling test is <em>skipped</em> with {@code Assumptions.abort("PostgreSQL not reachable at <url>: <error>")};</li>
 *   <li>when the environment variable {@code CI} equals {@code true}, the calling test <em>fails</em>, so a broken CI
 *       service container cannot turn into a silently green build.</li>
 * </ul>
 * Call these methods from inside a test or from a {@code @BeforeEach}/{@code @BeforeAll} method, so the abort or failure
 * is reported against that test. The reachability result is cached per URL for the life of the JVM. An unreachable
 * server therefore costs one connect timeout ({@value #LOGIN_TIMEOUT_SECONDS} s), not one per test.
 *
 * <p>Defaults match the local development servers. An environment variable overrides each one, and the override may
 * carry {@code user}/{@code password} URL parameters:
 * <table>
 *   <caption>servers</caption>
 *   <tr><th>server</th><th>env var</th><th>default URL</th></tr>
 *   <tr><td>PostgreSQL</td><td>{@value #PG_URL_ENV}</td><td>{@value #DEFAULT_PG_URL}</td></tr>
 *   <tr><td>MariaDB</td><td>{@value #MARIADB_URL_ENV}</td><td>{@value #DEFAULT_MARIADB_URL}</td></tr>
 * </table>
 * The default databases use trust auth / an empty root password, so no secret is involved.
 *
 * <p>These servers are shared. Tests should create objects under names from {@link #uniqueName(String)} and remove
 * them in a {@code finally} block or an {@code @AfterEach} method, for example with {@link #dropTable(DataSource, String)}.
 *
 * <pre>{@code
 * DataSource pg = Databases.postgres();             // skips (or fails on CI) if the server is down
 * String table = Databases.uniqueName("loans");     // e.g. lh_loans_3f9a1c2b7d4e
 * try {
 *     ... use pg / table ...
 * } finally {
 *     Databases.dropTable(pg, table);
 * }
 * }</pre>
 */
public final class Databases {

    /** Environment variable that overrides the PostgreSQL JDBC URL. */
    public static final String PG_URL_ENV = "LAKEHUB_TEST_PG_URL";
    /** Environment variable that overrides the MariaDB JDBC URL. */
    public static final String MARIADB_URL_ENV = "LAKEHUB_TEST_MARIADB_URL";
    /** Local PostgreSQL: database {@code test}, user {@code postgres}, trust auth. */
    public static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    /** Local MariaDB: database {@code test}, user {@code root}, empty password. */
    public static final String DEFAULT_MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test?user=root";
    /** Connect/login timeout, in seconds, used for the reachability probe and for later connections. */
    public static final int LOGIN_TIMEOUT_SECONDS = 5;

    private static final Pattern SAFE_NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");

    /** Per URL: {@link #REACHABLE}, or the failure seen on the first attempt. */
    private static final Map<String, Throwable> PROBES = new ConcurrentHashMap<>();
    private static final Throwable REACHABLE = new Throwable("reachable");

    private Databases() {
    }

    /**
     * A PostgreSQL DataSource ({@link PGSimpleDataSource}) for {@value #PG_URL_ENV} or {@link #DEFAULT_PG_URL}.
     *
     * @return a DataSource that has connected successfully at least once in this JVM
     * @throws org.opentest4j.TestAbortedException if unreachable and {@code CI} is not {@code true} (the test is skipped)
     * @throws org.opentest4j.AssertionFailedError if unreachable and {@code CI=true} (the test fails)
     */
    public static DataSource postgres() {
        String url = urlFromEnv(PG_URL_ENV, DEFAULT_PG_URL);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);                           // also applies user/password/... URL parameters
        ds.setConnectTimeout(LOGIN_TIMEOUT_SECONDS);
        ds.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        return requireReachable("PostgreSQL", url, ds);
    }

    /**
     * A MariaDB DataSource ({@link MariaDbDataSource}) for {@value #MARIADB_URL_ENV} or {@link #DEFAULT_MARIADB_URL}.
     *
     * @return a DataSource that has connected successfully at least once in this JVM
     * @throws org.opentest4j.TestAbortedException if unreachable and {@code CI} is not {@code true} (the test is skipped)
     * @throws org.opentest4j.AssertionFailedError if unreachable and {@code CI=true}, or if the URL is malformed
     */
    public static DataSource mariadb() {
        String url = urlFromEnv(MARIADB_URL_ENV, DEFAULT_MARIADB_URL);
        MariaDbDataSource ds;
        try {
            ds = new MariaDbDataSource(url);
            ds.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return Assertions.fail("invalid MariaDB URL " + redact(url) + ": " + e, e);
        }
        return requireReachable("MariaDB", url, ds);
    }

    /** @return true when the environment variable {@code CI} equals {@code true}, which makes unreachable servers fail tests */
    public static boolean isCi() {
        return "true".equals(System.getenv("CI"));
    }

    /**
     * A fresh, lower-case SQL identifier for objects on the shared servers: {@code lh_<prefix>_<12 hex digits>}.
     *
     * @param prefix letters, digits and underscores, e.g. {@code loans}
     * @return a name that is unique per call and at most 48 characters long when {@code prefix} has at most 32 characters
     * @throws IllegalArgumentException if {@code prefix} is not made of letters, digits and underscores
     */
    public static String uniqueName(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("prefix must be letters, digits, underscores: " + prefix);
        }
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return ("lh_" + prefix + "_" + suffix).toLowerCase(Locale.ROOT);
    }

    /**
     * Runs {@code DROP TABLE IF EXISTS <table>}. This works on H2, PostgreSQL, MariaDB/MySQL and SQL Server 2016+.
     * Meant for cleanup, so it never throws: a failure is printed to stderr, because it must not hide the test's own
     * outcome.
     *
     * @param ds    where the table lives
     * @param table {@code name} or {@code schema.name}; anything else is refused (printed, not executed)
     */
    public static void dropTable(DataSource ds, String table) {
        if (table == null || !SAFE_NAME.matcher(table).matches()) {
            System.err.println("Databases.dropTable: refusing unsafe table name '" + table + "'");
            return;
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            System.err.println("Databases.dropTable: could not drop " + table + ": " + e);
        }
    }

    private static String urlFromEnv(String env, String fallback) {
        String v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static <T extends DataSource> T requireReachable(String product, String url, T ds) {
        Throwable failure = PROBES.computeIfAbsent(url, u -> probe(ds));
        if (failure == REACHABLE) {
            return ds;
        }
        String message = product + " not reachable at " + redact(url) + ": " + failure;
        if (isCi()) {
            return Assertions.fail(message + " (CI=true, so this is a failure, not a skip)", failure);
        }
        return Assumptions.abort(message);
    }

    private static Throwable probe(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            if (!c.isValid(LOGIN_TIMEOUT_SECONDS)) {
                return new SQLException("connection opened but isValid() returned false");
            }
            return REACHABLE;
        } catch (SQLException | RuntimeException e) {
            return e;
        }
    }

    private static String redact(String url) {
        return PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    }
}
