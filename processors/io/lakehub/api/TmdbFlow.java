package io.lakehub.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.run.RunHistory;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The tmdb-pull flow ({@code GET /api/flows/tmdb-pull}): settings without credentials, the run in progress, the
 * last run and the recent runs. Every field is present.
 *
 * @param enabled           whether TMDB credentials are set (the flow is on)
 * @param off               why the flow is off, or null
 * @param auth              the auth mode: {@code bearer}, {@code api-key} or {@code none} (never the credential)
 * @param baseUrl           the TMDB API base URL
 * @param lists             the lists pulled ({@code popular}, {@code top_rated}...)
 * @param maxPages          pages pulled at most, per list
 * @param language          the language asked for
 * @param region            the region asked for, or null
 * @param requestsPerSecond most requests per second
 * @param schedule          time between pulls, ISO-8601 duration
 * @param bronze            the bronze folder pattern
 * @param silverTable       {@code silver/<table>} of the lists
 * @param fetchDetails      whether movie details are fetched
 * @param detailsTable      {@code silver/<table>} of the details
 * @param pulling           the run id pulling now, or null
 * @param lastRun           the last run record ({@code /api/runs}, source {@code tmdb}), or null
 * @param runs              the recent runs, newest first (at most 10)
 */
@Schema(description = "The tmdb-pull flow: settings, last run and recent runs")
public record TmdbFlow(boolean enabled, @Schema(nullable = true) String off, String auth, String baseUrl,
                       List<String> lists, Map<String, Integer> maxPages, String language,
                       @Schema(nullable = true) String region, int requestsPerSecond,
                       @Schema(description = "ISO-8601 duration") String schedule, String bronze, String silverTable,
                       boolean fetchDetails, String detailsTable, @Schema(nullable = true) String pulling,
                       @Schema(nullable = true) RunHistory.Run lastRun, List<TmdbRun> runs) {

    /**
     * A tmdb-pull run ({@link io.lakehub.tmdb.TmdbRuns.Run}). Every field is present.
     *
     * @param runId             the run id
     * @param runDate           the run date, ISO-8601 date
     * @param status            PULLING, PULLED (silver pending), SUCCEEDED or FAILED
     * @param started           when the attempt started, ISO-8601 UTC
     * @param ended             when it ended, or null
     * @param lists             progress per list, in list order
     * @param pages             pages landed or skipped (already in bronze), all lists
     * @param requests          HTTP requests that returned a landed page, retries included
     * @param retries           retries (each a wait after a 429, 5xx or timeout)
     * @param detailsLanded     movie details landed
     * @param detailsNotFound   movie ids TMDB answered 404 for, skipped
     * @param silverRows        rows the silver commit MERGEd
     * @param duplicatesDropped repeated movies within one list, not written
     * @param silverVersion     the silver version written, or null
     * @param errors            errors, masked, in order
     */
    public record TmdbRun(String runId, String runDate, String status, String started,
                          @Schema(nullable = true) String ended, Map<String, ListProgress> lists, long pages,
                          long requests, long retries, long detailsLanded, long detailsNotFound, long silverRows,
                          long duplicatesDropped, @Schema(nullable = true) Long silverVersion, List<String> errors) {

        @SuppressWarnings("unchecked")
        static TmdbRun of(Map<String, Object> m) {
            Map<String, ListProgress> lists = new LinkedHashMap<>();
            ((Map<String, Map<String, Object>>) m.get("lists")).forEach((k, v) -> lists.put(k, ListProgress.of(v)));
            return new TmdbRun(Views.text(m.get("runId")), Views.text(m.get("runDate")), Views.text(m.get("status")),
                    Views.text(m.get("started")), Views.text(m.get("ended")), lists, Views.longOf(m.get("pages")),
                    Views.longOf(m.get("requests")), Views.longOf(m.get("retries")), Views.longOf(m.get("detailsLanded")),
                    Views.longOf(m.get("detailsNotFound")), Views.longOf(m.get("silverRows")),
                    Views.longOf(m.get("duplicatesDropped")), Views.longOrNull(m.get("silverVersion")),
                    (List<String>) m.get("errors"));
        }
    }

    /**
     * Progress of one list in a run.
     *
     * @param pagesPlanned pages the run plans to pull
     * @param pagesLanded  pages landed in bronze by this attempt
     * @param pagesSkipped pages already in bronze, not fetched again
     * @param totalResults TMDB's {@code total_results}
     * @param complete     whether every planned page is in bronze
     * @param error        why the list failed, or null
     */
    public record ListProgress(long pagesPlanned, long pagesLanded, long pagesSkipped, long totalResults,
                               boolean complete, @Schema(nullable = true) String error) {

        static ListProgress of(Map<String, Object> m) {
            return new ListProgress(Views.longOf(m.get("pagesPlanned")), Views.longOf(m.get("pagesLanded")),
                    Views.longOf(m.get("pagesSkipped")), Views.longOf(m.get("totalResults")),
                    Boolean.TRUE.equals(m.get("complete")), Views.text(m.get("error")));
        }
    }
}
