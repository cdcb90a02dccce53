package io.lakehub.files;

/**
 * A landed file that cannot be ingested as it is: truncated or corrupt gzip, text that is not UTF-8,
 * a bad header, a line with the wrong number of columns, a value that is not of its declared type.
 * The file goes to quarantine with {@link #reason()} and {@link #line()}; retrying it cannot help.
 */
public class MalformedFileException extends RuntimeException {

    private final long line;

    /**
     * @param reason what is wrong, for a person (no stack trace needed)
     * @param line   the 1-based line of the file where it was found (the header is line 1), or 0 when
     *               the problem is not tied to a line
     */
    public MalformedFileException(String reason, long line) {
        super(line > 0 ? reason + " (line " + line + ")" : reason);
        this.line = line;
    }

    /** The 1-based line where the problem was found, or 0. */
    public long line() {
        return line;
    }

    /** The reason without the line. */
    public String reason() {
        String m = getMessage();
        return line > 0 ? m.substring(0, m.length() - (" (line " + line + ")").length()) : m;
    }
}
