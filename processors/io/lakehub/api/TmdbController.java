package io.lakehub.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.lakehub.run.RunHistory;
import io.lakehub.tmdb.PullTmdbLists;
import io.lakehub.tmdb.TmdbProperties;
import io.lakehub.tmdb.TmdbRuns;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tmdb-pull flow.
 *
 * <ul>
 *   <li>{@code GET /api/flows/tmdb-pull}: settings (no credentials: only the auth mode), the run in
 *       progress, the last run record (RunHistory, source {@code tmdb}) and the recent runs with pages
 *       per list, requests, retries, silver rows and errors</li>
 *   <li>{@code POST /api/flows/tmdb-pull/run[?runId=]}: starts a run now (202 with its run id); with
 *       {@code runId}, resumes or reruns that run: pages already in bronze are not fetched again and a
 *       run already in silver is not written again. 409 when the flow is off or a pull is in progress,
 *       400 for a malformed run id.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api")
public class TmdbController {

    private final TmdbProperties props;
    private final TmdbRuns runs;
    private final RunHistory history;
    private final ProducerTemplate producer;

    public TmdbController(TmdbProperties props, TmdbRuns runs, RunHistory history, ProducerTemplate producer) {
        this.props = props;
        this.runs = runs;
        this.history = history;
        this.producer = producer;
    }

    /** Settings, last run and recent runs of tmdb-pull. */
    @GetMapping("/flows/tmdb-pull")
    public TmdbFlow tmdb() {
        Map<String, Integer> caps = new LinkedHashMap<>();
        props.getLists().forEach(l -> caps.put(l, props.maxPagesOf(l)));
        TmdbRuns.Run pulling = runs.pulling();
        return new TmdbFlow(props.hasCredentials(),
                props.hasCredentials() ? null : "no TMDB credentials: set TMDB_API_KEY or TMDB_BEARER_TOKEN",
                props.authMode(), props.getBaseUrl(), props.getLists(), caps, props.getLanguage(), props.getRegion(),
                props.getRequestsPerSecond(), props.getSchedule().toString(), "bronze/tmdb/<list>/run_date=<date>/run=<runId>/",
                "silver/" + props.getSilverTable(), props.isFetchDetails(), "silver/" + props.getDetailsTable(),
                pulling == null ? null : pulling.runId, history.last(PullTmdbLists.SOURCE),
                runs.recent(10).stream().map(r -> TmdbFlow.TmdbRun.of(r.toMap())).toList());
    }

    /** Starts (or resumes) a run in the background. */
    @PostMapping("/flows/tmdb-pull/run")
    @ApiResponse(responseCode = "202", description = "the run started; follow it in GET /api/flows/tmdb-pull",
            content = @Content(schema = @Schema(implementation = TmdbRunStarted.class)))
    public ResponseEntity<TmdbRunStarted> run(@RequestParam(required = false) String runId) {
        if (!props.hasCredentials()) {
            throw new IllegalStateException("tmdb-pull is off: set TMDB_API_KEY or TMDB_BEARER_TOKEN and restart");
        }
        String id = runId == null || runId.isBlank() ? PullTmdbLists.newRunId() : PullTmdbLists.checkRunId(runId);
        TmdbRuns.Run pulling = runs.pulling();
        if (pulling != null) {
            throw new IllegalStateException("tmdb-pull run " + pulling.runId + " is pulling; try again when it ends");
        }
        CompletableFuture<?> ignored = producer.asyncSend("direct:tmdb-pull-run", e -> e.setVariable("tmdbRunId", id));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new TmdbRunStarted(id, "started",
                List.of("/api/flows/tmdb-pull")));
    }
}
