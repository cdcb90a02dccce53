package io.lakehub.delta;

/**
 * A table version whose log still describes it but whose data files are gone: VACUUM removed files
 * that newer versions no longer reference, so older versions that did reference them cannot be read
 * any more (Delta protocol, "Vacuum"; Spark fails such a read with {@code FileNotFoundException}).
 * The admin API answers 410 Gone. Raised before any row is returned whenever the missing files are
 * detected up front, so a client never receives a partial result with a success status.
 */
public class VersionGoneException extends RuntimeException {

    private final String table;
    private final long version;
    private final int missingFiles;

    /**
     * @param table        the table name
     * @param version      the version that was asked for
     * @param missingFiles how many of the data files that version needs are missing (at least 1)
     */
    public VersionGoneException(String table, long version, int missingFiles) {
        super("version " + version + " of " + table + " can no longer be read: its data files were removed by VACUUM ("
                + missingFiles + (missingFiles == 1 ? " file is" : " files are") + " missing)");
        this.table = table;
        this.version = version;
        this.missingFiles = missingFiles;
    }

    /** The table name. */
    public String table() {
        return table;
    }

    /** The version that was asked for. */
    public long version() {
        return version;
    }

    /** How many data files of the version are missing. */
    public int missingFiles() {
        return missingFiles;
    }

    /** Whether {@code e} or one of its causes says that a file does not exist. */
    public static boolean isMissingFile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.FileNotFoundException) {
                return true;
            }
        }
        return false;
    }
}
