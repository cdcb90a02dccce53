package io.lakehub.files;

import java.util.Locale;

/**
 * The {@code max-bad-rows} threshold of a file kind: how many records of one landed file may be rejected
 * (each to {@code quarantine/files/.../<name>.<runId>.rejects.jsonl}) while its good rows still land. Above
 * it the whole file is quarantined and nothing of it lands.
 *
 * <p>Written as a count ({@code 0}, {@code 100}: at most that many bad records) or a fraction of the
 * records read ({@code 0.01} or {@code 1%}: at most 1 %). {@code 0} (the default) keeps the strict rule:
 * the first bad record quarantines the file, with that record's reason and line. A count is checked as
 * the file is read, so a file far over it stops early; a fraction only at the end, when the records read
 * are known. Immutable.
 *
 * @param count    the most bad records allowed, or -1 when {@code fraction} applies
 * @param fraction the largest share of bad records among those read, or -1 when {@code count} applies
 */
public record BadRowLimit(long count, double fraction) {

    /** No bad record allowed: the first one quarantines the file. */
    public static final BadRowLimit NONE = new BadRowLimit(0, -1);

    /**
     * Parses a setting.
     *
     * @param text  {@code <n>}, {@code <0..1 with a dot>} or {@code <p>%}; null or blank gives {@link #NONE}
     * @param where the configuration key, for the message
     * @throws IllegalArgumentException naming {@code where} for a negative number, a fraction above 1, or text
     */
    public static BadRowLimit parse(String text, String where) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("%")) {
                double p = Double.parseDouble(t.substring(0, t.length() - 1).strip());
                return fraction(p / 100, text, where);
            }
            if (t.contains(".") || t.contains("e")) {
                return fraction(Double.parseDouble(t), text, where);
            }
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new IllegalArgumentException(where + " must not be negative: " + text);
            }
            return new BadRowLimit(n, -1);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be a count (100) or a fraction (0.01, 1%): " + text);
        }
    }

    private static BadRowLimit fraction(double f, String text, String where) {
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException(where + " as a fraction must be between 0 and 1 (0% and 100%): " + text);
        }
        return new BadRowLimit(-1, f);
    }

    /** Whether no bad record is allowed at all. */
    public boolean strict() {
        return count == 0 || fraction == 0;
    }

    /** Whether {@code rejected} bad records already exceed a count limit (checked while reading). */
    public boolean exceededWhileReading(long rejected) {
        return count >= 0 && rejected > count;
    }

    /** Whether {@code rejected} of {@code read} records exceed the limit (checked at the end of the file). */
    public boolean exceeded(long rejected, long read) {
        return count >= 0 ? rejected > count : rejected > fraction * read;
    }

    @Override
    public String toString() {
        return count >= 0 ? Long.toString(count) : fraction * 100 + "%";
    }
}
