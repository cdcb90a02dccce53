package io.lakehub.files;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The state of one landed file as it moves through the files-ingest steps, kept in the exchange
 * variable {@value #VARIABLE}. Written by one route thread at a time.
 */
public final class FileRun {

    /** Exchange variable holding the run. */
    public static final String VARIABLE = "filesRun";

    final String runId;
    /** Where the file is and how to read, archive or delete it. */
    final LandedFile source;
    final String fileName;
    final long size;
    final Instant modified;
    final Instant start = Instant.now();
    /** The declared kind's name, or the file's base name when no kind is declared. */
    String kind;
    /** The declared schema, or null (bronze only). */
    DeclaredSchema schema;
    List<String> header;
    /** Bronze file relative to the lake root, once renamed into place (the first one of a zip). */
    String bronze;
    /** Rows landed in bronze (records read minus rejected). */
    long rows;
    /** Records read (lines after the header, JSON records), good and bad. */
    long rowsRead;
    /** Records rejected to quarantine, one by one. */
    long rowsRejected;
    /** The rejects file in the lake ({@code quarantine/files/...rejects.jsonl}), or null. */
    String rejects;
    /** The bronze files of the run, one per plain file or zip entry, in order. */
    final List<Part> parts = new java.util.ArrayList<>();

    /**
     * One bronze file of a run: a plain file, or one entry of a zip archive.
     *
     * @param entry  the zip entry's path, or null for a plain file
     * @param format how it was read
     * @param header its bronze columns
     * @param bronze the bronze file relative to the lake root
     * @param rows   rows it holds
     */
    record Part(String entry, DumpReader.Format format, List<String> header, String bronze, long rows) {
    }
    /** Every silver table of the kind already holds this very file (a retry after a crash before the archive move). */
    boolean replayed;
    /** Silver table to the version this run committed, in commit order. */
    final Map<String, Long> versions = new LinkedHashMap<>();
    /** Silver table to the rows it holds after this run. */
    final Map<String, Long> tableRows = new LinkedHashMap<>();

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A new run id, {@code yyyyMMdd'T'HHmmss'Z'-<8 hex>} (UTC): sorts by time, unique per attempt. */
    static String newRunId(Instant now) {
        return RUN_ID.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The kind of a file no declared kind matches: its base name, with characters outside {@code [A-Za-z0-9._-]} as {@code _}. */
    static String undeclaredKind(String fileName) {
        return DumpReader.baseName(fileName).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * The run of a file that failed before step 1 named it (the file could not even be opened): a
     * fresh run id, no declared kind.
     */
    static FileRun unstarted(LandedFile source) {
        FileRun run = new FileRun(newRunId(Instant.now()), source);
        run.kind = undeclaredKind(run.fileName);
        return run;
    }

    FileRun(String runId, LandedFile source) {
        this.runId = runId;
        this.source = source;
        this.fileName = source.name();
        this.size = source.size();
        this.modified = source.modified();
    }

    public String runId() {
        return runId;
    }

    public String fileName() {
        return fileName;
    }

    /** The landing the file came from. */
    public String landing() {
        return source.landing();
    }

    /** Where the file was read from (a local path or the blob's URL, never a secret). */
    public String location() {
        return source.location();
    }

    public String kind() {
        return kind;
    }

    /** Rows of the file that landed (records read minus rejected). */
    public long rows() {
        return rows;
    }

    /** Records read from the file, good and bad. */
    public long rowsRead() {
        return rowsRead;
    }

    /** Records rejected to quarantine one by one. */
    public long rowsRejected() {
        return rowsRejected;
    }

    /** The bronze Parquet file relative to the lake root, or null before step 1 finished. */
    public String bronze() {
        return bronze;
    }

    /** Silver table to the version this run committed. */
    public Map<String, Long> versions() {
        return versions;
    }

    /** Silver table to its row count after this run. */
    public Map<String, Long> tableRows() {
        return tableRows;
    }

    /** Whether the file was found already committed, so nothing was written again. */
    public boolean replayed() {
        return replayed;
    }

    public Instant start() {
        return start;
    }

    /**
     * Deletes what the run wrote before a failure, when no silver commit holds it ({@link #versions} empty):
     * its bronze files (every part, and the first bronze file) and its rejects file. The next attempt, or the
     * quarantined file, starts from nothing; a run with a silver version keeps its bronze files (the commit
     * refers to their rows). Paths are relative to the lake root.
     *
     * @throws java.io.IOException if a file cannot be deleted
     */
    void discardUncommitted(io.lakehub.delta.LakeStorage lake) throws java.io.IOException {
        if (!versions.isEmpty()) {
            return;
        }
        org.apache.hadoop.fs.FileSystem fs = lake.path("bronze").getFileSystem(lake.conf());
        for (Part p : parts) {
            fs.delete(lake.path(p.bronze()), false);
        }
        if (bronze != null) {
            fs.delete(lake.path(bronze), false);
        }
        if (rejects != null) {
            fs.delete(lake.path(rejects), false);
            rejects = null;
        }
        parts.clear();
        bronze = null;
    }
}
