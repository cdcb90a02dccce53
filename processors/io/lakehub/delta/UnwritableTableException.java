package io.lakehub.delta;

/**
 * A write (tag, table property, OPTIMIZE, VACUUM) asked of a table whose protocol the hub's writer does
 * not support: the hub still writes through delta-standalone, which writes protocol (1,2) only (Delta
 * protocol, "Protocol Evolution"), while such a table needs a newer reader or writer version or table
 * features. The table stays readable. An {@link IllegalStateException}, so the API answers 409.
 */
public final class UnwritableTableException extends IllegalStateException {

    private final String table;

    /**
     * @param table    the table name
     * @param protocol its protocol as {@link TableSnapshot#protocol()} gives it
     */
    public UnwritableTableException(String table, java.util.Map<String, Object> protocol) {
        super("table " + table + " has protocol " + protocol + "; the hub writes protocol (1,2) tables only, so it can"
                + " read, export, diff and replicate this table but not change it");
        this.table = table;
    }

    /** The table name. */
    public String table() {
        return table;
    }
}
