package io.lakehub.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.LakeStorage;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable copy of one flow's runs, so that what {@link RunHistory} shows survives a restart: one
 * JSON file per run, {@code _hub/runs/<flow>/<runId>.json} in the lake (written under {@code _staging/}
 * and renamed into place, so a reader never sees half a file), the newest {@code keep} kept. For flows
 * whose runs are few and matter one by one (files-ingest: one run per landed file); a poller that
 * records a run every few seconds keeps its progress in the Delta log instead (DESIGN.md invariant 2).
 *
 * <p>Each file holds the {@link RunHistory.Run} fields, instants as ISO-8601 text, {@code details} as a
 * JSON object. Failure: writing and reading never throw; a run that cannot be written, or a file that
 * cannot be read, is logged and left out (the journal is a convenience for operators, the lake's data
 * has its own lineage). Thread-safe.
 */
public final class RunJournal {

    private static final Logger LOG = LoggerFactory.getLogger(RunJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LakeStorage lake;
    private final String folder;
    private final int keep;

    /**
     * @param flow the flow name, the folder {@code _hub/runs/<flow>/}
     * @param keep runs kept; older ones are deleted as new ones are written
     * @throws IllegalArgumentException for a flow name outside {@code [A-Za-z0-9_-]+} or {@code keep < 1}
     */
    public RunJournal(LakeStorage lake, String flow, int keep) {
        if (flow == null || !flow.matches("[A-Za-z0-9_-]+") || keep < 1) {
            throw new IllegalArgumentException("a run journal needs a flow name [A-Za-z0-9_-]+ and keep >= 1: " + flow + ", " + keep);
        }
        this.lake = lake;
        this.folder = "_hub/runs/" + flow + "/";
        this.keep = keep;
    }

    /** Writes one run (replacing an earlier file of the same run id), then deletes the oldest beyond {@code keep}. */
    public synchronized void write(RunHistory.Run run) {
        String id = run.runId().replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Path target = lake.path(folder + id + ".json");
            Path staged = lake.path(folder + "_staging/" + id + ".json");
            FileSystem fs = target.getFileSystem(lake.conf());
            fs.mkdirs(staged.getParent());
            try (OutputStream out = fs.create(staged, true)) {
                JSON.writeValue(out, toMap(run));
            }
            fs.delete(target, false);
            if (!fs.rename(staged, target)) {
                fs.delete(staged, false);
                throw new IOException("cannot rename " + staged + " to " + target);
            }
            prune(fs);
        } catch (IOException | RuntimeException e) {
            LOG.warn("run {} of {} not written to the run journal {}: {}", run.runId(), run.flow(), folder, e.toString());
        }
    }

    /** The runs in the journal, newest (by end, then start) first; unreadable files are skipped. */
    public synchronized List<RunHistory.Run> read() {
        List<RunHistory.Run> out = new ArrayList<>();
        try {
            Path dir = lake.path(folder);
            FileSystem fs = dir.getFileSystem(lake.conf());
            if (!fs.exists(dir)) {
                return out;
            }
            for (FileStatus f : fs.listStatus(dir)) {
                if (!f.isFile() || !f.getPath().getName().endsWith(".json")) {
                    continue;
                }
                try (InputStream in = fs.open(f.getPath())) {
                    out.add(fromMap(JSON.readValue(in, new TypeReference<Map<String, Object>>() { })));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("run journal file {} skipped: {}", f.getPath(), e.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("run journal {} not read: {}", folder, e.toString());
        }
        out.sort(Comparator.comparing(RunHistory.Run::end, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(RunHistory.Run::start, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return out;
    }

    private void prune(FileSystem fs) throws IOException {
        FileStatus[] files = Arrays.stream(fs.listStatus(lake.path(folder)))
                .filter(f -> f.isFile() && f.getPath().getName().endsWith(".json")).toArray(FileStatus[]::new);
        if (files.length <= keep) {
            return;
        }
        Arrays.sort(files, Comparator.comparingLong(FileStatus::getModificationTime).thenComparing(f -> f.getPath().getName()));
        for (int i = 0; i < files.length - keep; i++) {
            fs.delete(files[i].getPath(), false);
        }
    }

    private static Map<String, Object> toMap(RunHistory.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.runId());
        m.put("flow", r.flow());
        m.put("source", r.source());
        m.put("start", r.start() == null ? null : r.start().toString());
        m.put("end", r.end() == null ? null : r.end().toString());
        m.put("status", r.status());
        m.put("rowsIn", r.rowsIn());
        m.put("inserted", r.inserted());
        m.put("updated", r.updated());
        m.put("deleted", r.deleted());
        m.put("tableVersion", r.tableVersion());
        m.put("error", r.error());
        m.put("details", r.details());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static RunHistory.Run fromMap(Map<String, Object> m) {
        Object details = m.get("details");
        return new RunHistory.Run((String) m.get("runId"), (String) m.get("flow"), (String) m.get("source"),
                instant(m.get("start")), instant(m.get("end")), (String) m.get("status"), number(m.get("rowsIn")),
                number(m.get("inserted")), number(m.get("updated")), number(m.get("deleted")),
                m.get("tableVersion") == null ? null : number(m.get("tableVersion")), (String) m.get("error"),
                details instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of());
    }

    private static Instant instant(Object text) {
        return text == null ? null : Instant.parse(text.toString());
    }

    private static long number(Object n) {
        return n instanceof Number x ? x.longValue() : 0L;
    }
}
