package io.lakehub.delta;

import java.util.ConcurrentModificationException;

/**
 * A Delta commit lost the race: another writer committed the version this one was about to write (Delta
 * protocol, "Optimistic Concurrency Control": {@code _delta_log/<version>.json} is created only if absent).
 * The hub never lets the commit be rebased silently over the winner; its callers read the new version and
 * plan the commit again, up to a bounded number of attempts ({@link DeltaTable#COMMIT_ATTEMPTS}), and then
 * throw this. A {@link ConcurrentModificationException}, so the admin API answers 409.
 */
public final class CommitConflictException extends ConcurrentModificationException {

    private static final long serialVersionUID = 1L;

    /**
     * @param table       the table name
     * @param readVersion the version the commit was planned on, -1 for a table that did not exist
     * @param cause       Kernel's conflict exception
     */
    public CommitConflictException(String table, long readVersion, Throwable cause) {
        super("a concurrent commit to " + table + " won the race after version " + readVersion + ": "
                + (cause == null || cause.getMessage() == null ? "version taken" : cause.getMessage()), cause);
    }
}
