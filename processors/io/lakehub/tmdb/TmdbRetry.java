package io.lakehub.tmdb;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * TMDB's retry rules for Camel's redelivery in route {@code tmdb-pull-fetch-page}
 * (routeConfiguration {@code tmdb-pull-fetch-errors} in routes/tmdb-pull.camel.yaml), so every retry is
 * a Camel redelivery: counted in the route statistics (JMX {@code Redeliveries}, the Hawtio console) and
 * in header {@code CamelRedeliveryCounter}.
 *
 * <ul>
 *   <li>{@link #retryable(Exchange)}, the {@code onWhen} of the redelivered exceptions: a 429 whose
 *       {@code Retry-After} is absent or at most {@code max-retry-after}, a 5xx, or an {@link IOException}
 *       (timeout, refused connection). Anything else (401, 404, 422, a longer Retry-After) is not retried.</li>
 *   <li>{@link #process(Exchange)}, the {@code onExceptionOccurred} processor: for a 429 with
 *       {@code Retry-After} (delta-seconds or an HTTP-date, RFC 9110 section 10.2.3) it sets header
 *       {@code CamelRedeliveryDelay}, which Camel's redelivery waits instead of the backoff; it logs one
 *       INFO line per retry (masked, DESIGN.md invariant 7).</li>
 *   <li>{@link #redeliveryPolicy(TmdbProperties)}, bean {@code tmdbRedeliveryPolicy}: at most
 *       {@code max-attempts - 1} redeliveries, exponential backoff from {@code backoff} doubling up to
 *       {@code max-backoff}, with collision avoidance (each delay varied by up to 25 %) as jitter.</li>
 * </ul>
 * Variable {@code tmdbRequest} (set by {@link TmdbApi}) names the request in log lines, e.g.
 * {@code GET /movie/popular?page=2}. Thread-safe.
 */
public class TmdbRetry implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(TmdbRetry.class);

    /** Bean name of the onExceptionOccurred processor and the onWhen predicate. */
    public static final String BEAN = "tmdbRetry";
    /** Bean name of the redelivery policy. */
    public static final String POLICY_BEAN = "tmdbRedeliveryPolicy";

    private final TmdbProperties props;

    public TmdbRetry(TmdbProperties props) {
        this.props = props;
    }

    /** Registers {@value #BEAN} and {@value #POLICY_BEAN} from {@code lakehub.tmdb.*}. */
    @Configuration(proxyBeanMethods = false)
    public static class Beans {
        /** The onExceptionOccurred processor and onWhen predicate. */
        @Bean(BEAN)
        public TmdbRetry tmdbRetry(TmdbProperties props) {
            return new TmdbRetry(props);
        }

        /** The redelivery policy of route tmdb-pull-fetch-page. */
        @Bean(POLICY_BEAN)
        public RedeliveryPolicy tmdbRedeliveryPolicy(TmdbProperties props) {
            return redeliveryPolicy(props);
        }
    }

    /**
     * Camel's redelivery policy for TMDB requests: {@code maximumRedeliveries = max-attempts - 1} (at least 0),
     * {@code redeliveryDelay = backoff}, {@code useExponentialBackOff} with multiplier 2, {@code maximumRedeliveryDelay
     * = max-backoff}, collision avoidance factor 0.25. Camel's own retry and exhaustion logs are off: their
     * messages carry the request URI, whose query holds the API key; {@link #process} and {@link TmdbApi} log instead.
     */
    public static RedeliveryPolicy redeliveryPolicy(TmdbProperties props) {
        RedeliveryPolicy p = new RedeliveryPolicy();
        p.setMaximumRedeliveries(Math.max(0, props.getMaxAttempts() - 1));
        p.setRedeliveryDelay(props.getBackoff().toMillis());
        p.setUseExponentialBackOff(true);
        p.setBackOffMultiplier(2);
        p.setMaximumRedeliveryDelay(props.getMaxBackoff().toMillis());
        p.setUseCollisionAvoidance(true);
        p.setCollisionAvoidanceFactor(0.25);
        p.setLogRetryAttempted(false);
        p.setLogExhausted(false);
        p.setLogStackTrace(false);
        p.setLogHandled(false);
        p.setRetriesExhaustedLogLevel(LoggingLevel.DEBUG);
        p.setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        return p;
    }

    /** Whether the exception of {@code exchange} is retried (see the class comment). */
    public boolean retryable(Exchange exchange) {
        Throwable e = caught(exchange);
        if (e instanceof HttpOperationFailedException h) {
            int status = h.getStatusCode();
            if (status == 429) {
                Duration retryAfter = retryAfter(header(h.getResponseHeaders(), "Retry-After"), Instant.now());
                return retryAfter == null || retryAfter.compareTo(props.getMaxRetryAfter()) <= 0;
            }
            return status >= 500;
        }
        return e instanceof IOException || (e != null && e.getCause() instanceof IOException);
    }

    /** Sets {@code CamelRedeliveryDelay} from a 429's Retry-After, and logs the retry. */
    @Override
    public void process(Exchange exchange) {
        Throwable e = caught(exchange);
        Integer counter = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        String what = describe(e);
        String delay = "with backoff";
        if (e instanceof HttpOperationFailedException h && h.getStatusCode() == 429) {
            Duration retryAfter = retryAfter(header(h.getResponseHeaders(), "Retry-After"), Instant.now());
            if (retryAfter != null) {
                exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryAfter.toMillis());
                delay = "in " + retryAfter.toMillis() + " ms (Retry-After)";
            }
        }
        if (counter != null && max != null && counter <= max) {
            LOG.info("tmdb-pull: {}", props.mask(exchange.getVariable("tmdbRequest", "GET", String.class) + ": " + what
                    + "; attempt " + counter + " of " + (max + 1) + ", retrying " + delay));
        }
    }

    /** {@code HTTP 429, TMDB status_code 25: ...}, or the exception class and message (masked by the caller). */
    static String describe(Throwable e) {
        if (e instanceof HttpOperationFailedException h) {
            String body = h.getResponseBody();
            return "HTTP " + h.getStatusCode() + TmdbApi.tmdbError(body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return e == null ? "no response" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static Throwable caught(Exchange exchange) {
        Throwable e = exchange.getException();
        return e != null ? e : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    /** A header of a response by case-insensitive name, or null. */
    static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /**
     * The delay of a {@code Retry-After} header (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date.
     *
     * @return the delay (zero for a date in the past), or null when absent or malformed
     */
    static Duration retryAfter(String header, Instant now) {
        return TmdbApi.retryAfter(header, now);
    }
}
