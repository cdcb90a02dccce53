package io.lakehub.tmdb;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of route {@code tmdb-pull-fetch-page}: Apache HttpClient 5's own retries are off,
 * because its default strategy silently re-executes a 429 or 503 once; the route's redelivery
 * ({@link TmdbRetry}) alone decides retries, so that each one is bounded by {@code lakehub.tmdb.max-attempts},
 * counted and logged. Sends
 * {@code User-Agent: lakehub/0.1.0}.
 */
@Component("tmdbHttpClientConfigurer")
public class TmdbHttpClientConfigurer implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries().setUserAgent("lakehub/0.1.0");
    }
}
