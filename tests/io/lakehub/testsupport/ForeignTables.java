package io.lakehub.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.TableSchema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

/**
 * The Delta tables Apache Spark 4.1.3 + Delta 4.3.1 wrote ({@code tests/resources/delta-foreign/}, see
 * its README): where they are, how to copy one into a lake, and what Spark says each version holds.
 */
public final class ForeignTables {

    /** The fixture tables. */
    public static final List<String> NAMES = List.of("deletion_vectors", "column_mapping", "timestamp_ntz", "spark_plain");

    /** The fixtures' CSV: non-null values quoted, an unquoted empty field is null (PostgreSQL COPY CSV). */
    private static final CSVFormat EXPECTED = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .setNullString("").setQuoteMode(QuoteMode.ALL_NON_NULL).get();

    private ForeignTables() {
    }

    /** The folder holding the fixtures (on the test class path). */
    public static Path root() {
        try {
            return Paths.get(ForeignTables.class.getClassLoader().getResource("delta-foreign/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copies fixture {@code name} to {@code target} (created; the table's folder itself).
     *
     * @return {@code target}
     */
    public static Path copy(String name, Path target) {
        Path from = root().resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The row count of each version, as Spark counts them (deletion vectors applied). */
    public static NavigableMap<Long, Long> versionCounts(String name) {
        NavigableMap<Long, Long> out = new TreeMap<>();
        Path listed = root().resolve(name + ".versions.txt");
        try {
            if (Files.exists(listed)) {
                for (String line : Files.readAllLines(listed)) {
                    if (!line.isBlank()) {
                        String[] p = line.trim().split("\\s+");
                        out.put(Long.parseLong(p[0]), Long.parseLong(p[1]));
                    }
                }
            } else {
                expectedVersions(name).forEach((v, csv) -> out.put(v, (long) expectedRows(csv).size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The versions with an expected CSV, to that CSV: every version for spark_plain, else the latest. */
    public static NavigableMap<Long, Path> expectedVersions(String name) {
        NavigableMap<Long, Path> out = new TreeMap<>();
        Path latest = root().resolve(name + ".expected.csv");
        if (Files.exists(latest)) {
            out.put(versionCounts(name).lastKey(), latest);
            return out;
        }
        for (long v = 0; Files.exists(root().resolve(name + ".expected-v" + v + ".csv")); v++) {
            out.put(v, root().resolve(name + ".expected-v" + v + ".csv"));
        }
        return out;
    }

    /** The header of an expected CSV. */
    public static List<String> expectedHeader(Path csv) {
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser p = EXPECTED.parse(in)) {
            return p.getHeaderNames();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of an expected CSV, each a list of texts (null for null), in file order. */
    public static List<List<String>> expectedRows(Path csv) {
        List<List<String>> out = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser p = EXPECTED.parse(in)) {
            for (CSVRecord r : p) {
                out.add(new ArrayList<>(r.toList()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * One value in a form that compares equal when the value is the same: a timestamp as its instant, a
     * decimal without trailing zeros, other values as their text.
     */
    public static String canonical(Object value) {
        if (value == null) {
            return null;
        } else if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        } else if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        } else if (value instanceof Float f) {
            return new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    /**
     * {@link #canonical} of a fixture CSV text of a column of type {@code type}: timestamps in ISO-8601 or
     * PostgreSQL's {@code 2024-01-01 01:00:00.123457+00} form.
     */
    public static String canonicalText(ColumnType type, String text) {
        if (text == null) {
            return null;
        }
        String name = type.typeName();
        switch (name) {
            case "timestamp": {
                String t = text.replace(' ', 'T');
                if (t.matches(".*[+-]\\d\\d$")) {
                    t = t + ":00";
                }
                return OffsetDateTime.parse(t).toInstant().toString();
            }
            case "timestamp_ntz":
                return LocalDateTime.parse(text.replace(' ', 'T')).toString();
            case "date":
                return LocalDate.parse(text).toString();
            case "double":
            case "float":
                return BigDecimal.valueOf(Double.parseDouble(text)).stripTrailingZeros().toPlainString();
            case "boolean":
                return Boolean.toString(text.equals("t") || Boolean.parseBoolean(text));
            default:
                if (name.startsWith("decimal")) {
                    return new BigDecimal(text).stripTrailingZeros().toPlainString();
                }
                return text;
        }
    }

    /** Rows of an expected CSV by id (first column), each as canonical texts of {@code schema}'s columns. */
    public static Map<Long, List<String>> expectedById(Path csv, TableSchema schema) {
        Map<Long, List<String>> out = new TreeMap<>();
        for (List<String> row : expectedRows(csv)) {
            List<String> c = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                c.add(canonicalText(schema.column(i).type(), row.get(i)));
            }
            out.put(Long.parseLong(row.get(0)), c);
        }
        return out;
    }

    /** Rows as canonical texts by id (first column). */
    public static Map<Long, List<String>> byId(Iterable<Object[]> rows) {
        Map<Long, List<String>> out = new TreeMap<>();
        for (Object[] row : rows) {
            List<String> c = new ArrayList<>();
            for (Object v : row) {
                c.add(canonical(v));
            }
            out.put(((Number) row[0]).longValue(), c);
        }
        return out;
    }

}
