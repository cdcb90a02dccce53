package io.lakehub.tmdb;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Component;

/**
 * What the admin API shows of recent tmdb-pull runs (pages per list, requests, retries, rows,
 * errors), in memory, newest first ({@value #CAPACITY} runs); the durable records are the bronze
 * manifests and the silver commit. Also the single-run guard: one pull at a time per hub. Thread-safe.
 */
@Component
public class TmdbRuns {

    /** Runs kept. */
    public static final int CAPACITY = 20;

    /** Pages of one list in one run. */
    public static final class ListProgress {
        /** Pages the run wants: min(total_pages of page 1, the list's page cap). */
        public volatile int pagesPlanned;
        /** Pages this attempt fetched and landed. */
        public volatile int pagesLanded;
        /** Pages already in bronze from an earlier attempt of the same run id, not fetched again. */
        public volatile int pagesSkipped;
        /** total_results reported by page 1. */
        public volatile long totalResults;
        /** Whether every planned page is in bronze and the list's _SUCCESS marker is written. */
        public volatile boolean complete;
        /** Why the list failed, or null. */
        public volatile String error;

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pagesPlanned", pagesPlanned);
            m.put("pagesLanded", pagesLanded);
            m.put("pagesSkipped", pagesSkipped);
            m.put("totalResults", totalResults);
            m.put("complete", complete);
            m.put("error", error);
            return m;
        }
    }

    /** One run (one run id attempt). Status: PULLING, PULLED, SUCCEEDED, FAILED. */
    public static final class Run {
        /** The run id, in every bronze path of the run. */
        public final String runId;
        /** The run date (UTC), the {@code run_date=} folder and silver column. */
        public final LocalDate runDate;
        /** When this attempt started. */
        public final Instant started = Instant.now();
        /** When the attempt ended (after the silver step for a complete run), or null. */
        public volatile Instant ended;
        /** PULLING, PULLED (event raised, silver pending), SUCCEEDED or FAILED. */
        public volatile String status = "PULLING";
        /** Progress per list, in list order. */
        public final Map<String, ListProgress> lists = new LinkedHashMap<>();
        /** HTTP requests that returned a landed page, their retries included. */
        public volatile int requests;
        /** Retries (each a wait after a 429, 5xx or timeout). */
        public volatile int retries;
        /** Rows the silver commit MERGEd. */
        public volatile long silverRows;
        /** Repeated movies within one list of the run, not written to silver. */
        public volatile long duplicatesDropped;
        /** Silver table version written, or null. */
        public volatile Long silverVersion;
        /** Movie details landed ({@code fetch-details}). */
        public volatile int detailsLanded;
        /** Movie ids whose details TMDB answered 404 for (removed movies), skipped. */
        public volatile int detailsNotFound;
        /** Errors, masked, in order. */
        public final List<String> errors = new ArrayList<>();

        Run(String runId, LocalDate runDate, List<String> listNames) {
            this.runId = runId;
            this.runDate = runDate;
            for (String l : listNames) {
                lists.put(l, new ListProgress());
            }
        }

        /** Adds an error message (already masked). */
        public synchronized void error(String message) {
            errors.add(message);
        }

        /** The run as the admin API shows it. */
        public synchronized Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runId", runId);
            m.put("runDate", runDate.toString());
            m.put("status", status);
            m.put("started", started.toString());
            m.put("ended", ended == null ? null : ended.toString());
            Map<String, Object> l = new LinkedHashMap<>();
            lists.forEach((k, v) -> l.put(k, v.toMap()));
            m.put("lists", l);
            m.put("pages", lists.values().stream().mapToInt(p -> p.pagesLanded + p.pagesSkipped).sum());
            m.put("requests", requests);
            m.put("retries", retries);
            m.put("detailsLanded", detailsLanded);
            m.put("detailsNotFound", detailsNotFound);
            m.put("silverRows", silverRows);
            m.put("duplicatesDropped", duplicatesDropped);
            m.put("silverVersion", silverVersion);
            m.put("errors", List.copyOf(errors));
            return m;
        }
    }

    private final Deque<Run> runs = new ArrayDeque<>();
    private final AtomicReference<Run> pulling = new AtomicReference<>();

    /**
     * Starts tracking a run and takes the single-run guard.
     *
     * @return the run, or null when another pull is in progress
     */
    public Run begin(String runId, LocalDate runDate, List<String> lists) {
        Run run = new Run(runId, runDate, lists);
        if (!pulling.compareAndSet(null, run)) {
            return null;
        }
        synchronized (this) {
            runs.addFirst(run);
            while (runs.size() > CAPACITY) {
                runs.removeLast();
            }
        }
        return run;
    }

    /** Releases the single-run guard after the pull step of {@code run}. */
    public void pullEnded(Run run) {
        pulling.compareAndSet(run, null);
    }

    /** The pull in progress, or null. */
    public Run pulling() {
        return pulling.get();
    }

    /** The latest attempt of a run id, or null. */
    public synchronized Run find(String runId) {
        for (Run r : runs) {
            if (r.runId.equals(runId)) {
                return r;
            }
        }
        return null;
    }

    /** Up to {@code limit} runs, newest first. */
    public synchronized List<Run> recent(int limit) {
        List<Run> out = new ArrayList<>();
        for (Run r : runs) {
            if (out.size() >= limit) {
                break;
            }
            out.add(r);
        }
        return out;
    }
}
