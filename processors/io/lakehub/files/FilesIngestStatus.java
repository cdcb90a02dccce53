package io.lakehub.files;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.LakeStorage;
import io.lakehub.ops.FlowsHealth;
import io.lakehub.run.RunHistory;
import io.lakehub.run.RunJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What files-ingest did: counters and the last {@value #CAPACITY} files with their outcome, for
 * {@code GET /api/flows/files-ingest}. Each file is also recorded as a run in {@link RunHistory} (flow
 * {@code files-ingest}, source the file name, details: the file's outcome below, its health
 * {@value FlowsHealth#COMPONENT_DETAIL} (the declared kind, or {@value #UNDECLARED}) and the counters
 * after it) and written to the {@link RunJournal} {@code _hub/runs/files-ingest/}. At start-up the
 * journal's runs are put back into the run history, and the recent files and counters are read back
 * from them, so neither resets on a restart. The durable record of the data is in the lake: silver
 * commits carry the lineage, quarantine holds the reason files. Thread-safe.
 */
@Component
public class FilesIngestStatus {

    private static final Logger LOG = LoggerFactory.getLogger(FilesIngestStatus.class);

    /** Files kept in the recent list, and runs kept in the journal. */
    public static final int CAPACITY = 100;

    /** Flow name in runs and the admin API. */
    public static final String FLOW = "files-ingest";

    /** Health component of the files of no declared kind (their base names, often dated, are not kinds). */
    public static final String UNDECLARED = "undeclared";

    private final RunHistory runs;
    private final RunJournal journal;
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();
    private long ingested;
    private long quarantined;
    private long failed;
    private long rows;
    private long rejectedRows;

    /** Reads the journal back (see the class comment); an unreadable journal is logged and starts empty. */
    public FilesIngestStatus(RunHistory runs, LakeStorage lake) {
        this.runs = runs;
        this.journal = new RunJournal(lake, FLOW, CAPACITY);
        List<RunHistory.Run> earlier = journal.read();
        runs.restore(earlier);
        for (RunHistory.Run r : earlier) {
            if (recent.size() < CAPACITY) {
                recent.addLast(entry(r));
            }
        }
        if (!earlier.isEmpty() && earlier.get(0).details().get("counters") instanceof Map<?, ?> c) {
            ingested = number(c.get("files"));
            rows = number(c.get("rows"));
            quarantined = number(c.get("quarantined"));
            failed = number(c.get("failed"));
            rejectedRows = number(c.get("rejectedRows"));
        }
        if (!earlier.isEmpty()) {
            LOG.info("files-ingest: {} earlier runs read back from {}, counters {}", earlier.size(), "_hub/runs/" + FLOW, counters());
        }
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
                rejectedRows += run.rowsRejected;
            }
            case "QUARANTINED" -> quarantined++;
            default -> failed++;
        }
        Long version = run.schema == null ? null : run.versions.get(run.schema.table());
        long silverRows = run.schema == null ? 0 : run.tableRows.getOrDefault(run.schema.table(), 0L);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(FlowsHealth.COMPONENT_DETAIL, run.schema == null ? UNDECLARED : run.kind);
        details.put("kind", run.kind);
        details.put("bytes", run.size);
        details.put("bronze", run.bronze);
        details.put("bronzeFiles", run.parts.stream().map(FileRun.Part::bronze).toList());
        details.put("rowsRead", run.rowsRead);
        details.put("rowsLanded", run.rows);
        details.put("rowsRejected", run.rowsRejected);
        details.put("rejects", run.rejects);
        details.put("replayed", run.replayed);
        details.put("silverVersions", new LinkedHashMap<>(run.versions));
        details.put("silverRows", new LinkedHashMap<>(run.tableRows));
        details.put("movedTo", where);
        details.put("line", line > 0 ? line : null);
        details.put("counters", counters());
        RunHistory.Run r = new RunHistory.Run(run.runId, FLOW, run.fileName, run.start, end, status, run.rows, silverRows, 0, 0,
                version, error, details);
        runs.record(r);
        journal.write(r);
        recent.addFirst(entry(r));
        while (recent.size() > CAPACITY) {
            recent.removeLast();
        }
    }

    /** A file of the recent list from its run: runId, file, kind, status, start, end, bytes, rows, bronze, bronzeFiles,
     * rowsRead, rowsLanded, rowsRejected (records read, landed, rejected one by one), rejects (their quarantine file), replayed, silverVersions, silverRows, movedTo, error, line. */
    private static Map<String, Object> entry(RunHistory.Run r) {
        Map<String, Object> d = r.details();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.runId());
        m.put("file", r.source());
        m.put("kind", d.get("kind"));
        m.put("status", r.status());
        m.put("start", String.valueOf(r.start()));
        m.put("end", String.valueOf(r.end()));
        m.put("bytes", d.get("bytes"));
        m.put("rows", r.rowsIn());
        m.put("bronze", d.get("bronze"));
        m.put("bronzeFiles", d.get("bronzeFiles"));
        m.put("rowsRead", d.get("rowsRead"));
        m.put("rowsLanded", d.get("rowsLanded"));
        m.put("rowsRejected", d.get("rowsRejected"));
        m.put("rejects", d.get("rejects"));
        m.put("replayed", d.get("replayed"));
        m.put("silverVersions", d.get("silverVersions"));
        m.put("silverRows", d.get("silverRows"));
        m.put("movedTo", d.get("movedTo"));
        m.put("error", r.error());
        m.put("line", d.get("line"));
        return m;
    }

    private static long number(Object n) {
        return n instanceof Number x ? x.longValue() : 0L;
    }

    /**
     * Counters, kept across restarts (read back from the run journal): files (ingested), rows (landed, of
     * ingested files), rejectedRows (records of ingested files rejected one by one), quarantined (whole files),
     * failed (attempts).
     */
    public synchronized Map<String, Object> counters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", ingested);
        m.put("rows", rows);
        m.put("quarantined", quarantined);
        m.put("failed", failed);
        m.put("rejectedRows", rejectedRows);
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
