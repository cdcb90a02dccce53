package io.lakehub.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * What differs between the source databases when reading time: which columns hold an instant, how to
 * read the database clock as an instant, and how to bind an instant. Chosen by
 * {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
 *
 * <p>Zoned columns (they hold an instant, and become a Delta {@code timestamp}, which is a UTC-adjusted
 * instant, with no shift):
 * <ul>
 *   <li>any driver's {@link Types#TIMESTAMP_WITH_TIMEZONE} (H2 {@code TIMESTAMP WITH TIME ZONE});</li>
 *   <li>PostgreSQL {@code timestamptz}, which pgjdbc reports as {@link Types#TIMESTAMP} (read as
 *   {@link OffsetDateTime}; pgjdbc refuses {@code LocalDateTime} for it);</li>
 *   <li>SQL Server {@code datetimeoffset} (mssql-jdbc reports its own type code -155);</li>
 *   <li>MariaDB/MySQL {@code TIMESTAMP}, reported as {@link Types#TIMESTAMP} like {@code DATETIME}: the server
 *   stores UTC and converts to the session's {@code time_zone} on the wire, while the driver converts with the
 *   JVM zone, so neither alone is exact. The loader sets the session to {@code +00:00} for its reads
 *   ({@link #useUtcSession}) and reads the wall clock as UTC.</li>
 * </ul>
 * A {@code TIMESTAMP} without time zone stays a wall-clock value, stored as that wall clock in UTC
 * ({@link io.lakehub.delta.ColumnTypes#instantOf}).
 */
enum SourceDialect {
    POSTGRESQL, MARIADB, SQLSERVER, H2, OTHER;

    /** mssql-jdbc's {@code microsoft.sql.Types.DATETIMEOFFSET}. */
    static final int SQLSERVER_DATETIMEOFFSET = -155;

    /** The dialect of a connection's database. @throws SQLException if the metadata cannot be read */
    static SourceDialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        } else if (p.contains("mariadb") || p.contains("mysql")) {
            return MARIADB;
        } else if (p.contains("microsoft sql server")) {
            return SQLSERVER;
        } else if (p.equals("h2")) {
            return H2;
        }
        return OTHER;
    }

    /**
     * Whether a result set column holds an instant rather than a wall-clock time.
     *
     * @param jdbcType {@link java.sql.ResultSetMetaData#getColumnType}
     * @param typeName {@link java.sql.ResultSetMetaData#getColumnTypeName}, may be null
     */
    boolean zoned(int jdbcType, String typeName) {
        if (jdbcType == Types.TIMESTAMP_WITH_TIMEZONE || jdbcType == SQLSERVER_DATETIMEOFFSET) {
            return true;
        }
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        return switch (this) {
            case POSTGRESQL -> name.equals("timestamptz") || name.equals("timestamp with time zone");
            case SQLSERVER -> name.equals("datetimeoffset");
            case MARIADB -> jdbcType == Types.TIMESTAMP && name.equals("timestamp");
            default -> name.equals("timestamp with time zone");
        };
    }

    /**
     * Whether a zoned column is read as a UTC wall clock ({@code LocalDateTime}) rather than as an
     * {@link OffsetDateTime}: MariaDB/MySQL {@code TIMESTAMP}, under {@link #useUtcSession}.
     */
    boolean zonedAsUtcWallClock() {
        return this == MARIADB;
    }

    /**
     * The JDBC parameter for comparing a zoned column with {@code instant}: an {@link OffsetDateTime} at UTC, or
     * the UTC wall clock where the session is UTC (MariaDB).
     */
    Object bindInstant(Instant instant) {
        return zonedAsUtcWallClock() ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
                : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * The database clock as an instant, whatever the JVM's and the session's time zones: PostgreSQL and H2
     * {@code CURRENT_TIMESTAMP} (a {@code timestamptz}), MariaDB/MySQL {@code UTC_TIMESTAMP(6)}, SQL Server
     * {@code SYSDATETIMEOFFSET()}; other databases {@code CURRENT_TIMESTAMP} read as {@link OffsetDateTime}, or
     * through {@link java.sql.Timestamp} where the driver cannot (the driver's own, JVM-zone, conversion).
     *
     * @throws SQLException if the query fails
     */
    Instant now(Connection c) throws SQLException {
        String sql = switch (this) {
            case MARIADB -> "SELECT UTC_TIMESTAMP(6)";
            case SQLSERVER -> "SELECT SYSDATETIMEOFFSET()";
            default -> "SELECT CURRENT_TIMESTAMP";
        };
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            if (this == MARIADB) {
                return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
            }
            try {
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            } catch (SQLException | RuntimeException e) {
                if (this != OTHER) {
                    throw e;
                }
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    /**
     * Makes the session's time zone UTC where the server converts zoned values to it (MariaDB/MySQL
     * {@code time_zone}), so that zoned values travel as UTC wall clocks both ways.
     *
     * @return the statement that restores the previous setting, or null when nothing was changed
     * @throws SQLException if the setting cannot be read or changed
     */
    String useUtcSession(Connection c) throws SQLException {
        if (this != MARIADB) {
            return null;
        }
        String previous;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@session.time_zone")) {
            rs.next();
            previous = rs.getString(1);
        }
        if ("+00:00".equals(previous)) {
            return null;
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
        }
        // the value comes from the server itself; quote it for the restoring statement
        return "SET time_zone = '" + previous.replace("'", "''") + "'";
    }

    /** Runs the statement {@link #useUtcSession} returned, if any; a failure leaves the connection to the pool's checks. */
    static void restoreSession(Connection c, String restore) {
        if (restore == null) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute(restore);
        } catch (SQLException ignored) {
            // a broken connection is discarded by the pool; a healthy one accepted the same kind of statement before
        }
    }
}
