package io.lakehub.sample;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

/**
 * A relational "source system" table filled with the LendingClub sample, so incremental (watermark) extraction can be
 * exercised against a real database. Plain JDBC with no Spring. Each call borrows one connection from the
 * {@link DataSource} and returns it.
 *
 * <p>Table shape. Columns are {@link Loan#COLUMNS} plus {@code updated_at}:
 * <pre>
 *   id BIGINT PRIMARY KEY, member_id BIGINT,
 *   loan_amnt, funded_amnt, funded_amnt_inv, installment, annual_inc, revol_bal  DECIMAL(15,2)   -- USD
 *   int_rate DECIMAL(6,2), revol_util DECIMAL(6,2), dti DECIMAL(8,2)                  -- percent points
 *   term_months, delinq_2yrs, total_acc, pub_rec  INTEGER
 *   grade VARCHAR(2), sub_grade VARCHAR(4), emp_title VARCHAR(255), emp_length VARCHAR(16),
 *   home_ownership VARCHAR(16), verification_status VARCHAR(32), loan_status VARCHAR(64), purpose VARCHAR(32),
 *   title VARCHAR(255), zip_code VARCHAR(8), addr_state VARCHAR(2)
 *   issue_d DATE, earliest_cr_line DATE          -- first day of the month
 *   updated_at TIMESTAMP(6) NOT NULL             -- watermark, set by the database clock
 *   index (updated_at, id)
 * </pre>
 * The {@code updated_at} type depends on the database: {@code TIMESTAMP(6)} on H2 and PostgreSQL, {@code DATETIME(6)} on
 * MariaDB/MySQL and {@code DATETIME2(6)} on SQL Server. SQL Server stores strings as {@code NVARCHAR}. The VARCHAR
 * lengths leave headroom over the longest values in the sample: loan_status has 18 characters here and up to 50 in the
 * full LendingClub data ("Does not meet the credit policy. Status:Fully Paid"), and emp_title has up to 49 here.
 *
 * <p>Identifiers. {@code table} must be {@code name} or {@code schema.name}, where each part is a letter or underscore
 * followed by letters, digits or underscores, at most {@value #MAX_IDENTIFIER_PART} characters. Anything else throws
 * {@link IllegalArgumentException} before any SQL is sent. Names are used unquoted, so each database applies its own
 * case folding (H2 upper case, PostgreSQL lower case). The index is named {@code <name>_upd_idx}.
 *
 * <p>Supported databases are chosen by {@link DatabaseMetaData#getDatabaseProductName()}: H2, PostgreSQL,
 * MariaDB, MySQL and Microsoft SQL Server. Any other product throws {@link SQLException}.
 *
 * <p>Watermark note. {@code updated_at} comes from the database clock expression in the INSERT, never from the JVM,
 * as a UTC wall clock whatever the session's or the JVM's time zone: {@code CURRENT_TIMESTAMP AT TIME ZONE 'UTC'}
 * (PostgreSQL), {@code LOCALTIMESTAMP} shifted by {@code CURRENT_TIMESTAMP}'s offset (H2), {@code UTC_TIMESTAMP(6)} (MariaDB/MySQL, microseconds) or {@code SYSUTCDATETIME()} (SQL Server).
 * On PostgreSQL and H2 it is the transaction start time, so all rows of one {@link #inject} call share the same
 * {@code updated_at}. Readers should therefore page by {@code (updated_at, id)}, which is the order the index supports.
 */
public final class LoanSourceTable {

    /** Longest accepted length of one identifier part (schema or table). It keeps {@code <name>_upd_idx} within 63. */
    public static final int MAX_IDENTIFIER_PART = 48;

    private static final Pattern IDENTIFIER = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_]{0," + (MAX_IDENTIFIER_PART - 1) + "}\\.)?[A-Za-z_][A-Za-z0-9_]{0,"
                    + (MAX_IDENTIFIER_PART - 1) + "}");

    /** Rows per JDBC batch, and ids per {@code IN (...)} lookup (SQL Server allows at most 2100 parameters). */
    private static final int CHUNK = 500;

    private LoanSourceTable() {
    }

    /** The dialects this class can write DDL for. */
    enum Dialect {
        H2, POSTGRESQL, MARIADB, SQLSERVER;

        static Dialect of(Connection c) throws SQLException {
            String product = c.getMetaData().getDatabaseProductName();
            String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
            if (p.equals("h2")) {
                return H2;
            } else if (p.contains("postgresql")) {
                return POSTGRESQL;
            } else if (p.contains("mariadb") || p.contains("mysql")) {
                return MARIADB;
            } else if (p.contains("microsoft sql server")) {
                return SQLSERVER;
            }
            throw new SQLException("unsupported database product '" + product
                    + "' (supported: H2, PostgreSQL, MariaDB/MySQL, Microsoft SQL Server)");
        }

        String timestampType() {
            return switch (this) {
                case MARIADB -> "DATETIME(6)";
                case SQLSERVER -> "DATETIME2(6)";
                default -> "TIMESTAMP(6)";
            };
        }

        /** The database clock as a UTC wall clock, the zone a sql-incremental source assumes by default ({@code time-zone: UTC}). */
        String now() {
            return switch (this) {
                case MARIADB -> "UTC_TIMESTAMP(6)";
                case SQLSERVER -> "SYSUTCDATETIME()";
                case POSTGRESQL -> "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
                // H2 casts a zoned value to TIMESTAMP in the session's (the JVM's) zone: shift the local clock instead
                case H2 -> "DATEADD(SECOND, -EXTRACT(TIMEZONE_HOUR FROM CURRENT_TIMESTAMP) * 3600"
                        + " - EXTRACT(TIMEZONE_MINUTE FROM CURRENT_TIMESTAMP) * 60, LOCALTIMESTAMP)";
            };
        }

        String varchar(int n) {
            return (this == SQLSERVER ? "NVARCHAR(" : "VARCHAR(") + n + ")";
        }
    }

    /**
     * Creates the table and its {@code (updated_at, id)} index if they do not exist yet. This is safe to call any number
     * of times. An existing table is left as it is; its columns are not checked or migrated. On MariaDB/MySQL the index
     * is declared inside {@code CREATE TABLE}, so it is not added to a table that already exists without it.
     *
     * @param ds    where to create it
     * @param table {@code name} or {@code schema.name}; see the class docs for the accepted identifier syntax
     * @throws IllegalArgumentException if {@code table} is not an accepted identifier
     * @throws SQLException             on database errors or an unsupported database product
     */
    public static void createIfMissing(DataSource ds, String table) throws SQLException {
        checkIdentifier(table);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            Dialect d = Dialect.of(c);
            for (String sql : ddl(d, table)) {
                st.execute(sql);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /**
     * Inserts the sample loans issued in {@code issueYear} whose id is not in the table yet. It is idempotent: calling it
     * again for the same year inserts 0 rows. Rows that already exist are not touched, and neither is their
     * {@code updated_at}. All inserts run in one transaction as JDBC batches. {@code updated_at} comes from the database
     * clock, see the class docs. The table must exist (see {@link #createIfMissing}).
     *
     * <p>Expected counts for the bundled sample, from PROVENANCE.md: 2008: 6, 2009: 18, 2010: 43, 2011: 1053, 2012: 171,
     * 2013: 498, 2014: 782, 2015: 696, 2016: 227. Other years give 0.
     *
     * <p>Concurrency: the existing-id check and the inserts are not atomic. Two concurrent calls for the same year may
     * fail with a primary-key violation, and the failing call rolls back.
     *
     * @param ds        target database
     * @param table     existing table created by {@link #createIfMissing}
     * @param issueYear calendar year of {@code issue_d}, for example 2015
     * @return number of rows inserted, 0 or more
     * @throws IllegalArgumentException if {@code table} is not an accepted identifier
     * @throws SQLException             on database errors. The transaction is rolled back first.
     */
    public static int inject(DataSource ds, String table, int issueYear) throws SQLException {
        checkIdentifier(table);
        List<Loan> candidates = LendingClubSample.issuedIn(LendingClubSample.load(), Set.of(issueYear));
        if (candidates.isEmpty()) {
            return 0;
        }
        try (Connection c = ds.getConnection()) {
            Dialect d = Dialect.of(c);
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Set<Long> existing = existingIds(c, table, candidates);
                List<Loan> fresh = new ArrayList<>();
                for (Loan loan : candidates) {
                    if (!existing.contains(loan.id())) {
                        fresh.add(loan);
                    }
                }
                int inserted = insert(c, d, table, fresh);
                c.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Creates the table if it is missing. If the table has no rows, it then {@link #inject injects} each of the given
     * years, one transaction per year. If the table already has any row, nothing is inserted. The emptiness check and
     * the inserts are not atomic, so do not run this concurrently on the same table.
     *
     * @param ds         target database
     * @param table      {@code name} or {@code schema.name}
     * @param issueYears issue years to load into an empty table, e.g. {@code List.of(2013, 2014)}. Duplicates are harmless.
     * @return rows inserted. This is 0 when the table already had rows.
     * @throws IllegalArgumentException if {@code table} is not an accepted identifier
     * @throws SQLException             on database errors
     */
    public static int seedIfEmpty(DataSource ds, String table, Collection<Integer> issueYears) throws SQLException {
        createIfMissing(ds, table);
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.setMaxRows(1);
            try (ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
                if (rs.next()) {
                    return 0;
                }
            }
        }
        int total = 0;
        for (Integer year : new TreeSet<>(issueYears)) {
            total += inject(ds, table, year);
        }
        return total;
    }

    /**
     * Checks that {@code table} is a plain or schema-qualified SQL identifier, as described in the class docs.
     *
     * @param table the name to check
     * @return {@code table}, unchanged
     * @throws IllegalArgumentException if it is null or not accepted
     */
    public static String checkIdentifier(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("not a valid table name (expected [schema.]name made of letters, digits"
                    + " and underscores, not starting with a digit, each part at most " + MAX_IDENTIFIER_PART
                    + " characters): '" + table + "'");
        }
        return table;
    }

    /** The DDL statements for a dialect, in execution order. Package-private for tests. */
    static List<String> ddl(Dialect d, String table) {
        String indexName = unqualified(table) + "_upd_idx";
        String columns = String.join(",\n  ", List.of(
                "id BIGINT NOT NULL PRIMARY KEY",
                "member_id BIGINT",
                "loan_amnt DECIMAL(15,2)",
                "funded_amnt DECIMAL(15,2)",
                "funded_amnt_inv DECIMAL(15,2)",
                "term_months INTEGER",
                "int_rate DECIMAL(6,2)",
                "installment DECIMAL(15,2)",
                "grade " + d.varchar(2),
                "sub_grade " + d.varchar(4),
                "emp_title " + d.varchar(255),
                "emp_length " + d.varchar(16),
                "home_ownership " + d.varchar(16),
                "annual_inc DECIMAL(15,2)",
                "verification_status " + d.varchar(32),
                "issue_d DATE",
                "loan_status " + d.varchar(64),
                "purpose " + d.varchar(32),
                "title " + d.varchar(255),
                "zip_code " + d.varchar(8),
                "addr_state " + d.varchar(2),
                "dti DECIMAL(8,2)",
                "delinq_2yrs INTEGER",
                "earliest_cr_line DATE",
                "revol_bal DECIMAL(15,2)",
                "revol_util DECIMAL(6,2)",
                "total_acc INTEGER",
                "pub_rec INTEGER",
                "updated_at " + d.timestampType() + " NOT NULL"));
        return switch (d) {
            case H2, POSTGRESQL -> List.of(
                    "CREATE TABLE IF NOT EXISTS " + table + " (\n  " + columns + "\n)",
                    "CREATE INDEX IF NOT EXISTS " + indexName + " ON " + table + " (updated_at, id)");
            // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has), so declare it inline for both
            case MARIADB -> List.of(
                    "CREATE TABLE IF NOT EXISTS " + table + " (\n  " + columns + ",\n  INDEX " + indexName
                            + " (updated_at, id)\n)");
            case SQLSERVER -> List.of(
                    "IF OBJECT_ID(N'" + table + "', N'U') IS NULL CREATE TABLE " + table + " (\n  " + columns + "\n)",
                    "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'" + indexName
                            + "' AND object_id = OBJECT_ID(N'" + table + "')) CREATE INDEX " + indexName + " ON "
                            + table + " (updated_at, id)");
        };
    }

    private static String unqualified(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }

    private static Set<Long> existingIds(Connection c, String table, List<Loan> candidates) throws SQLException {
        Set<Long> existing = new HashSet<>();
        for (int from = 0; from < candidates.size(); from += CHUNK) {
            List<Loan> chunk = candidates.subList(from, Math.min(from + CHUNK, candidates.size()));
            String marks = chunk.stream().map(l -> "?").collect(Collectors.joining(","));
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE id IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setLong(i + 1, chunk.get(i).id());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(rs.getLong(1));
                    }
                }
            }
        }
        return existing;
    }

    private static int insert(Connection c, Dialect d, String table, List<Loan> loans) throws SQLException {
        if (loans.isEmpty()) {
            return 0;
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", Loan.COLUMNS) + ", updated_at) VALUES ("
                + Loan.COLUMNS.stream().map(col -> "?").collect(Collectors.joining(", ")) + ", " + d.now() + ")";
        int inserted = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int inBatch = 0;
            for (Loan loan : loans) {
                bind(ps, loan);
                ps.addBatch();
                if (++inBatch == CHUNK) {
                    inserted += count(ps.executeBatch());
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                inserted += count(ps.executeBatch());
            }
        }
        return inserted;
    }

    /** Sums batch update counts. {@link Statement#SUCCESS_NO_INFO} (MariaDB bulk mode) counts as one row. */
    private static int count(int[] updateCounts) {
        int n = 0;
        for (int u : updateCounts) {
            n += u == Statement.SUCCESS_NO_INFO ? 1 : Math.max(u, 0);
        }
        return n;
    }

    private static void bind(PreparedStatement ps, Loan l) throws SQLException {
        int i = 1;
        ps.setLong(i++, l.id());
        setLong(ps, i++, l.member_id());
        setDecimal(ps, i++, l.loan_amnt());
        setDecimal(ps, i++, l.funded_amnt());
        setDecimal(ps, i++, l.funded_amnt_inv());
        setInt(ps, i++, l.term_months());
        setDecimal(ps, i++, l.int_rate());
        setDecimal(ps, i++, l.installment());
        setString(ps, i++, l.grade());
        setString(ps, i++, l.sub_grade());
        setString(ps, i++, l.emp_title());
        setString(ps, i++, l.emp_length());
        setString(ps, i++, l.home_ownership());
        setDecimal(ps, i++, l.annual_inc());
        setString(ps, i++, l.verification_status());
        setDate(ps, i++, l.issue_d());
        setString(ps, i++, l.loan_status());
        setString(ps, i++, l.purpose());
        setString(ps, i++, l.title());
        setString(ps, i++, l.zip_code());
        setString(ps, i++, l.addr_state());
        setDecimal(ps, i++, l.dti());
        setInt(ps, i++, l.delinq_2yrs());
        setDate(ps, i++, l.earliest_cr_line());
        setDecimal(ps, i++, l.revol_bal());
        setDecimal(ps, i++, l.revol_util());
        setInt(ps, i++, l.total_acc());
        setInt(ps, i++, l.pub_rec());
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setDecimal(PreparedStatement ps, int i, BigDecimal v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DECIMAL);
        } else {
            ps.setBigDecimal(i, v);
        }
    }

    private static void setString(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }

    private static void setDate(PreparedStatement ps, int i, LocalDate v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DATE);
        } else {
            ps.setObject(i, v);
        }
    }
}
