package io.lakehub.tmdb;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * The completion event of a tmdb-pull run, and the content of its manifest
 * {@code bronze/tmdb/_runs/run=<runId>.json}: every page of every list is in bronze.
 *
 * @param runId       the run id (also in every bronze path of the run)
 * @param runDate     the run date (UTC day the run started), the {@code run_date=} folder and silver column
 * @param pages       pages landed per list, in list order
 * @param completedAt when the last list's marker was written
 * @param details     movie details landed in {@code bronze/tmdb/movie_details/...}, or null when details are off
 */
public record CompletedRun(String runId, LocalDate runDate, Map<String, Integer> pages, Instant completedAt, Integer details) {
}
