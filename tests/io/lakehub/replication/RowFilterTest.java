package io.lakehub.replication;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The replication row filter: what it selects (SQL three-valued logic) and what it refuses, with the position. */
class RowFilterTest {

    static final TableSchema SCHEMA = TableSchema.of(
        new Column("company", ColumnType.STRING, true),
        new Column("file_no", ColumnType.LONG, true),
        new Column("closed", ColumnType.DATE, true),
        new Column("recovery", ColumnType.decimal(14, 2), true),
        new Column("open", ColumnType.BOOLEAN, true),
        new Column("blob", ColumnType.BINARY, true),
        new Column("Select", ColumnType.STRING, true));

    static Object[] row(String company, Long fileNo, String closed, String recovery, Boolean open) {
        return new Object[] {company, fileNo, closed == null ? null : LocalDate.parse(closed),
            recovery == null ? null : new BigDecimal(recovery).setScale(2), open, null, null};
    }

    static final Object[] ANTHEM = row("Anthem Health Plans, Inc", 7005690L, "2025-12-03", "120.50", true);
    static final Object[] GEICO = row("GEICO Indemnity Company", 7007255L, "2018-03-20", "0", false);
    static final Object[] NULLS = row(null, null, null, null, null);

    static boolean test(String filter, Object[] row) {
        return RowFilter.parse(filter, SCHEMA).test(row);
    }

    @Test
    void comparisonsOfEachTypeSelectTheMatchingRows() {
        assertThat(test("company = 'Anthem Health Plans, Inc'", ANTHEM)).isTrue();
        assertThat(test("company = 'Anthem Health Plans, Inc'", GEICO)).isFalse();
        assertThat(test("COMPANY <> 'x' AND file_no >= 7005690", ANTHEM)).isTrue();
        assertThat(test("file_no < 7005690", ANTHEM)).isFalse();
        assertThat(test("closed >= '2025-12-01'", ANTHEM)).isTrue();
        assertThat(test("closed >= DATE '2025-12-01'", GEICO)).isFalse();
        assertThat(test("recovery > 100.5", ANTHEM)).isTrue();
        assertThat(test("recovery = 120.5", ANTHEM)).isTrue();
        assertThat(test("recovery <= -1", GEICO)).isFalse();
        assertThat(test("open = true", ANTHEM)).isTrue();
        assertThat(test("open != TRUE", GEICO)).isTrue();
        assertThat(test("\"Select\" IS NULL", ANTHEM)).isTrue();
        assertThat(test("company = 'O''Brien'", row("O'Brien", 1L, null, null, null))).isTrue();
    }

    @Test
    void inListsParenthesesAndPrecedence() {
        assertThat(test("company in ('GEICO Indemnity Company', 'Anthem Health Plans, Inc')", GEICO)).isTrue();
        assertThat(test("file_no NOT IN (1, 2, 7005690)", ANTHEM)).isFalse();
        // AND binds tighter than OR
        assertThat(test("file_no = 1 AND file_no = 2 OR company = 'GEICO Indemnity Company'", GEICO)).isTrue();
        assertThat(test("file_no = 1 AND (file_no = 2 OR company = 'GEICO Indemnity Company')", GEICO)).isFalse();
        assertThat(test("not (closed < '2020-01-01') and not not open = true", ANTHEM)).isTrue();
    }

    @Test
    void nullsFollowSqlThreeValuedLogic() {
        assertThat(test("company != 'x'", NULLS)).isFalse();
        assertThat(test("NOT company = 'x'", NULLS)).isFalse();
        assertThat(test("company NOT IN ('x')", NULLS)).isFalse();
        assertThat(test("company IS NULL", NULLS)).isTrue();
        assertThat(test("company IS NOT NULL", NULLS)).isFalse();
        assertThat(test("company = 'x' OR file_no IS NULL", NULLS)).isTrue();
        assertThat(test("company = 'x' AND file_no IS NULL", NULLS)).isFalse();
        assertThat(RowFilter.parse("  ", SCHEMA).test(NULLS)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "company = 'x'; DROP TABLE loans                    | 13 | unexpected character ';'",
        "company = 'x' --                                   | 14 | unexpected character '-'",
        "nosuch = 1                                         | 0  | unknown column nosuch",
        "company = 'open                                    | 10 | text literal not closed",
        "company == 'x'                                     | 8  | single '='",
        "(company = 'x'                                     | 14 | expected ')'",
        "company = 'x' file_no = 1                          | 14 | after a complete condition",
        "file_no = 'abc'                                    | 10 | compare it with a number",
        "company = 12                                       | 10 | quoted literal, not the number 12",
        "closed > '2025-13-40'                              | 9  | is not a date value",
        "company = NULL                                     | 10 | IS NULL",
        "company IS 'x'                                     | 11 | expected NULL after IS",
        "blob = 'AA=='                                      | 5  | binary",
        "open < true                                        | 5  | boolean",
        "company IN 'x'                                     | 11 | expected '(' after IN",
        "company IN ('a' 'b')                               | 16 | expected ',' or ')'",
        "recovery > 1e999999999999                          | 11 | is not a number",
        "company = 'x' AND                                  | 17 | end of the filter",
        "and = 1                                            | 0  | keyword AND",
        "closed > DATE 5                                    | 14 | quoted value after DATE",
        "file_no > DATE '2020-01-01'                        | 10 | not date",
        "company ! 'x'                                      | 8  | '!' must be followed",
        "recovery = 1234567890123.5                         | 11 | not a decimal",
    })
    void rejectsBadInputWithItsPosition(String filter, int position, String message) {
        assertThatThrownBy(() -> RowFilter.parse(filter.trim(), SCHEMA))
                .isInstanceOfSatisfying(RowFilter.FilterException.class, e -> assertThat(e.position()).isEqualTo(position))
                .hasMessageContaining("position " + position)
                .hasMessageContaining(message);
    }

    @Test
    void refusesOverlongAndOverDeepFilters() {
        assertThatThrownBy(() -> RowFilter.parse("company = '" + "x".repeat(RowFilter.MAX_LENGTH) + "'", SCHEMA))
                .isInstanceOf(RowFilter.FilterException.class).hasMessageContaining("at most 4000");
        String deep = "(".repeat(RowFilter.MAX_DEPTH + 1) + "open = true" + ")".repeat(RowFilter.MAX_DEPTH + 1);
        assertThatThrownBy(() -> RowFilter.parse(deep, SCHEMA)).isInstanceOf(RowFilter.FilterException.class)
                .hasMessageContaining("nesting deeper than 64");
    }

    @Test
    void keepsTheTextForTheLineage() {
        assertThat(RowFilter.parse("  company = 'x'  ", SCHEMA).text()).isEqualTo("company = 'x'");
        assertThat(RowFilter.parse(null, SCHEMA).selectsAll()).isTrue();
    }
}
