package io.lakehub.events;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.lakehub.delta.LakeStorage;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts of one hub as JSON files: an outbox under {@code _hub/alerts/<hub>/}.
 *
 * <p>An alert is identified by {@code <rule>-<window start>} and written once to {@code pending/<id>.json}
 * (create if neither {@code pending/} nor {@code sent/} holds it), before the aggregate commit that
 * counts its events: a retry or replay of that commit computes the same id and writes nothing, and a
 * crash after the commit cannot lose it. {@link #deliver} sends each pending alert to the publisher and
 * then moves it to {@code sent/}; a failed send leaves it pending for the next delivery, so delivery is
 * at least once (a crash between the send and the move sends it again) and the file record exactly once.
 * Files, not a Delta table, because an alert has a delivery state that changes after its commit, and a
 * file name gives the once-only check without a second commit that could fail apart from the aggregate
 * one. Thread-safe for one hub instance per hub (calls are synchronized).
 */
public final class AlertOutbox {

    /** Sends one alert, a JSON object as text. */
    @FunctionalInterface
    public interface Publisher {
        /** @throws Exception if the alert was not delivered; it stays pending */
        void publish(String alertJson) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);

    private final LakeStorage lake;
    private final Path pending;
    private final Path sent;
    private final Path staging;

    /** The outbox of a hub in a lake. */
    public AlertOutbox(LakeStorage lake, String hub) {
        this.lake = lake;
        this.pending = lake.path("_hub/alerts/" + hub + "/pending");
        this.sent = lake.path("_hub/alerts/" + hub + "/sent");
        this.staging = lake.path("_hub/alerts/" + hub + "/_staging");
    }

    /**
     * Writes an alert unless one with this id exists.
     *
     * @param id   {@code [A-Za-z0-9_.-]+}, the same for the same (rule, window)
     * @param json the alert
     * @return true if it was written now
     * @throws IOException if the lake cannot be written
     */
    public synchronized boolean raise(String id, String json) throws IOException {
        FileSystem fs = pending.getFileSystem(lake.conf());
        Path target = new Path(pending, id + ".json");
        if (fs.exists(target) || fs.exists(new Path(sent, id + ".json"))) {
            return false;
        }
        fs.mkdirs(pending);
        Path tmp = new Path(staging, id + "-" + java.util.UUID.randomUUID() + ".json");
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        return true;
    }

    /**
     * Sends the pending alerts in id order and moves each sent one to {@code sent/}.
     *
     * @return alerts sent
     * @throws IOException if the outbox cannot be listed or moved
     */
    public synchronized int deliver(Publisher publisher) throws IOException {
        FileSystem fs = pending.getFileSystem(lake.conf());
        FileStatus[] files;
        try {
            files = fs.listStatus(pending);
        } catch (FileNotFoundException e) {
            return 0;
        }
        Arrays.sort(files, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        int count = 0;
        for (FileStatus f : files) {
            if (!f.isFile() || !f.getPath().getName().endsWith(".json")) {
                continue;
            }
            String json;
            try (InputStream in = fs.open(f.getPath())) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try {
                publisher.publish(json);
            } catch (Exception e) {
                LOG.warn("alert {} not delivered, kept in {} for the next delivery: {}", f.getPath().getName(), pending,
                        e.toString());
                return count;
            }
            fs.mkdirs(sent);
            if (!fs.rename(f.getPath(), new Path(sent, f.getPath().getName()))) {
                throw new IOException("cannot move " + f.getPath() + " to " + sent);
            }
            count++;
        }
        return count;
    }

    /** The alerts written so far (pending and sent), as JSON texts in id order. */
    public synchronized List<String> all() throws IOException {
        List<FileStatus> files = list();
        files.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        return read(files);
    }

    /**
     * The most recently written alerts (pending and sent), newest first by file time, then by id.
     *
     * @param limit most alerts to return
     */
    public synchronized List<String> recent(int limit) throws IOException {
        List<FileStatus> files = list();
        files.sort((a, b) -> a.getModificationTime() != b.getModificationTime()
                ? Long.compare(b.getModificationTime(), a.getModificationTime())
                : a.getPath().getName().compareTo(b.getPath().getName()));
        return read(files.subList(0, Math.min(limit, files.size())));
    }

    private List<FileStatus> list() throws IOException {
        FileSystem fs = pending.getFileSystem(lake.conf());
        List<FileStatus> files = new ArrayList<>();
        for (Path dir : List.of(pending, sent)) {
            try {
                files.addAll(Arrays.asList(fs.listStatus(dir)));
            } catch (FileNotFoundException e) {
                // no alert yet
            }
        }
        files.removeIf(f -> !f.isFile() || !f.getPath().getName().endsWith(".json"));
        return files;
    }

    private List<String> read(List<FileStatus> files) throws IOException {
        FileSystem fs = pending.getFileSystem(lake.conf());
        List<String> out = new ArrayList<>();
        for (FileStatus f : files) {
            try (InputStream in = fs.open(f.getPath())) {
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
