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
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
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

    private void fetchRoute(int requestsPerSecond, TmdbProperties props) throws Exception {
        camel.getRegistry().bind(TmdbRetry.BEAN, new TmdbRetry(props));
        camel.getRegistry().bind(TmdbRetry.POLICY_BEAN, TmdbRetry.redeliveryPolicy(props));
        TemplatedRouteBuilder.builder(camel, "tmdb-pull-fetch-page").routeId("tmdb-pull-fetch-page")
                .parameter("baseUrl", tmdb.baseUrl() + "/3")
                .parameter("requestsPerSecond", Integer.toString(requestsPerSecond))
                .parameter("connectTimeout", "2000")
                .parameter("responseTimeout", "5000")
                .add();
    }

    @Test
    void theThrottleKeepsTheConfiguredRequestRate() throws Exception {
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("rate-test-key");
        fetchRoute(2, props);
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
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("unused-key");
        props.setBearerToken("eyJ-test-token");
        fetchRoute(50, props);
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
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/upcoming")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", new Date(System.currentTimeMillis() + 3_600_000L).toInstant()
                        .atZone(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME))));
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("secret-key-429");
        fetchRoute(50, props);
        TmdbApi api = new TmdbApi(camel.createProducerTemplate(), props);
        long started = System.nanoTime();
        assertThatThrownBy(() -> api.get("movie/upcoming", Map.of("page", "1"), null))
                .isInstanceOf(TmdbApiException.class)
                .hasMessageContaining("GET /movie/upcoming?page=1: HTTP 429 with Retry-After")
                .hasMessageContaining("lakehub.tmdb.max-retry-after")
                .hasMessageNotContaining("secret-key-429");
        tmdb.verify(1, getRequestedFor(urlPathEqualTo("/3/movie/upcoming")));
        assertThat(System.nanoTime() - started).as("no wait (ns)").isLessThan(5_000_000_000L);
        assertThat(camel.getRoute("tmdb-pull-fetch-page")).isNotNull();
    }

    @Test
    void a429WithRetryAfterIsRedeliveredByTheRouteAndCountedInItsStatistics() throws Exception {
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/now_playing")).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"status_code\":25,\"status_message\":\"Your request count (41) is over the allowed limit of (40).\"}"))
                .willSetStateTo("served"));
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/now_playing")).inScenario("429").whenScenarioStateIs("served")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(TmdbPullFlowTest.resource("now_playing_p1_2023-05_c-eg.json"))));
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("redelivery-key");
        props.setMaxAttempts(3);
        props.setBackoff(java.time.Duration.ofMillis(50));
        fetchRoute(50, props);
        List<String> retries = new ArrayList<>();
        TmdbApi.Response response = new TmdbApi(camel.createProducerTemplate(), props)
                .get("movie/now_playing", Map.of("page", "1"), retries::add);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(TmdbPullFlowTest.resource("now_playing_p1_2023-05_c-eg.json"));
        assertThat(response.attempts()).as("CamelRedeliveryCounter + 1").isEqualTo(2);
        assertThat(retries).hasSize(1);
        List<Long> times = new ArrayList<>();
        tmdb.getAllServeEvents().forEach(e -> times.add(e.getRequest().getLoggedDate().getTime()));
        times.sort(Long::compare);
        assertThat(times).hasSize(2);
        assertThat(times.get(1) - times.get(0)).as("Retry-After: 1 waited, not the 50 ms backoff (ms)").isGreaterThanOrEqualTo(950);

        ManagedRouteMBean route = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("tmdb-pull-fetch-page");
        assertThat(route).as("the route is in JMX").isNotNull();
        assertThat(route.getExchangesCompleted()).isEqualTo(1);
        assertThat(route.getExchangesFailed()).isZero();
        // Camel counts a route's Redeliveries on exchanges that failed after redelivery (see the next test); an
        // attempt that was retried shows in the statistics of the HTTP step, which each redelivery runs again
        ManagedProcessorMBean http = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedProcessor("tmdb-pull-http");
        assertThat(http.getExchangesTotal()).as("two attempts of the HTTP step").isEqualTo(2);
        assertThat(http.getExchangesFailed()).as("the 429").isEqualTo(1);
        assertThat(http.getExchangesCompleted()).isEqualTo(1);
    }

    @Test
    void aServerErrorBeyondTheBoundFailsAfterMaxAttemptsRedeliveries() throws Exception {
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/top_rated")).willReturn(aResponse().withStatus(503)));
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("bound-key");
        props.setMaxAttempts(3);
        props.setBackoff(java.time.Duration.ofMillis(20));
        props.setMaxBackoff(java.time.Duration.ofMillis(40));
        fetchRoute(50, props);
        assertThatThrownBy(() -> new TmdbApi(camel.createProducerTemplate(), props).get("movie/top_rated", Map.of("page", "1"), null))
                .isInstanceOf(TmdbApiException.class)
                .hasMessageContaining("GET /movie/top_rated?page=1 failed after 3 attempts")
                .hasMessageContaining("HTTP 503")
                .hasMessageNotContaining("bound-key");
        tmdb.verify(3, getRequestedFor(urlPathEqualTo("/3/movie/top_rated")));
        ManagedRouteMBean route = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("tmdb-pull-fetch-page");
        assertThat(route.getExchangesFailed()).isEqualTo(1);
        assertThat(route.getRedeliveries()).as("a failed exchange that was redelivered").isEqualTo(1);
        assertThat(camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedProcessor("tmdb-pull-http").getExchangesFailed()).as("three failed attempts").isEqualTo(3);
    }
}
