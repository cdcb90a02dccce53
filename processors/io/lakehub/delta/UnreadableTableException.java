package io.lakehub.delta;

/**
 * A table whose Delta log the hub cannot read at the version asked for. Thrown instead of the engine's
 * exception, so that an API answers with what is wrong (a status and this message) and a listing of
 * tables shows the table with its error while it lists the others.
 */
public final class UnreadableTableException extends RuntimeException {

    /** Why a table cannot be read. */
    public enum Reason {
        /**
         * The table needs a reader feature or protocol version Delta Kernel does not support (Delta
         * protocol, "Protocol Evolution" / "Table Features"): nothing is wrong with the table.
         */
        UNSUPPORTED_FEATURE,
        /** The log cannot be replayed: a commit or checkpoint file is corrupt, truncated or missing. */
        BROKEN_LOG
    }

    private final String table;
    private final Reason reason;

    /**
     * @param table  the table name
     * @param reason why
     * @param detail what exactly (the feature's name, the file and the parse error); must hold no secret
     * @param cause  the engine's exception
     */
    public UnreadableTableException(String table, Reason reason, String detail, Throwable cause) {
        super("table " + table + " cannot be read: " + (reason == Reason.UNSUPPORTED_FEATURE
                ? "it uses a Delta feature the hub does not read (" + detail + ")"
                : "its Delta log is broken (" + detail + ")"), cause);
        this.table = table;
        this.reason = reason;
    }

    /** The table name. */
    public String table() {
        return table;
    }

    /** Why it cannot be read. */
    public Reason reason() {
        return reason;
    }
}
