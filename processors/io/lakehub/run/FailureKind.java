package io.lakehub.run;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What a failure says about the system a flow talks to, classified from the exception's type and
 * SQLState, never from its message text. The health of a flow ({@code io.lakehub.ops.FlowsHealth}) is
 * DOWN for {@link #SOURCE_UNREACHABLE} and {@link #ACCESS_DENIED}, DEGRADED for {@link #OTHER}; the admin API
 * answers 503 for the first two ({@code io.lakehub.api.ApiErrors}).
 *
 * <p>The rules, applied to the exception and every cause in its chain:
 * <ul>
 *   <li>{@link #ACCESS_DENIED}: an {@link SQLInvalidAuthorizationSpecException}, or an {@link SQLException}
 *       whose SQLState is of class {@code 28} "invalid authorization specification" (ISO/IEC 9075-2, subclause
 *       24.1 "SQLSTATE"; PostgreSQL answers 28P01 to a wrong password, MariaDB 28000). Checked first: a pool
 *       that gave up waiting (HikariCP's {@link SQLTransientConnectionException}) keeps the driver's refusal as
 *       its cause, and the refusal is what the operator must fix.</li>
 *   <li>{@link #SOURCE_UNREACHABLE}: an {@link SQLException} whose SQLState is of class {@code 08} "connection
 *       exception" (same table; PostgreSQL 08001 for a refused connection, MySQL/MariaDB 08S01 "communications
 *       link failure"), an {@link SQLTransientConnectionException} or {@link SQLNonTransientConnectionException}
 *       (JDBC 4.3 section 8.5.1: the connection failed), or a {@link ConnectException},
 *       {@link NoRouteToHostException}, {@link UnknownHostException}, {@link SocketTimeoutException} or
 *       {@link HttpConnectTimeoutException} (the network did not reach the host).</li>
 *   <li>{@link #OTHER}: anything else (a missing table, a bad value, a schema mismatch...): the source answers.</li>
 * </ul>
 */
public enum FailureKind {

    /** The source (or the lake) cannot be reached: refused, unknown host, no route, connect timeout, SQLState 08. */
    SOURCE_UNREACHABLE,

    /** The source answers but refuses the hub's credentials (SQLState class 28). */
    ACCESS_DENIED,

    /** Any other failure: the source answers. */
    OTHER;

    /** The {@link RunHistory.Run#details()} key under which a failed run records its kind (the constant's name). */
    public static final String DETAIL = "failure";

    /** Most causes followed down a chain. */
    private static final int MAX_DEPTH = 32;

    /**
     * The kind of a failure.
     *
     * @param failure the exception, or null
     * @return the kind; {@link #OTHER} for null
     */
    public static FailureKind of(Throwable failure) {
        boolean unreachable = false;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH && seen.add(t); t = t.getCause(), depth++) {
            String state = t instanceof SQLException s ? s.getSQLState() : null;
            if (t instanceof SQLInvalidAuthorizationSpecException || sqlStateClass(state, "28")) {
                return ACCESS_DENIED;
            }
            unreachable |= sqlStateClass(state, "08")
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof SocketTimeoutException
                    || t instanceof HttpConnectTimeoutException;
        }
        return unreachable ? SOURCE_UNREACHABLE : OTHER;
    }

    /**
     * The kind a run recorded under {@link #DETAIL}.
     *
     * @param run a run, or null
     * @return the kind, or null when the run recorded none (a run that did not fail, or one recorded before kinds were)
     */
    public static FailureKind of(RunHistory.Run run) {
        Object v = run == null || run.details() == null ? null : run.details().get(DETAIL);
        if (v == null) {
            return null;
        }
        try {
            return valueOf(v.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether the failure means the source cannot be used until it (or its credentials) is fixed: health DOWN. */
    public boolean sourceDown() {
        return this != OTHER;
    }

    private static boolean sqlStateClass(String state, String sqlClass) {
        return state != null && state.length() == 5 && state.startsWith(sqlClass);
    }
}
