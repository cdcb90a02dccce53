package io.lakehub.tmdb;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET requests to the TMDB v3 API through route {@code tmdb-pull-fetch-page} (the camel-http
 * producer behind the rate throttle), with TMDB's authentication and retry rules.
 *
 * <p>Authentication (https://developer.themoviedb.org/docs/authentication-application): a v4 read
 * access token goes in {@code Authorization: Bearer <token>}, otherwise the v3 key in query parameter
 * {@code api_key}. Both travel in message headers of a fresh exchange only, never in the endpoint URI;
 * every message this class produces goes through {@link TmdbProperties#mask(String)}.
 *
 * <p>Retries, at most {@code max-attempts} attempts per request:
 * <ul>
 *   <li>429: wait {@code Retry-After} (delta-seconds or an HTTP-date, RFC 9110 section 10.2.3), or the
 *       backoff when absent; a Retry-After above {@code max-retry-after} fails at once;</li>
 *   <li>5xx, a timeout or a connection failure: exponential backoff from {@code backoff}, doubling,
 *       capped at {@code max-backoff}, with jitter (a random point in the upper half of the delay);</li>
 *   <li>401: fails the run (bad or missing credentials, TMDB status_code 7 or 10);</li>
 *   <li>other 4xx (404 status_code 34, 422 invalid page): fails the request, not retried.</li>
 * </ul>
 * Thread-safe.
 */
public class TmdbApi {

    private static final Logger LOG = LoggerFactory.getLogger(TmdbApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The route that makes one HTTP call. */
    public static final String FETCH_ENDPOINT = "direct:tmdb-pull-fetch-page";

    /** A successful response. @param attempts attempts it took (1 when the first succeeded) */
    public record Response(int status, byte[] body, int attempts) {
    }

    /** Waits between attempts; a test can replace it to record the waits. */
    public interface Sleeper {
        /** Sleeps {@code delay}. @throws InterruptedException when the thread is interrupted */
        void sleep(Duration delay) throws InterruptedException;
    }

    private final ProducerTemplate producer;
    private final TmdbProperties props;
    private final Sleeper sleeper;

    /** Waits between attempts with {@link Thread#sleep(long)}. */
    public TmdbApi(ProducerTemplate producer, TmdbProperties props) {
        this(producer, props, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @param producer sends to {@value #FETCH_ENDPOINT}, which must exist when {@link #get} is called
     * @param sleeper  waits between attempts
     */
    public TmdbApi(ProducerTemplate producer, TmdbProperties props, Sleeper sleeper) {
        this.producer = producer;
        this.props = props;
        this.sleeper = sleeper;
    }

    /**
     * GETs {@code path} (relative to the base URL, e.g. {@code movie/popular}) with query parameters.
     *
     * @param query parameters besides authentication, e.g. {@code page}, {@code language}; empty values are left out
     * @param onRetry called before each wait with a one-line description (for counters), may be null
     * @return the 2xx response
     * @throws TmdbApiException     for a non-retryable status or when the attempts are used up
     * @throws InterruptedException when interrupted while waiting
     */
    public Response get(String path, Map<String, String> query, java.util.function.Consumer<String> onRetry)
            throws TmdbApiException, InterruptedException {
        String what = "GET /" + path + describe(query);
        int max = Math.max(1, props.getMaxAttempts());
        String last = "no attempt";
        int lastStatus = 0;
        for (int attempt = 1; attempt <= max; attempt++) {
            Exchange result = producer.send(FETCH_ENDPOINT, e -> {
                e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                e.getMessage().setHeader(Exchange.HTTP_PATH, path);
                e.getMessage().setHeader(Exchange.HTTP_QUERY, queryString(query));
                e.getMessage().setHeader("Accept", "application/json");
                if ("bearer".equals(props.authMode())) {
                    e.getMessage().setHeader("Authorization", "Bearer " + props.getBearerToken().trim());
                }
            });
            Duration wait;
            if (result.getException() != null) {
                Throwable cause = result.getException();
                lastStatus = 0;
                last = props.mask(cause.getClass().getSimpleName() + ": " + cause.getMessage());
                wait = backoff(attempt);
            } else {
                int status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
                byte[] body = result.getMessage().getBody(byte[].class);
                if (status >= 200 && status < 300) {
                    return new Response(status, body == null ? new byte[0] : body, attempt);
                }
                lastStatus = status;
                last = "HTTP " + status + tmdbError(body);
                if (status == 401) {
                    throw failure(what + " was refused: " + last + "; set TMDB_API_KEY (v3 API key) or "
                            + "TMDB_BEARER_TOKEN (v4 read access token) to valid credentials", status, true);
                } else if (status == 429) {
                    Duration retryAfter = retryAfter(result.getMessage().getHeader("Retry-After", String.class), Instant.now());
                    if (retryAfter != null && retryAfter.compareTo(props.getMaxRetryAfter()) > 0) {
                        throw failure(what + ": " + last + " with Retry-After " + retryAfter.toSeconds()
                                + " s, longer than lakehub.tmdb.max-retry-after (" + props.getMaxRetryAfter().toSeconds()
                                + " s); lower lakehub.tmdb.requests-per-second", status, true);
                    }
                    wait = retryAfter != null ? retryAfter : backoff(attempt);
                } else if (status >= 500) {
                    wait = backoff(attempt);
                } else {
                    throw failure(what + " failed: " + last, status, false);
                }
            }
            if (attempt < max) {
                String note = props.mask(what + ": " + last + "; attempt " + attempt + " of " + max + ", retrying in "
                        + wait.toMillis() + " ms");
                LOG.info("tmdb-pull: {}", note);
                if (onRetry != null) {
                    onRetry.accept(note);
                }
                sleeper.sleep(wait);
            }
        }
        throw failure(what + " failed after " + max + " attempts (lakehub.tmdb.max-attempts): " + last, lastStatus, true);
    }

    /** A failure whose message went through {@link TmdbProperties#mask(String)}. */
    private TmdbApiException failure(String message, int status, boolean fatal) {
        return new TmdbApiException(props.mask(message), status, fatal);
    }

    /** The query as logged: everything but credentials, e.g. {@code ?page=2}. */
    private static String describe(Map<String, String> query) {
        String page = query.get("page");
        return page == null ? "" : "?page=" + page;
    }

    private String queryString(Map<String, String> query) {
        Map<String, String> all = new LinkedHashMap<>(query);
        if ("api-key".equals(props.authMode())) {
            all.put("api_key", props.getApiKey().trim());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** {@code ", TMDB status_code 7: Invalid API key..."} from an error body, or empty if it is not one. */
    static String tmdbError(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.has("status_message")) {
                return ", TMDB status_code " + n.path("status_code").asText("?") + ": " + n.path("status_message").asText();
            }
        } catch (java.io.IOException e) {
            return "";
        }
        return "";
    }

    /**
     * The delay of a {@code Retry-After} header (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date.
     *
     * @return the delay (zero for a date in the past), or null when absent or malformed
     */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.trim();
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The wait before attempt {@code attempt + 1}: backoff * 2^(attempt-1), capped, the upper half randomised. */
    Duration backoff(int attempt) {
        long base = props.getBackoff().toMillis();
        long cap = props.getMaxBackoff().toMillis();
        long delay = Math.min(cap, base << Math.min(attempt - 1, 20));
        long half = delay / 2;
        return Duration.ofMillis(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }
}
