package io.lakehub.files;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.run.RunHistory;
import org.springframework.stereotype.Component;

/**
 * What files-ingest did since the hub started: counters and the last {@value #CAPACITY} files with
 * their outcome, for {@code GET /api/flows/files-ingest}. Each file is also recorded as a run in
 * {@link RunHistory} (flow {@code files-ingest}, source the file name). The durable record is in the
 * lake: silver commits carry the lineage, quarantine holds the reason files. Thread-safe.
 */
@Component
public class FilesIngestStatus {

    /** Files kept in the recent list. */
    public static final int CAPACITY = 100;

    /** Flow name in runs and the admin API. */
    public static final String FLOW = "files-ingest";

    private final RunHistory runs;
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();
    private long ingested;
    private long quarantined;
    private long failed;
    private long rows;

    public FilesIngestStatus(RunHistory runs) {
        this.runs = runs;
    }

    /**
     * Records the outcome of one file.
     *
     * @param status  SUCCEEDED (in bronze and silver, archived), QUARANTINED, or FAILED (left in the
     *                landing folder, retried at the next poll)
     * @param where   the archive or quarantine path, or null
     * @param error   the reason, or null
     * @param line    the line of the reason, or 0
     */
    public synchronized void record(FileRun run, String status, String where, String error, long line) {
        Instant end = Instant.now();
        switch (status) {
            case "SUCCEEDED" -> {
                ingested++;
                rows += run.rows;
            }
            case "QUARANTINED" -> quarantined++;
            default -> failed++;
        }
        Long version = run.schema == null ? null : run.versions.get(run.schema.table());
        long silverRows = run.schema == null ? 0 : run.tableRows.getOrDefault(run.schema.table(), 0L);
        runs.record(new RunHistory.Run(run.runId, FLOW, run.fileName, run.start, end, status, run.rows, silverRows, 0, 0,
                version, error));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", run.runId);
        m.put("file", run.fileName);
        m.put("kind", run.kind);
        m.put("status", status);
        m.put("start", run.start.toString());
        m.put("end", end.toString());
        m.put("bytes", run.size);
        m.put("rows", run.rows);
        m.put("bronze", run.bronze);
        m.put("replayed", run.replayed);
        m.put("silverVersions", new LinkedHashMap<>(run.versions));
        m.put("silverRows", new LinkedHashMap<>(run.tableRows));
        m.put("movedTo", where);
        m.put("error", error);
        m.put("line", line > 0 ? line : null);
        recent.addFirst(m);
        while (recent.size() > CAPACITY) {
            recent.removeLast();
        }
    }

    /** Counters since start: files (ingested), rows (of ingested files), quarantined, failed (attempts). */
    public synchronized Map<String, Object> counters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", ingested);
        m.put("rows", rows);
        m.put("quarantined", quarantined);
        m.put("failed", failed);
        return m;
    }

    /** Up to {@code limit} files, newest first. */
    public synchronized List<Map<String, Object>> recent(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : recent) {
            if (out.size() >= limit) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    /** The latest run of the flow, or null. */
    public RunHistory.Run lastRun() {
        for (RunHistory.Run r : runs.recent(null, RunHistory.CAPACITY)) {
            if (FLOW.equals(r.flow())) {
                return r;
            }
        }
        return null;
    }
}
