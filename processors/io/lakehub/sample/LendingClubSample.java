package io.lakehub.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the bundled LendingClub sample. This is real public loan data, not generated. The four CSV files live on the
 * classpath under {@value #RESOURCE_DIR}, and {@code PROVENANCE.md} there gives each file's source and license.
 *
 * <p>Parsing rules. They follow the quirks listed in section 1 of the shared data README and in PROVENANCE.md:
 * <ul>
 *   <li>Columns are matched by header name, so the 74-column and the 150-column layouts both work. {@code member_id} is
 *       optional, because the 150-column layout has none. Every other column of {@link Loan} is required in the header.</li>
 *   <li>CRLF and LF line endings are both accepted. The files are read as UTF-8.</li>
 *   <li>An empty field or the literal {@code NA} (R export in the diii16 file) becomes {@code null}.</li>
 *   <li>Numbers may lack a decimal part ({@code 5000}, R export), carry a trailing {@code .0} ({@code 29.0}, even in
 *       integer columns), use scientific notation ({@code 1e+05}, R export), or end in {@code %}. Decimals are rounded
 *       HALF_UP to scale 2. Integer columns must be integral.</li>
 *   <li>{@code term} {@code " 36 months"} becomes {@code term_months} = 36.</li>
 *   <li>Dates {@code Mon-YYYY} ({@code Dec-2011}, English month abbreviations, any case) become the first day of
 *       the month.</li>
 *   <li>{@code emp_length} is kept as given ({@code 10+ years}, {@code < 1 year}). The Kaggle placeholder {@code n/a}
 *       (17 rows of diii16) becomes {@code null}, the same as the empty field the other files use.</li>
 * </ul>
 *
 * <p>De-duplication: the files are read in the order of {@link #FILES}. For each id, the first occurrence is kept.
 * The data README names one shared id (16752402). The files actually share four: 16752402, 1069057, 1053765 and
 * 1066766. In every pair both rows carry the same values.
 * {@link #load()} therefore returns 3,494 loans out of 3,498 data rows.
 *
 * <p>Errors: any unparseable row throws {@link SampleDataException}, naming the file, the line and the column.
 * This covers a wrong field count, a bad number, a bad date or a broken quote. A missing required header also throws.
 */
public final class LendingClubSample {

    /** Classpath folder (no leading slash) that holds the sample files. */
    public static final String RESOURCE_DIR = "sample/lendingclub";

    /**
     * The sample files, in the order they are read. This order decides which copy of a duplicated id is kept.
     * The first three use the 74-column layout and the last uses the 150-column layout.
     */
    public static final List<String> FILES = List.of(
            "lc_loan_sample_gsuryashis.csv",
            "lc_loan_sample_masp2004.csv",
            "lc_loan_first1000_Rexport_diii16.csv",
            "accepted_2007_2018Q4_sample_bbodami.csv");

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader()                 // header names from the first record
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setTrim(false)              // keep " 36 months" as is; values are trimmed per column below
            .get();

    private static final Set<String> OPTIONAL_COLUMNS = Set.of("member_id");
    private static final Pattern TERM = Pattern.compile("(\\d+)\\s*months?", Pattern.CASE_INSENSITIVE);
    private static final DateTimeFormatter MON_YYYY = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("MMM-uuuu")
            .toFormatter(Locale.ENGLISH);

    private static volatile List<Loan> cache;

    private LendingClubSample() {
    }

    /**
     * Parses all of {@link #FILES} from the classpath, maps each row to a {@link Loan}, keeps the first occurrence
     * of each id, and sorts by id ascending.
     *
     * <p>The parsed result is cached after the first successful call.
     *
     * @return an unmodifiable list of 3,494 loans with unique ids, sorted by id
     * @throws SampleDataException if a file is missing from the classpath, lacks a required column, or has a row that
     *                             cannot be parsed. The message names the file and the line.
     */
    public static List<Loan> load() {
        List<Loan> result = cache;
        if (result == null) {
            synchronized (LendingClubSample.class) {
                result = cache;
                if (result == null) {
                    result = parseAll();
                    cache = result;
                }
            }
        }
        return result;
    }

    /**
     * Counts loans per calendar year of {@code issue_d}.
     *
     * @param loans loans to count, for example the result of {@link #load()}. Must not be null.
     * @return a new map from issue year to number of loans, iterating in ascending year order. Years without loans
     *         are absent.
     */
    public static Map<Integer, Long> countByIssueYear(List<Loan> loans) {
        Map<Integer, Long> counts = new TreeMap<>();
        for (Loan loan : loans) {
            counts.merge(loan.issueYear(), 1L, Long::sum);
        }
        return counts;
    }

    private static List<Loan> parseAll() {
        Map<Long, Loan> byId = new LinkedHashMap<>();
        for (String file : FILES) {
            String resource = RESOURCE_DIR + "/" + file;
            InputStream in = LendingClubSample.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new SampleDataException(file, 0, "classpath resource " + resource + " not found", null);
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                for (Loan loan : parse(file, reader)) {
                    byId.putIfAbsent(loan.id(), loan);
                }
            } catch (IOException e) {
                throw new SampleDataException(file, 0, "cannot read: " + e, e);
            }
        }
        List<Loan> loans = new ArrayList<>(byId.values());
        loans.sort(Comparator.comparingLong(Loan::id));
        return List.copyOf(loans);
    }

    /**
     * Parses one CSV in either layout. The caller closes the reader. Rows are returned in file order and are not
     * de-duplicated. This method is package-private so tests can feed small inline CSV texts.
     *
     * @param file   the name used in error messages
     * @param reader the CSV text, header line first
     * @return the loans in file order
     * @throws SampleDataException on a missing required column or a malformed row
     */
    static List<Loan> parse(String file, Reader reader) {
        List<Loan> loans = new ArrayList<>();
        try (CSVParser parser = FORMAT.parse(reader)) {
            List<String> header = parser.getHeaderNames();
            for (String column : Loan.COLUMNS) {
                String source = column.equals("term_months") ? "term" : column;
                if (!OPTIONAL_COLUMNS.contains(source) && !header.contains(source)) {
                    throw new SampleDataException(file, 1, "required column '" + source + "' missing from header", null);
                }
            }
            boolean hasMemberId = header.contains("member_id");
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                long before = parser.getCurrentLineNumber();
                boolean more;
                try {
                    more = it.hasNext(); // parses the next record
                } catch (UncheckedIOException e) {
                    throw new SampleDataException(file, before + 1, "unreadable CSV: " + e.getCause().getMessage(), e);
                }
                if (!more) {
                    break;
                }
                CSVRecord rec = it.next();
                long line = parser.getCurrentLineNumber(); // last physical line of the record
                if (!rec.isConsistent()) {
                    throw new SampleDataException(file, line, "record " + rec.getRecordNumber() + " has " + rec.size()
                            + " fields, header has " + header.size(), null);
                }
                try {
                    loans.add(toLoan(rec, hasMemberId));
                } catch (FieldException e) {
                    throw new SampleDataException(file, line, "record " + rec.getRecordNumber() + ", column "
                            + e.column + ": " + e.getMessage(), e.getCause());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new SampleDataException(file, 0, "cannot read CSV: " + e, e);
        }
        return loans;
    }

    private static Loan toLoan(CSVRecord r, boolean hasMemberId) {
        Long id = longValue(r, "id");
        if (id == null) {
            throw new FieldException("id", "id is required");
        }
        LocalDate issued = monthValue(r, "issue_d");
        if (issued == null) {
            throw new FieldException("issue_d", "issue_d is required");
        }
        return new Loan(
                id,
                hasMemberId ? longValue(r, "member_id") : null,
                money(r, "loan_amnt"),
                money(r, "funded_amnt"),
                money(r, "funded_amnt_inv"),
                termMonths(r),
                money(r, "int_rate"),
                money(r, "installment"),
                text(r, "grade"),
                text(r, "sub_grade"),
                text(r, "emp_title"),
                empLength(r),
                text(r, "home_ownership"),
                money(r, "annual_inc"),
                text(r, "verification_status"),
                issued,
                text(r, "loan_status"),
                text(r, "purpose"),
                text(r, "title"),
                text(r, "zip_code"),
                text(r, "addr_state"),
                money(r, "dti"),
                intValue(r, "delinq_2yrs"),
                monthValue(r, "earliest_cr_line"),
                money(r, "revol_bal"),
                money(r, "revol_util"),
                intValue(r, "total_acc"),
                intValue(r, "pub_rec"));
    }

    /** Trimmed value, or null for an empty field or the literal {@code NA}. */
    private static String text(CSVRecord r, String column) {
        String v = r.get(column);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() || v.equals("NA") ? null : v;
    }

    private static BigDecimal decimal(CSVRecord r, String column) {
        String v = text(r, column);
        if (v == null) {
            return null;
        }
        if (v.endsWith("%")) {
            v = v.substring(0, v.length() - 1).trim();
        }
        try {
            return new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw new FieldException(column, "cannot parse '" + r.get(column) + "' as a number", e);
        }
    }

    private static BigDecimal money(CSVRecord r, String column) {
        BigDecimal d = decimal(r, column);
        return d == null ? null : d.setScale(2, RoundingMode.HALF_UP);
    }

    private static Integer intValue(CSVRecord r, String column) {
        BigDecimal d = decimal(r, column);
        try {
            return d == null ? null : d.intValueExact();
        } catch (ArithmeticException e) {
            throw new FieldException(column, "'" + r.get(column) + "' is not an integer in int range", e);
        }
    }

    private static Long longValue(CSVRecord r, String column) {
        BigDecimal d = decimal(r, column);
        try {
            return d == null ? null : d.longValueExact();
        } catch (ArithmeticException e) {
            throw new FieldException(column, "'" + r.get(column) + "' is not an integer in long range", e);
        }
    }

    private static Integer termMonths(CSVRecord r) {
        String v = text(r, "term");
        if (v == null) {
            return null;
        }
        Matcher m = TERM.matcher(v);
        if (!m.matches()) {
            throw new FieldException("term", "expected e.g. ' 36 months' but got '" + r.get("term") + "'");
        }
        return Integer.valueOf(m.group(1));
    }

    private static String empLength(CSVRecord r) {
        String v = text(r, "emp_length");
        return v == null || v.equalsIgnoreCase("n/a") ? null : v;
    }

    private static LocalDate monthValue(CSVRecord r, String column) {
        String v = text(r, column);
        if (v == null) {
            return null;
        }
        try {
            return YearMonth.parse(v, MON_YYYY).atDay(1);
        } catch (DateTimeParseException e) {
            throw new FieldException(column, "expected Mon-YYYY like 'Dec-2011' but got '" + r.get(column) + "'", e);
        }
    }

    /** Internal: a bad field. {@link #parse} turns it into a {@link SampleDataException} that names the file and line. */
    private static final class FieldException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String column;

        FieldException(String column, String message) {
            this(column, message, null);
        }

        FieldException(String column, String message, Throwable cause) {
            super(message, cause);
            this.column = column;
        }
    }

    /**
     * Thrown when a sample file cannot be read or a row cannot be mapped to a {@link Loan}. The message has the form
     * {@code <file> line <n>: <what went wrong>} (without {@code line <n>} when the
     * problem is not tied to a line). Line numbers are 1-based physical lines, and the header is line 1.
     * For a record that spans several lines, the number is the record's last line. It is 0 when the problem is not
     * tied to one line, for example a missing resource.
     */
    public static final class SampleDataException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String file;
        private final long line;

        SampleDataException(String file, long line, String problem, Throwable cause) {
            super(file + (line > 0 ? " line " + line : "") + ": " + problem, cause);
            this.file = file;
            this.line = line;
        }

        /** @return the sample file name, without folder */
        public String file() {
            return file;
        }

        /** @return the 1-based physical line number, 0 if not tied to a line */
        public long line() {
            return line;
        }
    }

    /**
     * Returns the loans whose {@code issue_d} year is in {@code years}, in the order given.
     *
     * @param loans loans to filter, usually {@link #load()}
     * @param years issue years to keep
     * @return a new mutable list
     */
    static List<Loan> issuedIn(List<Loan> loans, Collection<Integer> years) {
        List<Loan> out = new ArrayList<>();
        for (Loan loan : loans) {
            if (years.contains(loan.issueYear())) {
                out.add(loan);
            }
        }
        return out;
    }
}
