package io.lakehub.delta;

/**
 * A table version that cannot be read correctly by a plain reader of its Parquet files, because it uses
 * a Delta table feature that changes what the files mean: deletion vectors (rows of a file marked
 * deleted outside it), column mapping (physical column names differ from the schema's), or any reader
 * feature this hub does not know (PROTOCOL.md "Reader Requirements"). Reading the files as they are
 * would give wrong rows, so the read is refused with this error, which names the table, the version and
 * the feature.
 */
public class UnreadableVersionException extends RuntimeException {

    private final String table;
    private final long version;

    /**
     * @param table   the table name
     * @param version the version, or -1 when the table's log could not be read at all
     * @param reason  the feature or protocol that prevents a plain read
     */
    public UnreadableVersionException(String table, long version, String reason) {
        super("table " + table + (version >= 0 ? " version " + version : "") + " cannot be read from its Parquet files"
                + " alone: " + reason);
        this.table = table;
        this.version = version;
    }

    public String table() {
        return table;
    }

    public long version() {
        return version;
    }
}
