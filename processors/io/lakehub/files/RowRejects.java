package io.lakehub.files;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The rejected records of one landed file, streamed as JSON lines to a staged file in the lake and moved to
 * {@code quarantine/files/<kind>/<yyyy-MM-dd>/<name>.<runId>.rejects.jsonl} once the file's good rows are in
 * bronze. One line per record: {@code file}, {@code entry} (the zip entry, or null), {@code line} or
 * {@code record} (its 1-based position), {@code reason}, {@code text} (the original line(s) or JSON value),
 * {@code kind}, {@code runId}, {@code rejectedAt}. Nothing is created when no record is rejected. Memory: one
 * record. Used by one thread at a time; not thread-safe.
 */
public final class RowRejects implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path staged;
    private final Path target;
    private final String file;
    private final String kind;
    private final String runId;
    private OutputStream out;
    private JsonGenerator json;
    private long count;

    /**
     * @param staged where the lines are written first
     * @param target where {@link #commit} moves them
     */
    public RowRejects(Path staged, Path target, Configuration conf, String file, String kind, String runId) throws IOException {
        this.fs = staged.getFileSystem(conf);
        this.staged = staged;
        this.target = target;
        this.file = file;
        this.kind = kind;
        this.runId = runId;
    }

    /**
     * Appends one rejected record.
     *
     * @param entry the zip entry it came from, or null
     * @param unit  {@code line} or {@code record}
     * @throws IOException if the staged file cannot be written
     */
    public void reject(String entry, String unit, long position, String reason, String text) throws IOException {
        if (json == null) {
            fs.mkdirs(staged.getParent());
            out = fs.create(staged, true);
            json = JSON.getFactory().createGenerator(out);
            json.setRootValueSeparator(null);
        }
        json.writeStartObject();
        json.writeStringField("file", file);
        json.writeStringField("entry", entry);
        json.writeNumberField(unit, position);
        json.writeStringField("reason", reason);
        json.writeStringField("text", text);
        json.writeStringField("kind", kind);
        json.writeStringField("runId", runId);
        json.writeStringField("rejectedAt", Instant.now().toString());
        json.writeEndObject();
        json.writeRaw('\n');
        count++;
    }

    /** Records rejected so far. */
    public long count() {
        return count;
    }

    /**
     * Moves the rejects into quarantine (when there are any).
     *
     * @return the lake path of the rejects file, or null when none was rejected
     * @throws IOException if the move fails
     */
    public Path commit() throws IOException {
        if (json == null) {
            return null;
        }
        close();
        fs.mkdirs(target.getParent());
        if (!fs.rename(staged, target)) {
            throw new IOException("cannot rename " + staged + " to " + target);
        }
        return target;
    }

    /** Deletes the staged rejects (the whole file goes to quarantine instead, or the run failed). */
    public void abandon() {
        try {
            close();
            fs.delete(staged, false);
        } catch (IOException | RuntimeException ignored) {
            // a left-over staged file is removed by the orphan-file sweep of _staging folders
        }
    }

    @Override
    public void close() throws IOException {
        if (json != null && !json.isClosed()) {
            json.close();
            out.close();
        }
    }
}
