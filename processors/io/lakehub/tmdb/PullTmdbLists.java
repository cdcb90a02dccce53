package io.lakehub.tmdb;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.run.RunHistory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The pull step of tmdb-pull: pages through every configured list into bronze and, when every page
 * of every list is there, hands the run on as a {@link CompletedRun}.
 *
 * <p>Reads variable {@code tmdbRunId} (optional): the run id to resume or rerun; without it a new
 * run id {@code yyyyMMdd'T'HHmmss'Z'-xxxx} (UTC start time plus 4 random hex digits) is made.
 * A rerun keeps the run date of the first attempt (from its bronze folders).
 *
 * <p>Per list ({@code GET /movie/<list>?page=N&language=&region=}, see
 * https://developer.themoviedb.org/reference/movie-popular-list): page 1 gives {@code total_pages};
 * pages 1 to min(total_pages, the list's page cap, 500) are fetched in order. A page already in bronze
 * (an earlier attempt of the same run id) is read from there and not fetched again; a list whose
 * {@code _SUCCESS} marker exists is skipped whole. Each page is checked to be a TMDB list page (an
 * object whose {@code page} is the requested one and with a {@code results} array) and lands byte for
 * byte via {@link TmdbBronze#writeAtomically}. After a list's last page its marker is written; after
 * every list's marker, the run manifest.
 *
 * <p>With {@code fetch-details}, before the run manifest: {@code GET /movie/<id>} for every movie id
 * of the run's pages that {@code silver/<details-table>} does not hold yet
 * (https://developer.themoviedb.org/reference/movie-details), each landed as
 * {@code bronze/tmdb/movie_details/run_date=/run=/movie-<id>.json}, then that folder's {@code _SUCCESS}.
 * A 404 there is a movie TMDB removed: counted and skipped, not an error.
 *
 * <p>Writes the body: a {@code List<CompletedRun>}, the runs whose completion event is to be raised:
 * this run when complete, plus earlier complete runs the silver table has no commit of (a completion
 * event lost to a crash). Empty when the run did not complete.
 *
 * <p>Failure: a 401 or exhausted retries stop the run; a 404 or other 4xx of one list fails that list
 * and the others are still pulled. A failed run records a FAILED run in {@link RunHistory} (source
 * {@code tmdb}) with every error, logs one WARN line, and keeps what landed: the next attempt with the
 * same run id fetches only what is missing. Errors never contain the API key or token.
 */
@Component("pullTmdbLists")
public class PullTmdbLists implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(PullTmdbLists.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The RunHistory source of this flow. */
    public static final String SOURCE = "tmdb";
    /** The RunHistory flow name. */
    public static final String FLOW = "tmdb-pull";

    private final TmdbProperties props;
    private final TmdbBronze bronze;
    private final TmdbRuns runs;
    private final RunHistory history;
    private final LakeStorage lake;
    private final ProducerTemplate producer;
    private volatile TmdbApi api;

    public PullTmdbLists(TmdbProperties props, LakeStorage lake, TmdbRuns runs, RunHistory history, ProducerTemplate producer) {
        this.props = props;
        this.lake = lake;
        this.bronze = new TmdbBronze(lake);
        this.runs = runs;
        this.history = history;
        this.producer = producer;
    }

    private TmdbApi api() {
        TmdbApi a = api;
        if (a == null) {
            a = new TmdbApi(producer, props);
            api = a;
        }
        return a;
    }

    /** The {@code txn} app id of a run's silver commit. */
    public static String appId(String runId) {
        return "lakehub-tmdb-" + runId;
    }

    /** The {@code txn} app id of a run's commit to the details table. */
    public static String detailsAppId(String runId) {
        return "lakehub-tmdb-details-" + runId;
    }

    /**
     * Checks a run id given from outside (it becomes a folder name).
     *
     * @throws IllegalArgumentException unless it matches {@code [A-Za-z0-9_.-]{1,64}} and does not start with a dot
     */
    public static String checkRunId(String runId) {
        if (runId == null || !runId.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a run id is 1 to 64 characters of [A-Za-z0-9_.-], not starting with a dot: " + runId);
        }
        return runId;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String requested = exchange.getVariable("tmdbRunId", String.class);
        String runId = requested == null ? newRunId() : checkRunId(requested);
        LocalDate runDate = requested == null ? null : bronze.runDateOf(runId);
        if (runDate == null) {
            runDate = LocalDate.now(ZoneOffset.UTC);
        }
        TmdbRuns.Run run = runs.begin(runId, runDate, props.getLists());
        if (run == null) {
            throw new IllegalStateException("tmdb-pull: run " + runs.pulling().runId + " is still pulling; try again when it ends");
        }
        List<CompletedRun> events = new ArrayList<>();
        try {
            CompletedRun done = pull(run);
            if (done != null) {
                run.status = "PULLED";
                events.add(done);
                LOG.info("tmdb-pull {}: every page landed in bronze/tmdb/<list>/run_date={}/run={} ({}), raising the completion event",
                        runId, runDate, runId, done.pages());
            } else {
                fail(run, null);
            }
        } catch (Exception e) {
            fail(run, props.mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            runs.pullEnded(run);
        }
        events.addAll(pendingSilver(runId));
        exchange.getMessage().setBody(events);
    }

    private void fail(TmdbRuns.Run run, String extra) {
        if (extra != null) {
            run.error(extra);
        }
        run.status = "FAILED";
        run.ended = Instant.now();
        String message = String.join("; ", run.errors);
        LOG.warn("tmdb-pull {}: run incomplete, nothing goes to silver; what landed stays, rerun with runId={} to fetch the rest: {}",
                run.runId, run.runId, message);
        history.record(new RunHistory.Run(run.runId, FLOW, SOURCE, run.started, run.ended, "FAILED", 0, 0, 0, 0, null,
                message));
    }

    /** A new run id: {@code yyyyMMdd'T'HHmmss'Z'} (UTC now) and 4 random hex digits, e.g. {@code 20261121T080000Z-3fa2}. */
    public static String newRunId() {
        return RUN_ID.format(Instant.now()) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /** Pulls every list; the completed run, or null when a list did not complete (its error is in the run). */
    private CompletedRun pull(TmdbRuns.Run run) throws IOException, InterruptedException {
        if (bronze.exists(bronze.runManifest(run.runId))) {
            CompletedRun done = JSON.readValue(bronze.read(bronze.runManifest(run.runId)), CompletedRun.class);
            done.pages().forEach((list, pages) -> {
                TmdbRuns.ListProgress p = run.lists.computeIfAbsent(list, l -> new TmdbRuns.ListProgress());
                p.pagesPlanned = pages;
                p.pagesSkipped = pages;
                p.complete = true;
            });
            LOG.info("tmdb-pull {}: already complete in bronze, nothing fetched", run.runId);
            return done;
        }
        boolean complete = true;
        Map<String, Integer> pages = new LinkedHashMap<>();
        for (String list : props.getLists()) {
            try {
                pages.put(list, pullList(run, list));
            } catch (TmdbApiException e) {
                complete = false;
                String message = props.mask(list + ": " + e.getMessage());
                run.lists.get(list).error = message;
                run.error(message);
                if (e.fatal()) {
                    break;
                }
            }
        }
        if (!complete) {
            return null;
        }
        Integer details = null;
        if (props.isFetchDetails()) {
            try {
                details = pullDetails(run, pages);
            } catch (TmdbApiException e) {
                run.error(props.mask("movie details: " + e.getMessage()));
                return null;
            }
        }
        CompletedRun done = new CompletedRun(run.runId, run.runDate, pages, Instant.now(), details);
        bronze.writeAtomically(bronze.runManifest(run.runId), JSON.writeValueAsBytes(done));
        return done;
    }

    /** Lands every page of one list; returns the page count. */
    private int pullList(TmdbRuns.Run run, String list) throws IOException, InterruptedException, TmdbApiException {
        TmdbRuns.ListProgress progress = run.lists.get(list);
        org.apache.hadoop.fs.Path marker = bronze.listMarker(list, run.runDate, run.runId);
        if (bronze.exists(marker)) {
            JsonNode m = JSON.readTree(bronze.read(marker));
            progress.pagesPlanned = m.path("pages").asInt();
            progress.pagesSkipped = progress.pagesPlanned;
            progress.totalResults = m.path("totalResults").asLong();
            progress.complete = true;
            return progress.pagesPlanned;
        }
        JsonNode first = landedOrFetched(run, list, 1);
        int totalPages = first.path("total_pages").asInt(1);
        int planned = Math.max(1, Math.min(totalPages, props.maxPagesOf(list)));
        progress.pagesPlanned = planned;
        progress.totalResults = first.path("total_results").asLong();
        for (int page = 2; page <= planned; page++) {
            landedOrFetched(run, list, page);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("list", list);
        manifest.put("runId", run.runId);
        manifest.put("runDate", run.runDate.toString());
        manifest.put("pages", planned);
        manifest.put("totalPages", totalPages);
        manifest.put("totalResults", progress.totalResults);
        manifest.put("language", props.getLanguage());
        manifest.put("region", props.getRegion());
        manifest.put("completedAt", Instant.now().toString());
        bronze.writeAtomically(marker, JSON.writeValueAsBytes(manifest));
        progress.complete = true;
        return planned;
    }

    /** A page from bronze when an earlier attempt landed it, else fetched and landed. */
    private JsonNode landedOrFetched(TmdbRuns.Run run, String list, int page)
            throws IOException, InterruptedException, TmdbApiException {
        TmdbRuns.ListProgress progress = run.lists.get(list);
        org.apache.hadoop.fs.Path path = bronze.page(list, run.runDate, run.runId, page);
        if (bronze.exists(path)) {
            progress.pagesSkipped++;
            return JSON.readTree(bronze.read(path));
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("page", Integer.toString(page));
        query.put("language", props.getLanguage());
        query.put("region", props.getRegion());
        TmdbApi.Response response = api().get("movie/" + list, query, note -> run.retries++);
        run.requests += response.attempts();
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new TmdbApiException("GET /movie/" + list + "?page=" + page + " returned a body that is not JSON: "
                    + e.getMessage(), response.status(), false);
        }
        if (json == null || !json.isObject() || json.path("page").asInt(-1) != page || !json.path("results").isArray()) {
            throw new TmdbApiException("GET /movie/" + list + "?page=" + page + " returned JSON that is not page " + page
                    + " of a TMDB list (fields page, results)", response.status(), false);
        }
        bronze.writeAtomically(path, response.body());
        progress.pagesLanded++;
        return json;
    }

    /** Lands the details of the run's movies that the details table lacks; returns how many landed. */
    private int pullDetails(TmdbRuns.Run run, Map<String, Integer> pages)
            throws IOException, InterruptedException, TmdbApiException {
        org.apache.hadoop.fs.Path marker = bronze.detailsMarker(run.runDate, run.runId);
        if (bronze.exists(marker)) {
            JsonNode m = JSON.readTree(bronze.read(marker));
            run.detailsLanded = m.path("landed").asInt();
            run.detailsNotFound = m.path("notFound").size();
            return run.detailsLanded;
        }
        java.util.Set<Long> ids = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, Integer> list : pages.entrySet()) {
            for (int page = 1; page <= list.getValue(); page++) {
                for (JsonNode r : JSON.readTree(bronze.read(bronze.page(list.getKey(), run.runDate, run.runId, page))).path("results")) {
                    if (r.path("id").canConvertToLong()) {
                        ids.add(r.path("id").asLong());
                    }
                }
            }
        }
        ids.removeAll(knownDetails());
        List<Long> notFound = new ArrayList<>();
        int landed = 0;
        for (long id : ids) {
            org.apache.hadoop.fs.Path path = bronze.detail(run.runDate, run.runId, id);
            if (bronze.exists(path)) {
                landed++;
                continue;
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("language", props.getLanguage());
            TmdbApi.Response response;
            try {
                response = api().get("movie/" + id, query, note -> run.retries++);
            } catch (TmdbApiException e) {
                if (e.httpStatus() == 404) {
                    notFound.add(id);
                    continue;
                }
                throw e;
            }
            run.requests += response.attempts();
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                json = null;
            }
            if (json == null || json.path("id").asLong(-1) != id) {
                throw new TmdbApiException("GET /movie/" + id + " returned a body that is not the details of movie " + id,
                        response.status(), false);
            }
            bronze.writeAtomically(path, response.body());
            landed++;
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("runId", run.runId);
        manifest.put("landed", landed);
        manifest.put("notFound", notFound);
        manifest.put("completedAt", Instant.now().toString());
        bronze.writeAtomically(marker, JSON.writeValueAsBytes(manifest));
        run.detailsLanded = landed;
        run.detailsNotFound = notFound.size();
        return landed;
    }

    /** Movie ids already in the details table (one row per movie, so bounded by the movies ever seen). */
    private java.util.Set<Long> knownDetails() {
        java.util.Set<Long> known = new java.util.HashSet<>();
        DeltaTable details = new DeltaTable(lake, props.getDetailsTable());
        if (!details.exists()) {
            return known;
        }
        try (io.lakehub.delta.VersionRows rows = details.rows(details.latest())) {
            int slot = rows.schema().names().indexOf("movie_id");
            while (rows.hasNext()) {
                Object id = rows.next()[slot];
                if (id instanceof Long l) {
                    known.add(l);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return known;
    }

    /** Complete runs other than {@code current} whose silver commit is missing (a lost completion event). */
    private List<CompletedRun> pendingSilver(String current) {
        List<CompletedRun> out = new ArrayList<>();
        try {
            DeltaTable silver = new DeltaTable(lake, props.getSilverTable());
            for (String runId : bronze.completeRuns()) {
                if (runId.equals(current)) {
                    continue;
                }
                CompletedRun done = JSON.readValue(bronze.read(bronze.runManifest(runId)), CompletedRun.class);
                boolean detailsMissing = done.details() != null && done.details() > 0
                        && new DeltaTable(lake, props.getDetailsTable()).txnVersion(detailsAppId(runId)) < 0;
                if (silver.txnVersion(appId(runId)) < 0 || detailsMissing) {
                    out.add(done);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("tmdb-pull: cannot check earlier runs for a missing silver commit, next run checks again: {}",
                    props.mask(e.getMessage()));
        }
        return out;
    }
}
