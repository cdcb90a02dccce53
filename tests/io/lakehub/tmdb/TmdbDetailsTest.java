package io.lakehub.tmdb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.lakehub.testsupport.DeltaLogReader;
import io.lakehub.delta.LakeStorage;
import io.lakehub.run.RunHistory;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull and silver processors with {@code fetch-details} on, no Spring: the top_rated page holds
 * Fight Club (550), whose real details are served; TMDB's real 404 body answers the other 19 ids.
 * Details land in bronze, 550 reaches silver/tmdb_movie_details with its arrays, and a rerun of the
 * run id fetches nothing again.
 */
class TmdbDetailsTest {

    @TempDir
    Path dir;

    WireMockServer tmdb;
    DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        tmdb = new WireMockServer(wireMockConfig().dynamicPort());
        tmdb.start();
        tmdb.stubFor(get(urlPathMatching("/3/movie/[0-9]+")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(TmdbPullFlowTest.resource("errors/404_resource_not_found_status34_jdrouet.json"))));
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/550")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(TmdbPullFlowTest.resource("movie_550_en_jdrouet.json"))));
        tmdb.stubFor(get(urlPathEqualTo("/3/movie/top_rated")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(TmdbPullFlowTest.resource("top_rated_p1_2019-01-23_fr_arias800.json"))));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("tmdbHttpClientConfigurer", new TmdbHttpClientConfigurer());
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "classpath:routes/tmdb-pull.camel.yaml"));
        camel.start();
        TmdbProperties retryProps = new TmdbProperties();
        camel.getRegistry().bind(TmdbRetry.BEAN, new TmdbRetry(retryProps));
        camel.getRegistry().bind(TmdbRetry.POLICY_BEAN, TmdbRetry.redeliveryPolicy(retryProps));
        TemplatedRouteBuilder.builder(camel, "tmdb-pull-fetch-page").routeId("tmdb-pull-fetch-page")
                .parameter("baseUrl", tmdb.baseUrl() + "/3").parameter("requestsPerSecond", "100")
                .parameter("connectTimeout", "2000").parameter("responseTimeout", "5000").add();
    }

    @AfterEach
    void stop() {
        camel.stop();
        tmdb.stop();
    }

    @Test
    void detailsOfNewMoviesLandAndReachSilverOnce() throws Exception {
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("details-key");
        props.setLists(List.of("top_rated"));
        props.setMaxPages(1);
        props.setFetchDetails(true);
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        TmdbRuns runs = new TmdbRuns();
        RunHistory history = new RunHistory();
        PullTmdbLists pull = new PullTmdbLists(props, lake, runs, history, camel.createProducerTemplate());
        FlattenTmdbToSilver flatten = new FlattenTmdbToSilver(props, lake, runs, history);

        List<CompletedRun> events = pullRun(pull, "details-1");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).details()).isEqualTo(1);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path folder = dir.resolve("lake/bronze/tmdb/movie_details/run_date=" + today + "/run=details-1");
        assertThat(Files.readAllBytes(folder.resolve("movie-550.json"))).isEqualTo(TmdbPullFlowTest.resource("movie_550_en_jdrouet.json"));
        assertThat(Files.readString(folder.resolve("_SUCCESS"))).contains("\"landed\":1").contains("19404");
        assertThat(runs.find("details-1").detailsNotFound).isEqualTo(19);
        tmdb.verify(20, getRequestedFor(urlPathMatching("/3/movie/[0-9]+")));
        // the page loop of route tmdb-pull-run: one run of step tmdb-pull-page per page (max-pages 1)
        assertThat(pageSteps()).isEqualTo(1);

        Exchange event = new DefaultExchange(camel);
        event.getMessage().setBody(events.get(0));
        flatten.process(event);
        assertThat(history.last("tmdb").status()).isEqualTo("SUCCEEDED");
        assertThat(history.last("tmdb").inserted()).isEqualTo(20);

        // read back with the tests' independent DeltaLogReader (no Kernel)
        List<Map<String, Object>> details = DeltaLogReader.forTable(lake.conf(), lake.silverTable("tmdb_movie_details")).latest().rows();
        assertThat(details).hasSize(1);
        Map<String, Object> fightClub = details.get(0);
        assertThat(fightClub.get("movie_id")).isEqualTo(550L);
        assertThat(fightClub.get("imdb_id")).isEqualTo("tt0137523");
        assertThat(fightClub.get("runtime")).isEqualTo(139);
        assertThat(fightClub.get("budget")).isEqualTo(63_000_000L);
        assertThat((List<Object>) fightClub.get("genres")).containsExactly("Drama");
        assertThat((List<Object>) fightClub.get("production_countries")).containsExactly("DE", "US");
        assertThat(fightClub.get("release_date")).isEqualTo(LocalDate.of(1999, 10, 15));

        // the same run id again: no request at all, no new commit
        int requests = tmdb.getAllServeEvents().size();
        List<CompletedRun> again = pullRun(pull, "details-1");
        assertThat(tmdb.getAllServeEvents()).hasSize(requests);
        assertThat(pageSteps()).as("a run complete in bronze loops over no list").isEqualTo(1);
        Exchange replay = new DefaultExchange(camel);
        replay.getMessage().setBody(again.get(0));
        flatten.process(replay);
        assertThat(history.last("tmdb").status()).isEqualTo("NOOP");
        assertThat(DeltaLogReader.forTable(lake.conf(), lake.silverTable("tmdb_movie_details")).latestVersion()).isZero();
    }

    private long pageSteps() throws Exception {
        return camel.getCamelContextExtension().getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class)
                .getManagedProcessor("tmdb-pull-page").getExchangesCompleted();
    }

    @SuppressWarnings("unchecked")
    private List<CompletedRun> pullRun(PullTmdbLists pull, String runId) throws Exception {
        // route tmdb-pull-run of routes/tmdb-pull.camel.yaml with this bean (its completion events queue on seda)
        if (camel.getRoute("tmdb-pull-run") == null) {
            camel.getRegistry().bind("pullTmdbLists", pull);
            TemplatedRouteBuilder.builder(camel, "tmdb-pull-run").routeId("tmdb-pull-run").add();
        }
        Exchange exchange = camel.createProducerTemplate().send("direct:tmdb-pull-run", e -> e.setVariable("tmdbRunId", runId));
        assertThat(exchange.getException()).isNull();
        return exchange.getMessage().getBody(List.class);
    }
}
