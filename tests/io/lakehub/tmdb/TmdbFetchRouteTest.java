package io.lakehub.tmdb;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Route {@code tmdb-pull-fetch-page} from routes/tmdb-pull.camel.yaml with {@link TmdbApi}, no Spring:
 * the throttle keeps the configured request rate, a bearer token goes in the Authorization header
 * and not in the query, and a Retry-After above the bound fails at once.
 */
class TmdbFetchRouteTest {

    WireMockServer tmdb;
    DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        tmdb = new WireMockServer(wireMockConfig().dynamicPort());
        tmdb.start();
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/popular")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(TmdbPullFlowTest.resource("popular_p1_2019-01-23_fr_arias800.json"))));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("tmdbHttpClientConfigurer", new TmdbHttpClientConfigurer());
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "classpath:routes/tmdb-pull.camel.yaml"));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        tmdb.stop();
    }

    private void fetchRoute(int requestsPerSecond) throws Exception {
        TemplatedRouteBuilder.builder(camel, "tmdb-pull-fetch-page").routeId("tmdb-pull-fetch-page")
                .parameter("baseUrl", tmdb.baseUrl() + "/3")
                .parameter("requestsPerSecond", Integer.toString(requestsPerSecond))
                .parameter("connectTimeout", "2000")
                .parameter("responseTimeout", "5000")
                .add();
    }

    @Test
    void theThrottleKeepsTheConfiguredRequestRate() throws Exception {
        fetchRoute(2);
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("rate-test-key");
        TmdbApi api = new TmdbApi(camel.createProducerTemplate(), props);
        for (int page = 1; page <= 6; page++) {
            assertThat(api.get("movie/popular", Map.of("page", Integer.toString(page)), null).status()).isEqualTo(200);
        }
        List<Long> times = new ArrayList<>();
        tmdb.getAllServeEvents().forEach(e -> times.add(e.getRequest().getLoggedDate().getTime()));
        times.sort(Long::compare);
        assertThat(times).hasSize(6);
        // times are when WireMock received each request; the first one also carries the connection set-up,
        // so windows are checked from the second request on, and the whole span must cover 3 periods
        for (int i = 3; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 2)).as("at most 2 requests in any second (ms between request "
                    + (i - 1) + " and " + (i + 1) + ")").isGreaterThanOrEqualTo(900);
        }
        assertThat(times.get(5) - times.get(0)).as("6 requests at 2 per second span 2 periods (ms)").isGreaterThanOrEqualTo(1900);
    }

    @Test
    void aBearerTokenTravelsInTheAuthorizationHeaderOnly() throws Exception {
        fetchRoute(50);
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("unused-key");
        props.setBearerToken("eyJ-test-token");
        TmdbApi api = new TmdbApi(camel.createProducerTemplate(), props);
        api.get("movie/popular", Map.of("page", "1", "language", "fr-FR", "region", ""), null);
        tmdb.verify(1, getRequestedFor(urlPathEqualTo("/3/movie/popular"))
                .withHeader("Authorization", equalTo("Bearer eyJ-test-token"))
                .withQueryParam("api_key", absent())
                .withQueryParam("region", absent())
                .withQueryParam("language", equalTo("fr-FR")));
    }

    @Test
    void aRetryAfterLongerThanTheBoundFailsAtOnce() throws Exception {
        fetchRoute(50);
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/upcoming")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", new Date(System.currentTimeMillis() + 3_600_000L).toInstant()
                        .atZone(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME))));
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("secret-key-429");
        TmdbApi api = new TmdbApi(camel.createProducerTemplate(), props, d -> {
            throw new AssertionError("no wait expected, got " + d);
        });
        assertThatThrownBy(() -> api.get("movie/upcoming", Map.of("page", "1"), null))
                .isInstanceOf(TmdbApiException.class)
                .hasMessageContaining("GET /movie/upcoming?page=1: HTTP 429 with Retry-After")
                .hasMessageContaining("lakehub.tmdb.max-retry-after")
                .hasMessageNotContaining("secret-key-429");
        tmdb.verify(1, getRequestedFor(urlPathEqualTo("/3/movie/upcoming")));
    }
}
