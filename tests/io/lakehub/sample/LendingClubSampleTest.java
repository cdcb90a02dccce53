package io.lakehub.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.lakehub.sample.LendingClubSample.SampleDataException;

/**
 * Parsing of the bundled LendingClub sample.
 *
 * <p>The expected numbers come from section 1 of the shared data README (per-file rows per issue year). They were
 * checked by hand against the CSV files with Python's {@code csv} module. That check also found three shared ids
 * the README does not mention (1069057, 1053765 and 1066766, all Dec-2011), on top of 16752402 (Jul-2014).
 */
class LendingClubSampleTest {

    /** README: rows per issue year, per file. diii16 is "1,000 rows, Dec-2011 only". */
    static final Map<String, Map<Integer, Long>> README_YEAR_COUNTS = Map.of(
            "lc_loan_sample_gsuryashis.csv", Map.of(2008, 4L, 2009, 6L, 2010, 17L, 2011, 25L, 2012, 97L,
                    2013, 230L, 2014, 389L, 2015, 186L),
            "lc_loan_sample_masp2004.csv", Map.of(2008, 2L, 2009, 8L, 2010, 15L, 2011, 18L, 2012, 41L,
                    2013, 165L, 2014, 259L, 2015, 200L),
            "lc_loan_first1000_Rexport_diii16.csv", Map.of(2011, 1000L),
            "accepted_2007_2018Q4_sample_bbodami.csv", Map.of(2009, 4L, 2010, 11L, 2011, 13L, 2012, 33L,
                    2013, 103L, 2014, 135L, 2015, 310L, 2016, 227L));

    /** Sum of the README columns, minus the shared ids: 3 in 2011 and 1 (16752402) in 2014. */
    static final Map<Integer, Long> EXPECTED_DISTINCT_BY_YEAR = Map.of(
            2008, 4L + 2,
            2009, 6L + 8 + 4,
            2010, 17L + 15 + 11,
            2011, 25L + 18 + 1000 + 13 - 3,
            2012, 97L + 41 + 33,
            2013, 230L + 165 + 103,
            2014, 389L + 259 + 135 - 1,
            2015, 186L + 200 + 310,
            2016, 227L);

    static final Set<Long> SHARED_IDS = Set.of(16752402L, 1069057L, 1053765L, 1066766L);

    @Test
    void loadsAllFilesDeduplicatedAndSortedById() {
        List<Loan> loans = LendingClubSample.load();

        // README: 954 + 708 + 1000 + 836 = 3498 data rows, 4 ids occur twice
        assertThat(loans).hasSize(3498 - 4).hasSize(3494);
        assertThat(loans).extracting(Loan::id).isSorted().doesNotHaveDuplicates();
        assertThat(loans.stream().map(Loan::id).filter(SHARED_IDS::contains)).hasSize(4);
        assertThat(LendingClubSample.load()).isSameAs(loans);  // cached
        assertThatThrownBy(() -> loans.add(loans.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void countsPerIssueYearMatchTheReadme() {
        Map<Integer, Long> counts = LendingClubSample.countByIssueYear(LendingClubSample.load());

        assertThat(counts).isEqualTo(EXPECTED_DISTINCT_BY_YEAR);
        assertThat(counts).containsEntry(2011, 1053L).containsEntry(2014, 782L).containsEntry(2015, 696L);
        assertThat(counts.keySet()).containsExactly(2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016); // ascending
        assertThat(LendingClubSample.countByIssueYear(List.of())).isEmpty();
    }

    @Test
    void eachFileMatchesItsReadmeYearCounts() throws IOException {
        for (String file : LendingClubSample.FILES) {
            List<Loan> loans = parseResource(file);
            assertThat(LendingClubSample.countByIssueYear(loans)).as(file).isEqualTo(README_YEAR_COUNTS.get(file));
        }
    }

    @Test
    void sharedIdsCarryIdenticalValuesInBothFiles() throws IOException {
        // this also checks that R-export numbers ("10000", "1e+05") equal the "10000.0" / "100000.0" forms
        Map<Long, Loan> seen = new HashMap<>();
        int shared = 0;
        for (String file : LendingClubSample.FILES) {
            for (Loan loan : parseResource(file)) {
                Loan earlier = seen.putIfAbsent(loan.id(), loan);
                if (earlier != null) {
                    shared++;
                    assertThat(loan).as("id %d in %s", loan.id(), file).isEqualTo(earlier);
                }
            }
        }
        assertThat(shared).isEqualTo(4);
        assertThat(seen.keySet()).containsAll(SHARED_IDS);
    }

    @Test
    void rExportRowIsTyped() {
        // first row of lc_loan_first1000_Rexport_diii16.csv (all strings quoted, numbers without ".0")
        Loan l = byId().get(1077501L);

        assertThat(l.member_id()).isEqualTo(1296599L);
        assertThat(l.loan_amnt()).isEqualTo(new BigDecimal("5000.00"));       // "5000"
        assertThat(l.funded_amnt_inv()).isEqualTo(new BigDecimal("4975.00"));
        assertThat(l.term_months()).isEqualTo(36);                            // " 36 months"
        assertThat(l.int_rate()).isEqualTo(new BigDecimal("10.65"));
        assertThat(l.installment()).isEqualTo(new BigDecimal("162.87"));
        assertThat(l.grade()).isEqualTo("B");
        assertThat(l.sub_grade()).isEqualTo("B2");
        assertThat(l.emp_title()).isNull();                                   // ""
        assertThat(l.emp_length()).isEqualTo("10+ years");
        assertThat(l.home_ownership()).isEqualTo("RENT");
        assertThat(l.annual_inc()).isEqualTo(new BigDecimal("24000.00"));
        assertThat(l.verification_status()).isEqualTo("Verified");
        assertThat(l.issue_d()).isEqualTo(LocalDate.of(2011, 12, 1));         // "Dec-2011"
        assertThat(l.loan_status()).isEqualTo("Fully Paid");
        assertThat(l.purpose()).isEqualTo("credit_card");
        assertThat(l.title()).isEqualTo("Computer");
        assertThat(l.zip_code()).isEqualTo("860xx");
        assertThat(l.addr_state()).isEqualTo("AZ");
        assertThat(l.dti()).isEqualTo(new BigDecimal("27.65"));
        assertThat(l.delinq_2yrs()).isZero();
        assertThat(l.earliest_cr_line()).isEqualTo(LocalDate.of(1985, 1, 1)); // "Jan-1985"
        assertThat(l.revol_bal()).isEqualTo(new BigDecimal("13648.00"));
        assertThat(l.revol_util()).isEqualTo(new BigDecimal("83.70"));
        assertThat(l.total_acc()).isEqualTo(9);
        assertThat(l.pub_rec()).isZero();

        // "1e+05" in the R export
        assertThat(byId().get(1069057L).annual_inc()).isEqualTo(new BigDecimal("100000.00"));
    }

    @Test
    void layout150RowHasNoMemberIdAndParsesDecimalsWithDotZero() {
        // first row of accepted_2007_2018Q4_sample_bbodami.csv
        Loan l = byId().get(77418292L);

        assertThat(l.member_id()).isNull();
        assertThat(l.loan_amnt()).isEqualTo(new BigDecimal("7000.00"));       // "7000.0"
        assertThat(l.term_months()).isEqualTo(36);
        assertThat(l.emp_title()).isNull();
        assertThat(l.emp_length()).isNull();                                  // ""
        assertThat(l.issue_d()).isEqualTo(LocalDate.of(2016, 4, 1));          // "Apr-2016"
        assertThat(l.earliest_cr_line()).isEqualTo(LocalDate.of(2003, 8, 1));
        assertThat(l.delinq_2yrs()).isZero();                                 // "0.0" in an integer column
        assertThat(l.total_acc()).isEqualTo(29);                              // "29.0"
        assertThat(l.revol_util()).isEqualTo(new BigDecimal("27.30"));

        assertThat(LendingClubSample.load().stream().filter(x -> x.member_id() == null))
                .as("member_id is null exactly for the 836 rows of the 150-column file").hasSize(836);
    }

    @Test
    void quotedFieldsWithCommasAndQuotesDoNotShiftColumns() {
        Map<Long, Loan> byId = byId();
        // emp_title with commas, quoted
        assertThat(byId.get(1069469L).emp_title()).isEqualTo("Stewart Enterprises, Inc.");
        assertThat(byId.get(1060981L).emp_title()).isEqualTo("Riverside County, California");
        // title with commas
        assertThat(byId.get(1068202L).title()).isEqualTo("Pay off credit card, refinance house");
        // 1067266 has a desc full of commas and doubled quotes; the columns after desc must still line up
        Loan ring = byId.get(1067266L);
        assertThat(ring.purpose()).isEqualTo("major_purchase");
        assertThat(ring.title()).isEqualTo("Ring");
        assertThat(ring.zip_code()).isEqualTo("113xx");
        assertThat(ring.addr_state()).isEqualTo("NY");
        assertThat(ring.dti()).isEqualTo(new BigDecimal("11.35"));

        // the same for every row: categorical columns after desc hold only their known values
        Set<String> purposes = Set.of("car", "credit_card", "debt_consolidation", "educational", "home_improvement",
                "house", "major_purchase", "medical", "moving", "other", "renewable_energy", "small_business",
                "vacation", "wedding");
        for (Loan l : LendingClubSample.load()) {
            assertThat(l.purpose()).as("purpose of %d", l.id()).isIn(purposes);
            assertThat(l.addr_state()).as("addr_state of %d", l.id()).matches("[A-Z]{2}");
            assertThat(l.zip_code()).as("zip_code of %d", l.id()).matches("\\d{3}xx");
            assertThat(l.grade()).as("grade of %d", l.id()).matches("[A-G]");
            assertThat(l.sub_grade()).as("sub_grade of %d", l.id()).startsWith(l.grade()).matches("[A-G][1-5]");
            assertThat(l.term_months()).as("term of %d", l.id()).isIn(36, 60);
            assertThat(l.issue_d().getDayOfMonth()).isEqualTo(1);
        }
    }

    @Test
    void valuesAreNormalisedToTheDocumentedShapes() {
        for (Loan l : LendingClubSample.load()) {
            for (BigDecimal d : new BigDecimal[] {l.loan_amnt(), l.funded_amnt(), l.funded_amnt_inv(), l.int_rate(),
                    l.installment(), l.annual_inc(), l.dti(), l.revol_bal(), l.revol_util()}) {
                if (d != null) {
                    assertThat(d.scale()).as("scale in %d", l.id()).isEqualTo(2);
                }
            }
            assertThat(l.emp_length()).as("emp_length of %d", l.id())
                    .isIn(null, "< 1 year", "1 year", "2 years", "3 years", "4 years", "5 years", "6 years",
                            "7 years", "8 years", "9 years", "10+ years");
        }
        // Kaggle's "n/a" placeholder (17 rows in diii16) becomes null like the empty fields of the other files
        assertThat(byId().get(1067644L).emp_length()).isNull();
    }

    @Test
    void naAndEmptyBecomeNull() {
        String csv = header() + "\n"
                + row("1", "NA", "NA", "", "NA", "NA", "Dec-2011", "NA", "NA") + "\n";
        Loan l = LendingClubSample.parse("inline.csv", new StringReader(csv)).get(0);

        assertThat(l.id()).isEqualTo(1L);
        assertThat(l.member_id()).isNull();
        assertThat(l.loan_amnt()).isNull();
        assertThat(l.term_months()).isNull();
        assertThat(l.emp_title()).isNull();
        assertThat(l.emp_length()).isNull();
        assertThat(l.issue_d()).isEqualTo(LocalDate.of(2011, 12, 1));
        assertThat(l.earliest_cr_line()).isNull();
        assertThat(l.revol_util()).isNull();
    }

    @Test
    void crlfAndLfGiveTheSameLoans() {
        String lf = header() + "\n" + row("7", "70", "5000", " 60 months", "Nurse, RN", "10+ years", "Dec-2015", "Jan-1999", "12.5")
                + "\n" + row("8", "", "1e+04", " 36 months", "", "< 1 year", "feb-2008", "", "99") + "\n";
        List<Loan> fromLf = LendingClubSample.parse("lf.csv", new StringReader(lf));
        List<Loan> fromCrlf = LendingClubSample.parse("crlf.csv", new StringReader(lf.replace("\n", "\r\n")));

        assertThat(fromCrlf).isEqualTo(fromLf).hasSize(2);
        Loan seven = fromLf.get(0);
        assertThat(seven.term_months()).isEqualTo(60);
        assertThat(seven.emp_title()).isEqualTo("Nurse, RN");
        assertThat(seven.issue_d()).isEqualTo(LocalDate.of(2015, 12, 1));
        assertThat(seven.revol_util()).isEqualTo(new BigDecimal("12.50"));
        assertThat(fromLf.get(1).loan_amnt()).isEqualTo(new BigDecimal("10000.00"));
        assertThat(fromLf.get(1).issue_d()).isEqualTo(LocalDate.of(2008, 2, 1));
    }

    @Test
    void malformedRowsNameFileAndLine() {
        String good = row("1", "10", "5000", " 36 months", "x", "1 year", "Dec-2011", "Jan-1999", "1");
        // line 3: one field too many
        assertMalformed(header() + "\n" + good + "\n" + good + ",extra\n", 3, "fields");
        // line 2: bad number
        assertMalformed(header() + "\r\n" + row("1", "10", "5k", " 36 months", "x", "1 year", "Dec-2011", "Jan-1999", "1")
                + "\r\n", 2, "loan_amnt");
        // line 3: bad month
        assertMalformed(header() + "\n" + good + "\n"
                + row("2", "10", "5000", " 36 months", "x", "1 year", "2011-12", "Jan-1999", "1") + "\n", 3, "issue_d");
        // line 2: bad term
        assertMalformed(header() + "\n" + row("1", "10", "5000", "three years", "x", "1 year", "Dec-2011", "", "1")
                + "\n", 2, "term");
        // line 2: fractional value in an integer column (id)
        assertMalformed(header() + "\n" + row("1.5", "10", "5000", " 36 months", "x", "1 year", "Dec-2011", "", "1")
                + "\n", 2, "id");
        // line 2: missing issue_d
        assertMalformed(header() + "\n" + row("1", "10", "5000", " 36 months", "x", "1 year", "", "", "1") + "\n", 2,
                "issue_d");
        // line 3: quote never closed
        assertMalformed(header() + "\n" + good + "\n" + good.replace("\"x\"", "\"x") + "\n", 3, "unreadable CSV");
        // header without a required column
        assertThatThrownBy(() -> LendingClubSample.parse("nohdr.csv", new StringReader("id,issue_d\n1,Dec-2011\n")))
                .isInstanceOf(SampleDataException.class)
                .hasMessageStartingWith("nohdr.csv line 1: ")
                .hasMessageContaining("loan_amnt");
    }

    private static void assertMalformed(String csv, long line, String detail) {
        assertThatThrownBy(() -> LendingClubSample.parse("bad.csv", new StringReader(csv)))
                .isInstanceOf(SampleDataException.class)
                .hasMessageStartingWith("bad.csv line " + line + ": ")
                .hasMessageContaining(detail)
                .satisfies(e -> {
                    assertThat(((SampleDataException) e).file()).isEqualTo("bad.csv");
                    assertThat(((SampleDataException) e).line()).isEqualTo(line);
                });
    }

    // ---- helpers ----

    private static Map<Long, Loan> byId() {
        return LendingClubSample.load().stream().collect(Collectors.toMap(Loan::id, Function.identity()));
    }

    private static List<Loan> parseResource(String file) throws IOException {
        try (InputStream in = LendingClubSampleTest.class.getClassLoader()
                .getResourceAsStream(LendingClubSample.RESOURCE_DIR + "/" + file)) {
            assertThat(in).as(file + " on the classpath").isNotNull();
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return LendingClubSample.parse(file, r);
            }
        }
    }

    /** A 74-column-style header (subset plus one extra desc column, as in the real files), R-export quoting. */
    private static String header() {
        return "\"id\",\"member_id\",\"loan_amnt\",\"funded_amnt\",\"funded_amnt_inv\",\"term\",\"int_rate\","
                + "\"installment\",\"grade\",\"sub_grade\",\"emp_title\",\"emp_length\",\"home_ownership\",\"annual_inc\","
                + "\"verification_status\",\"issue_d\",\"loan_status\",\"desc\",\"purpose\",\"title\",\"zip_code\","
                + "\"addr_state\",\"dti\",\"delinq_2yrs\",\"earliest_cr_line\",\"revol_bal\",\"revol_util\","
                + "\"total_acc\",\"pub_rec\"";
    }

    /** A row for {@link #header()}; unlisted columns get fixed values, desc has commas and doubled quotes. */
    private static String row(String id, String memberId, String loanAmnt, String term, String empTitle,
            String empLength, String issueD, String earliestCrLine, String revolUtil) {
        return String.join(",", List.of(id, memberId, loanAmnt, loanAmnt, loanAmnt, q(term), "10.65", "162.87",
                q("B"), q("B2"), q(empTitle), q(empLength), q("RENT"), "24000", q("Verified"), q(issueD),
                q("Fully Paid"), q("I said \"\"hi, there\"\", then <br>left, quickly"), q("credit_card"), q("Computer"),
                q("860xx"), q("AZ"), "27.65", "0", q(earliestCrLine), "13648", revolUtil, "9", "0"));
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }
}
