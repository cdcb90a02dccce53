package io.lakehub.run;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The most recent runs of every flow, newest first, kept in memory ({@value #CAPACITY} runs). The
 * durable record of each load is its Delta commit ({@code commitInfo.userMetadata}); this is what
 * operators see between restarts, including the runs that failed and so left no commit. A flow that
 * keeps a {@link RunJournal} puts its runs back with {@link #restore} at start-up. Thread-safe.
 */
@Component
public class RunHistory {

    /** Runs kept. */
    public static final int CAPACITY = 500;

    /**
     * One run.
     *
     * @param status       SUCCEEDED, FAILED, or NOOP (nothing new in the source)
     * @param rowsIn       rows read from the source
     * @param deleted      rows removed from silver because the source flagged them deleted
     * @param tableVersion Delta version written, or null
     * @param error        the failure message, or null
     * @param details      flow-specific figures (e.g. files before and after a bronze compaction); empty if none
     */
    public record Run(String runId, String flow, String source, Instant start, Instant end, String status, long rowsIn,
                      long inserted, long updated, long deleted, Long tableVersion, String error,
                      java.util.Map<String, Object> details) {

        /** A run without flow-specific figures. */
        public Run(String runId, String flow, String source, Instant start, Instant end, String status, long rowsIn,
                   long inserted, long updated, long deleted, Long tableVersion, String error) {
            this(runId, flow, source, start, end, status, rowsIn, inserted, updated, deleted, tableVersion, error,
                    java.util.Map.of());
        }
    }

    private final Deque<Run> runs = new ArrayDeque<>();
    private final List<Consumer<Run>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Records a finished run, then tells the listeners (metrics, progress). A failing listener is logged
     * and does not stop the others or the caller.
     */
    public void record(Run run) {
        synchronized (this) {
            runs.addFirst(run);
            while (runs.size() > CAPACITY) {
                runs.removeLast();
            }
        }
        for (Consumer<Run> l : listeners) {
            try {
                l.accept(run);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(RunHistory.class).warn("run listener failed on {}: {}", run.runId(), e.toString());
            }
        }
    }

    /**
     * Puts back runs of an earlier life of the hub (read from a {@link RunJournal} at start-up): merged
     * with the runs held by their end time, newest first, at most {@value #CAPACITY}; a run id already
     * held is skipped. Listeners are not told: these runs were counted when they ran.
     */
    public synchronized void restore(java.util.Collection<Run> earlier) {
        java.util.Set<String> held = new java.util.HashSet<>();
        runs.forEach(r -> held.add(r.runId()));
        List<Run> all = new ArrayList<>(runs);
        for (Run r : earlier) {
            if (held.add(r.runId())) {
                all.add(r);
            }
        }
        all.sort(java.util.Comparator.comparing(Run::end, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
                .reversed());
        runs.clear();
        for (Run r : all) {
            if (runs.size() >= CAPACITY) {
                break;
            }
            runs.addLast(r);
        }
    }

    /** Calls {@code listener} with every run recorded from now on, on the recording thread. */
    public void addListener(Consumer<Run> listener) {
        listeners.add(listener);
    }

    /** Up to {@code limit} runs, newest first, optionally of one source only. */
    public synchronized List<Run> recent(String source, int limit) {
        List<Run> out = new ArrayList<>();
        for (Iterator<Run> it = runs.iterator(); it.hasNext() && out.size() < limit;) {
            Run r = it.next();
            if (source == null || source.equals(r.source())) {
                out.add(r);
            }
        }
        return out;
    }

    /** The latest run of a source, or null. */
    public Run last(String source) {
        List<Run> r = recent(source, 1);
        return r.isEmpty() ? null : r.get(0);
    }
}
