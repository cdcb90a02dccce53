package io.lakehub.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakehub.delta.LakeStorage;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The replication records, persisted one JSON file per replication under {@code _hub/replications/}
 * in the lake, so that status, results and request ids survive a restart. All records are loaded at
 * start and kept in memory (a record is a few kilobytes). A record is written to a hidden temporary
 * file and renamed over the old one (Hadoop {@code FileContext.rename} with {@code OVERWRITE}, atomic
 * on local file systems and ADLS Gen2), so a crash leaves the old or the new record, never half of one.
 * {@link #create} is atomic per request id. Thread-safe.
 */
@Component
public class ReplicationStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationStore.class);

    /** Lake-relative folder of the records. */
    public static final String FOLDER = "_hub/replications";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final LakeStorage lake;
    private final Map<String, Replication> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByRequest = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    /**
     * A store of the records found under {@code _hub/replications/}, read on first use; an unreadable
     * record is logged and skipped. Every method throws {@link UncheckedIOException} if the folder cannot be listed.
     */
    public ReplicationStore(LakeStorage lake) {
        this.lake = lake;
    }

    /**
     * Loads the records on first use rather than at start: listing the lake opens Hadoop's file system,
     * which the hub's start need not wait for.
     */
    private void loaded() {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    load();
                    loaded = true;
                }
            }
        }
    }

    private void load() {
        Path folder = lake.path(FOLDER);
        try {
            FileSystem fs = folder.getFileSystem(lake.conf());
            if (fs.exists(folder)) {
                for (FileStatus f : fs.listStatus(folder)) {
                    String name = f.getPath().getName();
                    if (!name.endsWith(".json") || name.startsWith(".")) {
                        continue;
                    }
                    try (InputStream in = fs.open(f.getPath())) {
                        Replication r = JSON.readValue(in, Replication.class);
                        byId.put(r.id, r);
                        if (r.requestId != null) {
                            idByRequest.put(r.requestId, r.id);
                        }
                    } catch (IOException e) {
                        LOG.warn("replication record {} cannot be read and is ignored: {}", f.getPath(), e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores a new record unless one with the same request id exists.
     *
     * @return the stored record: {@code r}, or the earlier one with the same request id
     * @throws UncheckedIOException if it cannot be written (then nothing is stored)
     */
    public synchronized Replication create(Replication r) {
        loaded();
        String existing = idByRequest.get(r.requestId);
        if (existing != null) {
            return byId.get(existing);
        }
        save(r);
        idByRequest.put(r.requestId, r.id);
        return r;
    }

    /** The record with a request id, or null. */
    public Replication byRequestId(String requestId) {
        loaded();
        String id = idByRequest.get(requestId);
        return id == null ? null : byId.get(id);
    }

    /**
     * Writes a record (new or changed) durably, then keeps it in memory.
     *
     * @throws UncheckedIOException if it cannot be written
     */
    public void save(Replication r) {
        loaded();
        Path folder = lake.path(FOLDER);
        Path tmp = new Path(folder, "." + r.id + ".json.tmp");
        Path target = new Path(folder, r.id + ".json");
        try {
            FileContext fc = FileContext.getFileContext(folder.toUri(), lake.conf());
            fc.mkdir(folder, null, true);
            try (OutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                    Options.CreateOpts.createParent())) {
                JSON.writeValue(out, r);
            }
            fc.rename(tmp, target, Options.Rename.OVERWRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replication record " + target + ": " + e.getMessage(), e);
        }
        byId.put(r.id, r);
    }

    /**
     * A record by id.
     *
     * @throws NoSuchElementException if there is none
     */
    public Replication get(String id) {
        loaded();
        Replication r = id == null ? null : byId.get(id);
        if (r == null) {
            throw new NoSuchElementException("no replication " + id);
        }
        return r;
    }

    /** Records, newest first, optionally of one source table only. */
    public List<Replication> list(String table, int limit) {
        loaded();
        List<Replication> out = new ArrayList<>();
        for (Replication r : byId.values()) {
            if (table == null || table.equals(r.table)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing((Replication r) -> r.createdAt == null ? "" : r.createdAt).reversed());
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** Records that had not ended when the hub stopped (QUEUED or RUNNING), oldest first. */
    public List<Replication> unfinished() {
        loaded();
        List<Replication> out = new ArrayList<>();
        for (Replication r : byId.values()) {
            if (!r.finished()) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing((Replication r) -> r.createdAt == null ? "" : r.createdAt));
        return out;
    }

    /**
     * The replications of one source table by the version they copied, each as {@code id, status,
     * target, destination, location, finishedAt}, newest first: the link from a table's history to its copies.
     */
    public Map<Long, List<Map<String, Object>>> linksByVersion(String table) {
        Map<Long, List<Map<String, Object>>> out = new java.util.HashMap<>();
        for (Replication r : list(table, Integer.MAX_VALUE)) {
            if (r.sourceVersion == null) {
                continue;
            }
            Map<String, Object> link = new java.util.LinkedHashMap<>();
            link.put("id", r.id);
            link.put("status", r.status);
            link.put("target", r.target);
            link.put("destination", r.destination);
            link.put("location", r.location);
            link.put("finishedAt", r.finishedAt);
            out.computeIfAbsent(r.sourceVersion, v -> new ArrayList<>()).add(link);
        }
        return out;
    }
}
