package io.lakehub.lakesql;

/**
 * A statement the SQL layer does not run, or that the engine rejected: not a single SELECT, a refused
 * construct (a table function that reads files, a statement that writes or configures), an unknown table
 * or version, or the engine's own error (syntax, binding, a type error, the statement timeout). The
 * message is the reason, with the engine's message where the engine gave one; the admin API answers 400
 * (an {@link IllegalArgumentException}, which {@code ApiErrors} maps to 400).
 */
public class SqlRefusedException extends IllegalArgumentException {

    /** @param message the reason, shown to the client */
    public SqlRefusedException(String message) {
        super(message);
    }

    /**
     * @param message the reason, shown to the client
     * @param cause   the engine's exception
     */
    public SqlRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
