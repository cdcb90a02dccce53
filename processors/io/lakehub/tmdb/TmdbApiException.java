package io.lakehub.tmdb;

/**
 * A TMDB request that failed for good: a non-retryable status, or retries exhausted. The message
 * names the HTTP status, TMDB's {@code status_code} and {@code status_message} (see
 * https://developer.themoviedb.org/docs/errors) and never the API key or token.
 */
public class TmdbApiException extends Exception {

    private final int httpStatus;
    private final boolean fatal;

    /**
     * @param httpStatus the last HTTP status, or 0 when no response came (timeout, connection refused)
     * @param fatal      whether the whole run must stop (bad credentials, retries exhausted), not just one list
     */
    public TmdbApiException(String message, int httpStatus, boolean fatal) {
        super(message);
        this.httpStatus = httpStatus;
        this.fatal = fatal;
    }

    /** The last HTTP status, or 0 when no response came. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether the whole run stops (401, retries exhausted), rather than only the list being pulled. */
    public boolean fatal() {
        return fatal;
    }
}
