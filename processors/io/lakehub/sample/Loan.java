package io.lakehub.sample;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One LendingClub issued loan. Only the typed subset of columns that both sample layouts share is kept:
 * the 74-column Kaggle {@code lc_loan.csv} layout and the 150-column "accepted 2007–2018Q4" layout.
 * See {@code sample/lendingclub/PROVENANCE.md} and section 1 of the shared data README.
 *
 * <p>The component names are snake_case on purpose. They are the CSV header names, except {@code term_months},
 * which is derived from {@code term}. They are also the SQL column names used by {@link LoanSourceTable}.
 * {@link #COLUMNS} lists them in declaration order.
 *
 * <p>Shapes and units:
 * <ul>
 *   <li>Money ({@code loan_amnt}, {@code funded_amnt}, {@code funded_amnt_inv}, {@code installment}, {@code annual_inc},
 *       {@code revol_bal}) is US dollars as {@link BigDecimal} with scale 2, rounded HALF_UP. Some sources carry up to
 *       12 decimals in {@code funded_amnt_inv}.</li>
 *   <li>{@code int_rate} and {@code revol_util} are percent points ({@code 13.99} means 13.99 %), scale 2. {@code dti} is a
 *       ratio in percent points, scale 2.</li>
 *   <li>{@code term_months} is the loan term in months (36 or 60), parsed from {@code " 36 months"}.</li>
 *   <li>{@code issue_d} and {@code earliest_cr_line} are the first day of the month. The source has only {@code Mon-YYYY}.</li>
 *   <li>Strings are kept as given apart from trimming surrounding whitespace. Empty strings and {@code NA} become
 *       {@code null}. {@code emp_length} also maps the Kaggle placeholder {@code n/a} to {@code null}.</li>
 * </ul>
 *
 * <p>Nullability: {@code id} is always present. {@code issue_d} is never null, and the constructor enforces this
 * because loans are grouped and injected by issue year. {@code member_id} is null for every row of the 150-column file,
 * which has no such column. Every other component may be null when the source field is empty or {@code NA}.
 *
 * @param id                  LendingClub loan id; unique across the de-duplicated sample
 * @param member_id           LendingClub member id, or null (absent in the 150-column layout)
 * @param loan_amnt           amount applied for, USD, scale 2
 * @param funded_amnt         amount committed, USD, scale 2
 * @param funded_amnt_inv     amount committed by investors, USD, scale 2
 * @param term_months         number of monthly payments (36 or 60)
 * @param int_rate            interest rate in percent points, scale 2
 * @param installment         monthly payment, USD, scale 2
 * @param grade               LendingClub grade, {@code A}…{@code G}
 * @param sub_grade           LendingClub sub-grade, {@code A1}…{@code G5}
 * @param emp_title           job title given by the borrower (free text, may contain commas)
 * @param emp_length          employment length as given, e.g. {@code 10+ years}, {@code < 1 year}; null when unknown
 * @param home_ownership      {@code RENT}, {@code OWN}, {@code MORTGAGE}, …
 * @param annual_inc          self-reported annual income, USD, scale 2
 * @param verification_status {@code Verified}, {@code Source Verified} or {@code Not Verified}
 * @param issue_d             month the loan was funded, as its first day; never null
 * @param loan_status         status at the data snapshot, e.g. {@code Fully Paid}, {@code Charged Off}, {@code Current}
 * @param purpose             loan purpose category, e.g. {@code debt_consolidation}
 * @param title               loan title given by the borrower (free text)
 * @param zip_code            first three digits of the ZIP code, masked, e.g. {@code 860xx}
 * @param addr_state          two-letter US state code
 * @param dti                 debt-to-income ratio in percent points, scale 2
 * @param delinq_2yrs         30+ days past-due incidents in the past two years
 * @param earliest_cr_line    month the earliest credit line was opened, as its first day
 * @param revol_bal           total revolving credit balance, USD, scale 2
 * @param revol_util          revolving line utilisation in percent points, scale 2
 * @param total_acc           total number of credit lines
 * @param pub_rec             number of derogatory public records
 */
public record Loan(
        long id,
        Long member_id,
        BigDecimal loan_amnt,
        BigDecimal funded_amnt,
        BigDecimal funded_amnt_inv,
        Integer term_months,
        BigDecimal int_rate,
        BigDecimal installment,
        String grade,
        String sub_grade,
        String emp_title,
        String emp_length,
        String home_ownership,
        BigDecimal annual_inc,
        String verification_status,
        LocalDate issue_d,
        String loan_status,
        String purpose,
        String title,
        String zip_code,
        String addr_state,
        BigDecimal dti,
        Integer delinq_2yrs,
        LocalDate earliest_cr_line,
        BigDecimal revol_bal,
        BigDecimal revol_util,
        Integer total_acc,
        Integer pub_rec) {

    /** The record component names in declaration order. They are also the SQL column names, lower case snake_case. */
    public static final List<String> COLUMNS = List.of(
            "id", "member_id", "loan_amnt", "funded_amnt", "funded_amnt_inv", "term_months", "int_rate",
            "installment", "grade", "sub_grade", "emp_title", "emp_length", "home_ownership", "annual_inc",
            "verification_status", "issue_d", "loan_status", "purpose", "title", "zip_code", "addr_state", "dti",
            "delinq_2yrs", "earliest_cr_line", "revol_bal", "revol_util", "total_acc", "pub_rec");

    /**
     * Canonical constructor.
     *
     * @throws NullPointerException if {@code issue_d} is null
     */
    public Loan {
        Objects.requireNonNull(issue_d, "issue_d");
    }

    /** @return the calendar year of {@link #issue_d()}, e.g. {@code 2015} */
    public int issueYear() {
        return issue_d.getYear();
    }
}
