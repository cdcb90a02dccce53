package io.lakehub.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.lakehub.testsupport.Databases;

/**
 * {@link LoanSourceTable} against H2 in memory, and against the local PostgreSQL and MariaDB. The real servers come
 * from {@link Databases}: if one is unreachable, its test is skipped, or fails when {@code CI=true}.
 *
 * <p>Expected counts: 2015 has 186 + 200 + 310 = 696 distinct loans, and 2008 + 2009 have 6 + 18 = 24
 * (data README, checked against the files).
 */
class LoanSourceTableTest {

    static final int LOANS_2015 = 186 + 200 + 310;

    private DataSource h2;

    @BeforeEach
    void freshH2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:loans_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        h2 = ds;
    }

    @Test
    void createIfMissingIsIdempotent() throws SQLException {
        LoanSourceTable.createIfMissing(h2, "loans");
        LoanSourceTable.createIfMissing(h2, "loans");

        assertThat(count(h2, "SELECT COUNT(*) FROM loans")).isZero();
        assertThat(count(h2, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'LOANS'"
                + " AND INDEX_NAME = 'LOANS_UPD_IDX'")).isEqualTo(1);
        assertThat(count(h2, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'LOANS'"))
                .isEqualTo(Loan.COLUMNS.size() + 1);
    }

    @Test
    void schemaQualifiedNameWorks() throws SQLException {
        exec(h2, "CREATE SCHEMA src");
        LoanSourceTable.createIfMissing(h2, "src.loans");
        LoanSourceTable.createIfMissing(h2, "src.loans");

        assertThat(LoanSourceTable.inject(h2, "src.loans", 2009)).isEqualTo(6 + 8 + 4);
        assertThat(count(h2, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = 'SRC'"
                + " AND TABLE_NAME = 'LOANS' AND INDEX_NAME = 'LOANS_UPD_IDX'")).isEqualTo(1);
    }

    @Test
    void injectIsIdempotentAndUsesTheDatabaseClock() throws SQLException {
        LoanSourceTable.createIfMissing(h2, "loans");
        LocalDateTime before = dbNow(h2);

        assertThat(LoanSourceTable.inject(h2, "loans", 2015)).isEqualTo(LOANS_2015);
        assertThat(LoanSourceTable.inject(h2, "loans", 2015)).isZero();

        assertLoadedExactly(h2, "loans", 2015);
        assertThat(count(h2, "SELECT COUNT(*) FROM loans WHERE updated_at IS NULL")).isZero();
        // one transaction: CURRENT_TIMESTAMP is the same for every row of the call
        assertThat(count(h2, "SELECT COUNT(DISTINCT updated_at) FROM loans")).isEqualTo(1);
        assertThat(timestamp(h2, "SELECT MIN(updated_at) FROM loans")).isAfterOrEqualTo(before);

        // another year adds its rows and leaves the 2015 rows alone
        assertThat(LoanSourceTable.inject(h2, "loans", 2011)).isEqualTo(25 + 18 + 1000 + 13 - 3);
        assertThat(count(h2, "SELECT COUNT(*) FROM loans")).isEqualTo(LOANS_2015 + 1053);
        assertThat(LoanSourceTable.inject(h2, "loans", 1999)).isZero();
    }

    @Test
    void injectSkipsIdsThatAreAlreadyPresent() throws SQLException {
        LoanSourceTable.createIfMissing(h2, "loans");
        Loan first = LendingClubSample.load().stream().filter(l -> l.issueYear() == 2015).findFirst().orElseThrow();
        exec(h2, "INSERT INTO loans (id, issue_d, loan_status, updated_at) VALUES (" + first.id()
                + ", DATE '2015-01-01', 'edited', TIMESTAMP '2020-01-01 00:00:00')");

        assertThat(LoanSourceTable.inject(h2, "loans", 2015)).isEqualTo(LOANS_2015 - 1);
        assertThat(count(h2, "SELECT COUNT(*) FROM loans WHERE loan_status = 'edited'")).isEqualTo(1);
    }

    @Test
    void failedInjectRollsBackEverything() throws SQLException {
        // a table too narrow for the data: the batch fails part-way and nothing may remain
        LoanSourceTable.createIfMissing(h2, "narrow");
        exec(h2, "ALTER TABLE narrow ALTER COLUMN emp_title VARCHAR(3)");

        assertThatThrownBy(() -> LoanSourceTable.inject(h2, "narrow", 2015)).isInstanceOf(SQLException.class);
        assertThat(count(h2, "SELECT COUNT(*) FROM narrow")).isZero();
    }

    @Test
    void seedIfEmptyLoadsOnlyAnEmptyTable() throws SQLException {
        assertThat(LoanSourceTable.seedIfEmpty(h2, "seeded", List.of(2009, 2008, 2009))).isEqualTo(6 + 18);
        assertThat(LoanSourceTable.seedIfEmpty(h2, "seeded", List.of(2015))).isZero();
        assertThat(count(h2, "SELECT COUNT(*) FROM seeded")).isEqualTo(24);
    }

    @ParameterizedTest
    @ValueSource(strings = {"loans; drop table x", "", " loans", "1loans", "a.b.c", "loans--", "lo\"ans", "sch.",
            ".loans", "loans x", "l\u00f6ans",
            "a123456789012345678901234567890123456789012345678"}) // 49 characters
    void badIdentifiersAreRefusedBeforeAnySql(String table) {
        DataSource unusable = new JdbcDataSource(); // no URL: any connection attempt would fail differently
        assertThatThrownBy(() -> LoanSourceTable.createIfMissing(unusable, table))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid table name");
        assertThatThrownBy(() -> LoanSourceTable.inject(unusable, table, 2015))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoanSourceTable.seedIfEmpty(unusable, table, List.of(2015)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goodIdentifiersAreAccepted() {
        for (String ok : List.of("loans", "LOANS_2", "_x", "src.loans", "s_1.t_2",
                "a12345678901234567890123456789012345678901234567")) { // 48 characters
            assertThat(LoanSourceTable.checkIdentifier(ok)).isEqualTo(ok);
        }
        assertThatThrownBy(() -> LoanSourceTable.checkIdentifier(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ddlPerDialect() {
        // no SQL Server is available locally, so at least pin its statement text
        List<String> mssql = LoanSourceTable.ddl(LoanSourceTable.Dialect.SQLSERVER, "dbo.loans");
        assertThat(mssql).hasSize(2);
        assertThat(mssql.get(0)).startsWith("IF OBJECT_ID(N'dbo.loans', N'U') IS NULL CREATE TABLE dbo.loans (")
                .contains("updated_at DATETIME2(6) NOT NULL", "emp_title NVARCHAR(255)", "id BIGINT NOT NULL PRIMARY KEY");
        assertThat(mssql.get(1)).contains("name = N'loans_upd_idx'", "OBJECT_ID(N'dbo.loans')",
                "CREATE INDEX loans_upd_idx ON dbo.loans (updated_at, id)");

        List<String> maria = LoanSourceTable.ddl(LoanSourceTable.Dialect.MARIADB, "loans");
        assertThat(maria).singleElement().asString()
                .contains("updated_at DATETIME(6) NOT NULL", "INDEX loans_upd_idx (updated_at, id)", "title VARCHAR(255)");

        for (LoanSourceTable.Dialect d : LoanSourceTable.Dialect.values()) {
            String create = LoanSourceTable.ddl(d, "loans").get(0);
            for (String column : Loan.COLUMNS) {
                assertThat(create).as("%s has %s", d, column).containsPattern("\\b" + column + " [A-Z]");
            }
            assertThat(create).contains("loan_amnt DECIMAL(15,2)", "int_rate DECIMAL(6,2)", "dti DECIMAL(8,2)",
                    "revol_util DECIMAL(6,2)", "total_acc INTEGER", "issue_d DATE", "member_id BIGINT");
        }
    }

    @Test
    void injectOnPostgres() throws SQLException {
        injectAgainstRealServer(Databases.postgres());
    }

    @Test
    void injectOnMariaDb() throws SQLException {
        injectAgainstRealServer(Databases.mariadb());
    }

    private static void injectAgainstRealServer(DataSource ds) throws SQLException {
        String table = Databases.uniqueName("loans");
        try {
            LoanSourceTable.createIfMissing(ds, table);
            LoanSourceTable.createIfMissing(ds, table);
            assertThat(indexColumns(ds, table, table + "_upd_idx")).containsExactly("updated_at", "id");
            LocalDateTime before = dbNow(ds).minusSeconds(1);

            assertThat(LoanSourceTable.inject(ds, table, 2015)).isEqualTo(LOANS_2015);
            assertThat(LoanSourceTable.inject(ds, table, 2015)).isZero();

            assertLoadedExactly(ds, table, 2015);
            assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE updated_at IS NULL")).isZero();
            assertThat(timestamp(ds, "SELECT MIN(updated_at) FROM " + table)).isAfterOrEqualTo(before);
            assertThat(timestamp(ds, "SELECT MAX(updated_at) FROM " + table)).isBeforeOrEqualTo(dbNow(ds));
            assertThat(LoanSourceTable.seedIfEmpty(ds, table, List.of(2008))).isZero();
        } finally {
            Databases.dropTable(ds, table);
        }
    }

    // ---- helpers ----

    /** Reads every row back and compares it field by field with the sample loans of that year. */
    private static void assertLoadedExactly(DataSource ds, String table, int year) throws SQLException {
        Map<Long, Loan> expected = LendingClubSample.load().stream().filter(l -> l.issueYear() == year)
                .collect(Collectors.toMap(Loan::id, Function.identity()));
        Map<Long, Loan> actual = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + String.join(", ", Loan.COLUMNS) + " FROM " + table)) {
            while (rs.next()) {
                Loan l = readLoan(rs);
                actual.put(l.id(), l);
            }
        }
        assertThat(actual).hasSize(expected.size());
        for (Loan e : expected.values()) {
            assertThat(actual.get(e.id())).as("row %d", e.id()).isEqualTo(e);
        }
    }

    private static Loan readLoan(ResultSet rs) throws SQLException {
        return new Loan(rs.getLong("id"), rs.getObject("member_id", Long.class), rs.getBigDecimal("loan_amnt"),
                rs.getBigDecimal("funded_amnt"), rs.getBigDecimal("funded_amnt_inv"),
                rs.getObject("term_months", Integer.class), rs.getBigDecimal("int_rate"),
                rs.getBigDecimal("installment"), rs.getString("grade"), rs.getString("sub_grade"),
                rs.getString("emp_title"), rs.getString("emp_length"), rs.getString("home_ownership"),
                rs.getBigDecimal("annual_inc"), rs.getString("verification_status"),
                rs.getObject("issue_d", LocalDate.class), rs.getString("loan_status"), rs.getString("purpose"),
                rs.getString("title"), rs.getString("zip_code"), rs.getString("addr_state"), rs.getBigDecimal("dti"),
                rs.getObject("delinq_2yrs", Integer.class), rs.getObject("earliest_cr_line", LocalDate.class),
                rs.getBigDecimal("revol_bal"), rs.getBigDecimal("revol_util"), rs.getObject("total_acc", Integer.class),
                rs.getObject("pub_rec", Integer.class));
    }

    /** Columns of an index in key order, lower case, via JDBC metadata (table name as the server folds it). */
    private static List<String> indexColumns(DataSource ds, String table, String index) throws SQLException {
        Map<Short, String> byPosition = new java.util.TreeMap<>();
        try (Connection c = ds.getConnection();
                ResultSet rs = c.getMetaData().getIndexInfo(c.getCatalog(), null, table, false, false)) {
            while (rs.next()) {
                if (index.equalsIgnoreCase(rs.getString("INDEX_NAME"))) {
                    byPosition.put(rs.getShort("ORDINAL_POSITION"), rs.getString("COLUMN_NAME").toLowerCase());
                }
            }
        }
        return List.copyOf(byPosition.values());
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static LocalDateTime timestamp(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            LocalDateTime t = rs.getObject(1, LocalDateTime.class);
            assertThat(t).as(sql).isNotNull();
            return t;
        }
    }

    /** The database's own clock, as the UTC wall clock the updated_at column holds. */
    private static LocalDateTime dbNow(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(switch (c.getMetaData().getDatabaseProductName()) {
                    case "H2" -> "SELECT DATEADD(SECOND, -EXTRACT(TIMEZONE_HOUR FROM CURRENT_TIMESTAMP) * 3600 - EXTRACT(TIMEZONE_MINUTE FROM CURRENT_TIMESTAMP) * 60, LOCALTIMESTAMP)";
                    case "PostgreSQL" -> "SELECT CURRENT_TIMESTAMP AT TIME ZONE 'UTC'";
                    default -> "SELECT UTC_TIMESTAMP(6)";
                })) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class);
        }
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
