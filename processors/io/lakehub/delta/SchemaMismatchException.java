package io.lakehub.delta;

/**
 * A load's columns cannot be written into the table's schema: a column changed type, or a key
 * column is missing. The load is not committed, so the table and its watermark stay where they were.
 */
public class SchemaMismatchException extends RuntimeException {

    /** @param message names the table, the column, and the old and new types */
    public SchemaMismatchException(String message) {
        super(message);
    }
}
