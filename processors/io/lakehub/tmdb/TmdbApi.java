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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * GET requests to the TMDB v3 API through route {@code tmdb-pull-fetch-page} (the camel-http
 * producer behind the rate throttle), with TMDB's authentication and error rules.
 *
 * <p>Authentication (https://developer.themoviedb.org/docs/authentication-application): a v4 read
 * access token goes in {@code Authorization: Bearer <token>}, otherwise the v3 key in query parameter
 * {@code api_key}. Both travel in message headers of a fresh exchange only, never in the endpoint URI;
 * every message this class produces goes through {@link TmdbProperties#mask(String)}.
 *
 * <p>Retries are Camel redeliveries in the route (routeConfiguration {@code tmdb-pull-fetch-errors},
 * rules in {@link TmdbRetry}), at most {@code max-attempts} attempts per request: a 429 waits its
 * {@code Retry-After}, a 5xx, timeout or refused connection the exponential backoff. What comes back
 * here is the outcome after the redeliveries:
 * <ul>
 *   <li>2xx: the response, with the attempts it took ({@code CamelRedeliveryCounter} + 1);</li>
 *   <li>401: fails the run (bad or missing credentials, TMDB status_code 7 or 10);</li>
 *   <li>429 with a Retry-After above {@code max-retry-after}: fails the run at once, not retried;</li>
 *   <li>429, 5xx or no response after the last attempt: fails the run;</li>
 *   <li>other 4xx (404 status_code 34, 422 invalid page): fails the request, not retried.</li>
 * </ul>
 * Thread-safe.
 */
public class TmdbApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The route that makes one HTTP call. */
    public static final String FETCH_ENDPOINT = "direct:tmdb-pull-fetch-page";

    /** A successful response. @param attempts attempts it took (1 when the first succeeded) */
    public record Response(int status, byte[] body, int attempts) {
    }

    private final ProducerTemplate producer;
    private final TmdbProperties props;

    /** @param producer sends to {@value #FETCH_ENDPOINT}, which must exist when {@link #get} is called */
    public TmdbApi(ProducerTemplate producer, TmdbProperties props) {
        this.producer = producer;
        this.props = props;
    }

    /**
     * GETs {@code path} (relative to the base URL, e.g. {@code movie/popular}) with query parameters.
     *
     * @param query parameters besides authentication, e.g. {@code page}, {@code language}; empty values are left out
     * @param onRetry called once per redelivery the request took (for counters), may be null
     * @return the 2xx response
     * @throws TmdbApiException     for a non-retryable status or when the attempts are used up
     * @throws InterruptedException when interrupted while waiting
     */
    public Response get(String path, Map<String, String> query, java.util.function.Consumer<String> onRetry)
            throws TmdbApiException, InterruptedException {
        String what = "GET /" + path + describe(query);
        int max = Math.max(1, props.getMaxAttempts());
        Exchange result = producer.send(FETCH_ENDPOINT, e -> {
            e.setVariable("tmdbRequest", what);
            e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            e.getMessage().setHeader(Exchange.HTTP_PATH, path);
            e.getMessage().setHeader(Exchange.HTTP_QUERY, queryString(query));
            e.getMessage().setHeader("Accept", "application/json");
            if ("bearer".equals(props.authMode())) {
                e.getMessage().setHeader("Authorization", "Bearer " + props.getBearerToken().trim());
            }
        });
        int redeliveries = result.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        if (onRetry != null) {
            for (int i = 1; i <= redeliveries; i++) {
                onRetry.accept(what + ": retry " + i);
            }
        }
        int attempts = redeliveries + 1;
        Throwable cause = result.getException();
        if (cause instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException(what + " interrupted");
        }
        if (cause == null) {
            int status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
            byte[] body = result.getMessage().getBody(byte[].class);
            return new Response(status, body == null ? new byte[0] : body, attempts);
        }
        String last = props.mask(TmdbRetry.describe(cause));
        if (cause instanceof HttpOperationFailedException h) {
            int status = h.getStatusCode();
            if (status == 401) {
                throw failure(what + " was refused: " + last + "; set TMDB_API_KEY (v3 API key) or "
                        + "TMDB_BEARER_TOKEN (v4 read access token) to valid credentials", status, true);
            }
            if (status == 429) {
                Duration retryAfter = retryAfter(TmdbRetry.header(h.getResponseHeaders(), "Retry-After"), Instant.now());
                if (retryAfter != null && retryAfter.compareTo(props.getMaxRetryAfter()) > 0) {
                    throw failure(what + ": " + last + " with Retry-After " + retryAfter.toSeconds()
                            + " s, longer than lakehub.tmdb.max-retry-after (" + props.getMaxRetryAfter().toSeconds()
                            + " s); lower lakehub.tmdb.requests-per-second", status, true);
                }
            } else if (status < 500) {
                throw failure(what + " failed: " + last, status, false);
            }
            throw failure(what + " failed after " + attempts + " attempts (lakehub.tmdb.max-attempts " + max + "): "
                    + last, status, true);
        }
        throw failure(what + " failed after " + attempts + " attempts (lakehub.tmdb.max-attempts " + max + "): "
                + last, 0, true);
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
}
