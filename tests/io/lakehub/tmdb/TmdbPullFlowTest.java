package io.lakehub.tmdb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.lakehub.testsupport.DeltaLogReader;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * tmdb-pull through the running hub against WireMock serving real TMDB responses
 * (tests/resources/tmdb): a full pull with a rerun of the same run id, a 429 with Retry-After in the
 * middle of a list, a 401, a 404 list next to a 503 and a timeout that are retried, and retries
 * running out. Runs are started and watched through the admin API, as an operator would.
 *
 * <p>Every run serves the same pages, and silver is MERGEd by (run_date, list, movie_id), so after
 * any number of runs today silver holds exactly the distinct movies per list of those pages.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class TmdbPullFlowTest {

    static final String KEY = "k" + UUID.randomUUID().toString().replace("-", "");
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> LISTS = List.of("popular", "top_rated", "now_playing", "upcoming");
    /** Real page files per list, in page order. */
    static final Map<String, List<String>> PAGES = new LinkedHashMap<>();

    static {
        PAGES.put("popular", List.of("popular_p1_2019-01-23_fr_arias800.json", "popular_p2_2019-01-24_fr_arias800.json"));
        PAGES.put("top_rated", List.of("top_rated_p1_2019-01-23_fr_arias800.json"));
        PAGES.put("now_playing", List.of("now_playing_p1_2023-05_c-eg.json"));
        PAGES.put("upcoming", List.of("upcoming_p1_2023-05_c-eg.json"));
    }

    static final WireMockServer TMDB = new WireMockServer(wireMockConfig().dynamicPort().notifier(new Notifier() {
        // WireMock's own request logging is not the hub's output, whose secrecy the tests check
        @Override
        public void info(String message) {
        }

        @Override
        public void error(String message) {
        }

        @Override
        public void error(String message, Throwable t) {
        }
    }));

    static {
        TMDB.start();
    }

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:tmdb-flow;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.tmdb.api-key", () -> KEY);
        registry.add("lakehub.tmdb.base-url", () -> TMDB.baseUrl() + "/3");
        registry.add("lakehub.tmdb.lists", () -> String.join(",", LISTS));
        registry.add("lakehub.tmdb.max-pages", () -> "1");
        registry.add("lakehub.tmdb.max-pages-by-list.popular", () -> "2");
        registry.add("lakehub.tmdb.language", () -> "fr-FR");
        registry.add("lakehub.tmdb.max-attempts", () -> "4");
        registry.add("lakehub.tmdb.backoff", () -> "100ms");
        registry.add("lakehub.tmdb.max-backoff", () -> "400ms");
        registry.add("lakehub.tmdb.response-timeout", () -> "3s");
        registry.add("lakehub.tmdb.requests-per-second", () -> "50");
        // no scheduled run during the test: runs are started through the admin API
        registry.add("lakehub.tmdb.initial-delay", () -> "1h");
    }

    @AfterAll
    static void stopTmdb() {
        TMDB.stop();
    }

    @Autowired
    LakeStorage lake;

    @Autowired
    TestRestTemplate anonymous;

    TestRestTemplate http;

    @BeforeEach
    void authenticate() {
        http = TestUsers.operator(anonymous);
    }

    @BeforeEach
    void resetTmdb() {
        TMDB.resetAll();
    }

    @Test
    void fullPullLandsEveryPageOnceFillsSilverAndARerunOfTheRunIdAddsNothing(CapturedOutput output) throws Exception {
        serveAllLists();
        Map<String, Object> run = runAndWait("full-1");
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (String list : LISTS) {
            Path folder = lakeDir().resolve("bronze/tmdb/" + list + "/run_date=" + today + "/run=full-1");
            List<String> files = names(folder);
            List<String> expected = new ArrayList<>();
            for (int p = 1; p <= PAGES.get(list).size(); p++) {
                expected.add(String.format("page-%04d.json", p));
                assertThat(Files.readAllBytes(folder.resolve(expected.get(p - 1))))
                        .as("bronze holds the response byte for byte").isEqualTo(resource(PAGES.get(list).get(p - 1)));
                TMDB.verify(1, page(list, p).withQueryParam("api_key", equalTo(KEY)).withQueryParam("language", equalTo("fr-FR")));
            }
            expected.add("_SUCCESS");
            assertThat(files).as("bronze files of " + list).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(TMDB.getAllServeEvents()).as("one request per page").hasSize(5);
        assertThat(lakeDir().resolve("bronze/tmdb/_runs/run=full-1.json")).exists();

        Map<String, Set<Long>> silver = silverIdsByList(today, null);
        assertThat(silver).isEqualTo(expectedIdsByList());
        assertThat(silver.get("popular")).as("37 distinct movies on the two popular pages (3 moved from page 1 to 2)").hasSize(37);
        assertThat(silverIdsByList(today, "full-1")).isEqualTo(expectedIdsByList());
        assertGenresMatchBronze(today);
        DeltaTable table = new DeltaTable(lake, "tmdb_movies");
        long version = table.latest().getVersion();

        // the same run id again: nothing fetched, no new file, no new silver version, same rows
        List<String> bronzeBefore = allFiles(lakeDir().resolve("bronze"));
        Map<String, Object> rerun = runAndWait("full-1");
        assertThat(rerun.get("status")).isEqualTo("SUCCEEDED");
        assertThat(TMDB.getAllServeEvents()).as("no request on a rerun of a complete run").hasSize(5);
        assertThat(allFiles(lakeDir().resolve("bronze"))).isEqualTo(bronzeBefore);
        assertThat(table.latest().getVersion()).isEqualTo(version);
        assertThat(silverIdsByList(today, null)).isEqualTo(expectedIdsByList());
        assertThat(silverRowCount(today)).isEqualTo(expectedIdsByList().values().stream().mapToInt(Set::size).sum());

        // the key was sent, and appears nowhere the hub writes or shows
        assertThat(TMDB.findAll(getRequestedFor(urlPathMatching("/3/movie/.*")).withQueryParam("api_key", equalTo(KEY))))
                .hasSize(5);
        assertThat(output.getAll()).contains("tmdb-pull full-1").doesNotContain(KEY);
        for (Path f : allPaths(lakeDir())) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
        }
        assertThat(http.getForObject("/api/flows/tmdb-pull", String.class)).doesNotContain(KEY).contains("full-1");
        assertThat(http.getForObject("/api/runs?source=tmdb", String.class)).doesNotContain(KEY).contains("full-1");
    }

    @Test
    void a429WithRetryAfterInTheMiddleOfAListIsWaitedOutNotLost(CapturedOutput output) throws Exception {
        serveAllLists();
        String scenario = "rate-limited";
        TMDB.stubFor(pageStub("popular", 2).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json;charset=utf-8")
                        .withBody("{\"status_code\":25,\"status_message\":\"Your request count (41) is over the allowed limit of (40).\"}"))
                .willSetStateTo("served"));
        TMDB.stubFor(pageStub("popular", 2).inScenario(scenario).whenScenarioStateIs("served")
                .willReturn(ok(PAGES.get("popular").get(1))));

        Map<String, Object> run = runAndWait("rate-1");
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        assertThat(((Number) run.get("retries")).intValue()).isGreaterThanOrEqualTo(1);

        List<ServeEvent> page2 = TMDB.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains("/movie/popular") && e.getRequest().getUrl().contains("page=2"))
                .sorted((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate())).toList();
        assertThat(page2).hasSize(2);
        assertThat(page2.get(0).getResponse().getStatus()).isEqualTo(429);
        long waited = page2.get(1).getRequest().getLoggedDate().getTime() - page2.get(0).getRequest().getLoggedDate().getTime();
        assertThat(waited).as("Retry-After: 1 was waited out (ms)").isGreaterThanOrEqualTo(950);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(Files.readAllBytes(lakeDir().resolve("bronze/tmdb/popular/run_date=" + today + "/run=rate-1/page-0002.json")))
                .isEqualTo(resource(PAGES.get("popular").get(1)));
        assertThat(silverIdsByList(today, "rate-1")).isEqualTo(expectedIdsByList());
        assertThat(output.getAll()).contains("GET /movie/popular?page=2: HTTP 429, TMDB status_code 25").doesNotContain(KEY);
    }

    @Test
    void a401FailsTheRunWithAClearMessageAndNothingReachesSilver(CapturedOutput output) throws Exception {
        TMDB.stubFor(get(urlPathMatching("/3/movie/.*")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody(resource("errors/401_invalid_api_key_status7_c-eg.json"))));
        DeltaTable table = new DeltaTable(lake, "tmdb_movies");
        long versionBefore = table.exists() ? table.latest().getVersion() : -1;

        Map<String, Object> run = runAndWait("unauth-1");
        assertThat(run.get("status")).isEqualTo("FAILED");
        String errors = run.get("errors").toString();
        assertThat(errors).contains("HTTP 401", "status_code 7", "Invalid API key", "TMDB_API_KEY").doesNotContain(KEY);
        assertThat(TMDB.getAllServeEvents()).as("a 401 stops the run: no other list is tried").hasSize(1);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(lakeDir().resolve("bronze/tmdb/_runs/run=unauth-1.json")).doesNotExist();
        assertThat(lakeDir().resolve("bronze/tmdb/popular/run_date=" + today + "/run=unauth-1")).doesNotExist();
        assertThat(table.exists() ? table.latest().getVersion() : -1).as("no silver commit").isEqualTo(versionBefore);
        if (table.exists()) {
            assertThat(silverIdsByList(today, "unauth-1")).isEmpty();
        }
        JsonNode lastRun = JSON.readTree(http.getForObject("/api/flows/tmdb-pull", String.class)).path("lastRun");
        assertThat(lastRun.path("runId").asText()).isEqualTo("unauth-1");
        assertThat(lastRun.path("status").asText()).isEqualTo("FAILED");
        assertThat(lastRun.path("error").asText()).contains("Invalid API key");
        assertThat(output.getAll()).contains("Invalid API key").doesNotContain(KEY);
    }

    @Test
    void a404ListFailsTheRunAfterA503AndATimeoutAreRetriedAndTheRerunFetchesOnlyWhatIsMissing(CapturedOutput output)
            throws Exception {
        serveAllLists();
        TMDB.stubFor(pageStub("top_rated", 1).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody(resource("errors/404_resource_not_found_status34_jdrouet.json"))));
        TMDB.stubFor(pageStub("now_playing", 1).inScenario("503").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("<html>Service Unavailable</html>")).willSetStateTo("up"));
        TMDB.stubFor(pageStub("now_playing", 1).inScenario("503").whenScenarioStateIs("up")
                .willReturn(ok(PAGES.get("now_playing").get(0))));
        TMDB.stubFor(pageStub("upcoming", 1).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok(PAGES.get("upcoming").get(0)).withFixedDelay(6000)).willSetStateTo("fast"));
        TMDB.stubFor(pageStub("upcoming", 1).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(ok(PAGES.get("upcoming").get(0))));
        DeltaTable table = new DeltaTable(lake, "tmdb_movies");
        long versionBefore = table.exists() ? table.latest().getVersion() : -1;

        Map<String, Object> run = runAndWait("partial-1");
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat(run.get("errors").toString()).contains("top_rated", "HTTP 404", "status_code 34",
                "The resource you requested could not be found").doesNotContain(KEY);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> lists = (Map<String, Map<String, Object>>) run.get("lists");
        assertThat(lists.get("popular").get("complete")).isEqualTo(true);
        assertThat(lists.get("top_rated").get("complete")).isEqualTo(false);
        assertThat(lists.get("now_playing").get("complete")).as("the 503 was retried").isEqualTo(true);
        assertThat(lists.get("upcoming").get("complete")).as("the timeout was retried").isEqualTo(true);
        TMDB.verify(2, page("now_playing", 1));
        TMDB.verify(2, page("upcoming", 1));
        assertThat(lakeDir().resolve("bronze/tmdb/_runs/run=partial-1.json")).doesNotExist();
        assertThat(table.exists() ? table.latest().getVersion() : -1).as("no silver commit").isEqualTo(versionBefore);

        // the cause goes away; the same run id fetches only top_rated and completes
        TMDB.stubFor(pageStub("top_rated", 1).atPriority(1).willReturn(ok(PAGES.get("top_rated").get(0))));
        Map<String, Object> rerun = runAndWait("partial-1");
        assertThat(rerun.get("status")).isEqualTo("SUCCEEDED");
        TMDB.verify(1, page("popular", 1));
        TMDB.verify(1, page("popular", 2));
        TMDB.verify(2, page("now_playing", 1));
        TMDB.verify(2, page("upcoming", 1));
        TMDB.verify(2, page("top_rated", 1));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(names(lakeDir().resolve("bronze/tmdb/popular/run_date=" + today + "/run=partial-1")))
                .containsExactlyInAnyOrder("page-0001.json", "page-0002.json", "_SUCCESS");
        assertThat(silverIdsByList(today, "partial-1")).isEqualTo(expectedIdsByList());
        assertThat(silverRowCount(today)).isEqualTo(expectedIdsByList().values().stream().mapToInt(Set::size).sum());
        assertThat(output.getAll()).doesNotContain(KEY);
    }

    @Test
    void serverErrorsBeyondTheRetryBoundFailTheRun() throws Exception {
        serveAllLists();
        TMDB.stubFor(pageStub("popular", 1).willReturn(aResponse().withStatus(500)));
        Map<String, Object> run = runAndWait("down-1");
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat(run.get("errors").toString()).contains("failed after 4 attempts", "HTTP 500");
        TMDB.verify(4, page("popular", 1));
        assertThat(TMDB.getAllServeEvents()).as("retries running out stop the run").hasSize(4);
        assertThat(lakeDir().resolve("bronze/tmdb/_runs/run=down-1.json")).doesNotExist();
    }

    // ---- helpers

    /** Starts a run through the admin API and waits until it succeeded or failed; returns its entry in GET /api/flows/tmdb-pull. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> runAndWait(String runId) {
        ResponseEntity<Map> started = http.postForEntity("/api/flows/tmdb-pull/run?runId=" + runId, null, Map.class);
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        Map<String, Object>[] found = new Map[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Object> flow = http.getForObject("/api/flows/tmdb-pull", Map.class);
            for (Map<String, Object> r : (List<Map<String, Object>>) flow.get("runs")) {
                if (runId.equals(r.get("runId")) && flow.get("pulling") == null
                        && ("SUCCEEDED".equals(r.get("status")) || "FAILED".equals(r.get("status")))) {
                    found[0] = r;
                    return true;
                }
                if (runId.equals(r.get("runId"))) {
                    return false;
                }
            }
            return false;
        });
        return found[0];
    }

    private void serveAllLists() throws IOException {
        for (Map.Entry<String, List<String>> e : PAGES.entrySet()) {
            for (int p = 1; p <= e.getValue().size(); p++) {
                TMDB.stubFor(pageStub(e.getKey(), p).atPriority(5).willReturn(ok(e.getValue().get(p - 1))));
            }
        }
    }

    private static MappingBuilder pageStub(String list, int page) {
        return get(urlPathEqualTo("/3/movie/" + list)).withQueryParam("page", equalTo(Integer.toString(page)))
                .withQueryParam("api_key", equalTo(KEY));
    }

    private static RequestPatternBuilder page(String list, int page) {
        return getRequestedFor(urlPathEqualTo("/3/movie/" + list)).withQueryParam("page", equalTo(Integer.toString(page)));
    }

    private static ResponseDefinitionBuilder ok(String file) throws IOException {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=utf-8").withBody(resource(file));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TmdbPullFlowTest.class.getResourceAsStream("/tmdb/" + name)) {
            assertThat(in).as("test resource tmdb/" + name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** The distinct movie ids per list of the served pages, computed from the files. */
    static Map<String, Set<Long>> expectedIdsByList() throws IOException {
        Map<String, Set<Long>> out = new HashMap<>();
        for (Map.Entry<String, List<String>> e : PAGES.entrySet()) {
            Set<Long> ids = new LinkedHashSet<>();
            for (String f : e.getValue()) {
                for (JsonNode r : JSON.readTree(resource(f)).path("results")) {
                    ids.add(r.path("id").asLong());
                }
            }
            out.put(e.getKey(), ids);
        }
        return out;
    }

    private Path lakeDir() {
        return dir.resolve("lake");
    }

    /** Movie ids per list in silver for a run date, read with the tests' independent DeltaLogReader; optionally of one run id. */
    private Map<String, Set<Long>> silverIdsByList(LocalDate runDate, String runId) throws IOException {
        Map<String, Set<Long>> out = new HashMap<>();
        for (Map<String, Object> r : silverRows(runDate)) {
            if (runId == null || runId.equals(r.get("run_id"))) {
                assertThat(out.computeIfAbsent((String) r.get("list"), l -> new LinkedHashSet<>()).add((Long) r.get("movie_id")))
                        .as("one row per movie per list per run date").isTrue();
            }
        }
        return out;
    }

    private long silverRowCount(LocalDate runDate) throws IOException {
        return silverRows(runDate).size();
    }

    private List<Map<String, Object>> silverRows(LocalDate runDate) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : DeltaLogReader.forTable(lake.conf(), lake.silverTable("tmdb_movies")).latest().rows()) {
            if (runDate.equals(r.get("run_date"))) {
                out.add(r);
            }
        }
        return out;
    }

    /** genre_ids in silver equal the JSON arrays of the first page holding each movie. */
    private void assertGenresMatchBronze(LocalDate today) throws IOException {
        Map<String, List<Integer>> expected = new HashMap<>();
        for (Map.Entry<String, List<String>> e : PAGES.entrySet()) {
            for (String f : e.getValue()) {
                for (JsonNode r : JSON.readTree(resource(f)).path("results")) {
                    List<Integer> genres = new ArrayList<>();
                    r.path("genre_ids").forEach(g -> genres.add(g.asInt()));
                    expected.putIfAbsent(e.getKey() + "/" + r.path("id").asLong(), genres);
                }
            }
        }
        int checked = 0;
        for (Map<String, Object> r : silverRows(today)) {
            @SuppressWarnings("unchecked")
            List<Integer> genres = new ArrayList<>((List<Integer>) r.get("genre_ids"));
            assertThat(genres).as("genre_ids of " + r.get("list") + "/" + r.get("movie_id"))
                    .isEqualTo(expected.get(r.get("list") + "/" + r.get("movie_id")));
            checked++;
        }
        assertThat(checked).isEqualTo(expected.size());
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> allFiles(Path root) throws IOException {
        return allPaths(root).stream().map(p -> root.relativize(p).toString()).sorted().toList();
    }

    private static List<Path> allPaths(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
