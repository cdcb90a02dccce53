package io.lakehub.files;

/**
 * A dump that parses but is not trusted to replace its tables: it has no data rows, or far fewer rows
 * than the main table holds now (a cut or partial export). The file goes to quarantine like a
 * malformed one, with {@link #reason()} and the {@link #rule()} of its kind that held it, and every
 * table keeps its version. To let it through, change the rule ({@code lakehub.files.kinds[].allow-empty},
 * {@code min-rows-ratio}) and land the file again.
 */
public class HeldDumpException extends MalformedFileException {

    private final String rule;

    /**
     * @param reason what was found, for a person
     * @param rule   the kind setting that held the dump: {@code allow-empty} or {@code min-rows-ratio}
     */
    public HeldDumpException(String reason, String rule) {
        super(reason, 0);
        this.rule = rule;
    }

    /** The kind setting that held the dump: {@code allow-empty} or {@code min-rows-ratio}. */
    public String rule() {
        return rule;
    }
}
