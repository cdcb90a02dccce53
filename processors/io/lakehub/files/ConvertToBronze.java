package io.lakehub.files;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import io.lakehub.files.DumpReader.Format;
import io.lakehub.files.FilesProperties.FileKind;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Step 1 of files-ingest: copies a landed file as it is into bronze Parquet, one bronze file per plain file
 * or per zip entry, and rejects the records that do not parse.
 *
 * <p>Reads: the body, a landed file: a {@code java.io.File} as Camel's {@code file:} consumer gives it
 * (with header {@code CamelFileNameOnly}), or a {@link LandedFile} of a blob or ADLS landing, read as a
 * stream ({@link Landings#of}). Writes: exchange variable {@value FileRun#VARIABLE} (a
 * {@link FileRun}) and the files {@code bronze/files/<kind>/<yyyy-MM-dd>/<base>.<runId>.parquet} (a zip entry:
 * {@code <zip base>.<entry base>.<runId>.parquet}). A TSV or CSV file keeps its header's columns, all strings,
 * in file order, one row per record, {@code \N} as null (see {@link DumpReader}); a JSON-lines file or JSON
 * document has one column {@value JsonRecordReader#VALUE}, one record's JSON text per row (see
 * {@link JsonRecordReader}). Each is written as {@code bronze/files/<kind>/_staging/<runId>-<n>.parquet} and
 * renamed into place only when it was read whole, so a reader of bronze never sees half a file (the
 * {@code _} folder is one Spark skips). A {@code .zip} archive is read once as a stream (java.util.zip); its
 * data entries (not folders, not macOS {@code __MACOSX/} metadata) must all be of one kind: the archive's
 * (its name), else its first entry's.
 *
 * <p>A file that every silver table of its kind already holds among its recent commits (same name and
 * ETag, or size and modification time: a previous attempt committed it and stopped before the archive
 * move) is not converted again; the run is marked replayed and the file is only archived.
 *
 * <p>The kind is the declared kind of the file name ({@link FilesProperties#kindOf}); for a declared text
 * kind the header must hold every declared column. <b>Bad records</b>: a record that does not parse (wrong
 * column count, broken CSV quoting, broken JSON) or breaks a declared type is rejected to
 * {@code quarantine/files/<kind>/<yyyy-MM-dd>/<name>.<runId>.rejects.jsonl} ({@link RowRejects}) and is not in
 * bronze, so step 2 cannot fail on the data; the kind's {@code max-bad-rows} ({@link BadRowLimit}, default
 * {@code lakehub.files.max-bad-rows}, 0) decides when the whole file is quarantined instead: 0 at the first
 * bad record (its reason and line), a count as soon as it is passed, a fraction at the end. A file of no
 * declared kind lands in bronze only. Streaming: memory is bounded by {@value #BATCHES_IN_FLIGHT} batches of
 * {@value #BATCH_ROWS} records plus one Parquet row group ({@code lakehub.files.row-group-size}), whatever the
 * file size; rejects are written as they are found.
 *
 * <p>Failure: {@link MalformedFileException} (with the line) for a file that cannot be ingested, a 0-byte
 * file included (Camel's file consumer is told to take those too, {@code readLockMinLength: 0}); an
 * {@link IOException} for a storage failure, after which the file stays in the landing folder and is
 * retried. Either way the staged and renamed bronze files and the rejects of this run are deleted.
 */
@Component("convertToBronze")
public class ConvertToBronze implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ConvertToBronze.class);

    private final LakeStorage lake;
    private final FilesProperties props;
    private final Landings landings;

    public ConvertToBronze(LakeStorage lake, FilesProperties props, Landings landings) {
        this.lake = lake;
        this.props = props;
        this.landings = landings;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        LandedFile landed = landings.of(exchange);
        Instant now = Instant.now();
        String runId = FileRun.newRunId(now);
        FileRun run = new FileRun(runId, landed);
        String name = run.fileName;
        exchange.setVariable(FileRun.VARIABLE, run);
        boolean zip = isZip(name);
        FileKind kind = props.kindOf(name);
        if (kind == null && zip && run.size > 0) {
            kind = props.kindOf(firstEntry(landed));
        }
        run.schema = kind == null ? null : new DeclaredSchema(kind);
        run.kind = kind == null ? FileRun.undeclaredKind(name) : kind.getName();
        if (run.size == 0) {
            throw new MalformedFileException("empty file: 0 bytes, no header and no rows", 0);
        }

        if (run.schema != null && FlattenToSilver.alreadyCommitted(lake, run)) {
            run.replayed = true;
            LOG.info("files-ingest {}: {} is already in silver {} (committed before a restart), archiving it only",
                    runId, name, run.versions);
            return;
        }
        BadRowLimit limit = props.badRowLimit(kind);
        String folder = "bronze/files/" + run.kind + "/";
        String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
        Configuration conf = lake.conf();
        FileSystem fs = lake.path(folder).getFileSystem(conf);
        RowRejects rejects = new RowRejects(lake.path("quarantine/files/_staging/" + runId + ".rejects.jsonl"),
                lake.path("quarantine/files/" + run.kind + "/" + day + "/" + name + "." + runId + ".rejects.jsonl"),
                conf, name, run.kind, runId);
        Tally tally = new Tally(limit, rejects);
        List<String> landedParts = new ArrayList<>();
        boolean done = false;
        try {
            if (zip) {
                convertZip(landed, run, tally, folder, day, conf, fs, landedParts);
            } else {
                Format format = run.schema != null && run.schema.format() != null ? run.schema.format() : DumpReader.formatOf(name);
                convertPart(landed.open(), name, null, format, run, tally, folder,
                        day + "/" + DumpReader.baseName(name) + "." + runId + ".parquet", conf, fs, landedParts);
            }
            if (limit.exceeded(tally.rejected, tally.read)) {
                throw tooManyBadRows(tally, limit);
            }
            Path rejected = rejects.commit();
            run.rejects = rejected == null ? null : "quarantine/files/" + run.kind + "/" + day + "/" + name + "." + runId + ".rejects.jsonl";
            done = true;
        } finally {
            if (!done) {
                rejects.abandon();
                for (String p : landedParts) {
                    fs.delete(lake.path(p), false);
                }
                run.parts.clear();
                run.bronze = null;
            }
        }
        run.rows = tally.read - tally.rejected;
        run.rowsRead = tally.read;
        run.rowsRejected = tally.rejected;
        if (!run.parts.isEmpty()) {
            run.header = run.parts.get(0).header();
            run.bronze = run.parts.get(0).bronze();
        }
        LOG.info("files-ingest {}: {} of {} records of {} in bronze {} ({} rejected{})", runId, run.rows, run.rowsRead, name,
                landedParts, run.rowsRejected, run.rejects == null ? "" : " to " + run.rejects);
    }

    /** Whether a landed name is a zip archive ({@code .zip}). */
    static boolean isZip(String fileName) {
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    }

    /** The file name of a zip's first data entry (its kind names the archive's when the archive's own name has none), or "". */
    private static String firstEntry(LandedFile landed) {
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(landed.open(), 1 << 16))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (dataEntry(e)) {
                    return simpleName(e.getName());
                }
            }
        } catch (IOException e) {
            LOG.debug("files-ingest: cannot peek into {}", landed.name(), e);
        }
        return "";
    }

    private static boolean dataEntry(ZipEntry e) {
        String simple = simpleName(e.getName());
        // folders, and the metadata macOS's Archive Utility adds (__MACOSX/, ._name), hold no data
        return !e.isDirectory() && !e.getName().startsWith("__MACOSX/") && !simple.startsWith(".") && !simple.isEmpty();
    }

    private static String simpleName(String entry) {
        return entry.substring(entry.lastIndexOf('/') + 1);
    }

    /**
     * Each data entry of a zip archive (java.util.zip streaming, the archive read once, front to back) becomes
     * one bronze file, of the archive's kind. An entry of another format than TSV, CSV, JSON lines or JSON, an
     * entry of another declared kind, or an archive without a data entry quarantines the archive.
     */
    private void convertZip(LandedFile landed, FileRun run, Tally tally, String folder, String day, Configuration conf,
                            FileSystem fs, List<String> landedParts) throws IOException {
        int n = 0;
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(landed.open(), 1 << 16))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (!dataEntry(e)) {
                    continue;
                }
                String simple = simpleName(e.getName());
                Format format;
                try {
                    format = run.schema != null && run.schema.format() != null ? run.schema.format() : DumpReader.formatOf(simple);
                } catch (IllegalArgumentException bad) {
                    throw new MalformedFileException("zip entry " + e.getName() + ": " + bad.getMessage(), 0);
                }
                FileKind entryKind = props.kindOf(simple);
                if (run.schema != null && entryKind != null && !entryKind.getName().equals(run.kind)) {
                    throw new MalformedFileException("zip entry " + e.getName() + " is of kind " + entryKind.getName()
                            + ", the archive of kind " + run.kind + "; one archive holds files of one kind", 0);
                }
                n++;
                convertPart(new FilterInputStream(zip) {
                    @Override
                    public void close() {
                        // the next entry is read from the same archive stream
                    }
                }, simple, e.getName(), format, run, tally, folder, day + "/" + DumpReader.baseName(run.fileName) + "."
                        + DumpReader.baseName(simple) + "." + run.runId + ".parquet", conf, fs, landedParts);
            }
        } catch (ZipException e) {
            throw new MalformedFileException("corrupt zip archive: " + e.getMessage(), 0);
        } catch (EOFException e) {
            throw new MalformedFileException("truncated zip archive: " + e.getMessage(), 0);
        }
        if (n == 0) {
            throw new MalformedFileException("zip archive without a data entry (.tsv, .csv, .jsonl, .json)", 0);
        }
    }

    private void convertPart(InputStream in, String name, String entry, Format format, FileRun run, Tally tally, String folder,
                             String target, Configuration conf, FileSystem fs, List<String> landedParts) throws IOException {
        Path staged = lake.path(folder + "_staging/" + run.runId + "-" + (landedParts.size() + 1) + ".parquet");
        try {
            Result r = convert(in, name, format, run.schema, staged, conf, props.getRowGroupSize().toBytes(), tally.forEntry(entry));
            Path finalPath = lake.path(folder + target);
            fs.mkdirs(finalPath.getParent());
            if (!fs.rename(staged, finalPath)) {
                throw new IOException("cannot rename " + staged + " to " + finalPath);
            }
            landedParts.add(folder + target);
            run.parts.add(new FileRun.Part(entry, format, r.header(), folder + target, r.rows()));
        } finally {
            fs.delete(staged, false);
        }
    }

    private static MalformedFileException tooManyBadRows(Tally t, BadRowLimit limit) {
        return new MalformedFileException("too many bad records: " + t.rejected + " of " + t.read + " above max-bad-rows " + limit
                + "; the first, at " + t.firstUnit + " " + t.firstPosition + (t.firstEntry == null ? "" : " of " + t.firstEntry)
                + ": " + t.firstReason, "line".equals(t.firstUnit) && t.firstEntry == null ? t.firstPosition : 0);
    }

    /**
     * The bad records of one landed file so far, across its zip entries, against its {@link BadRowLimit}. The
     * parsing thread counts into it; the route thread reads it after the parser ended (through the batch queue).
     */
    static final class Tally {
        final BadRowLimit limit;
        final RowRejects rejects;
        String entry;
        long read;
        long rejected;
        String firstReason;
        String firstUnit;
        String firstEntry;
        long firstPosition;

        /** @param rejects where bad records go, or null: the first bad record quarantines the file */
        Tally(BadRowLimit limit, RowRejects rejects) {
            this.limit = rejects == null ? BadRowLimit.NONE : limit;
            this.rejects = rejects;
        }

        Tally forEntry(String entry) {
            this.entry = entry;
            return this;
        }

        /**
         * Rejects one record, or quarantines the file: at once when no bad record is allowed (the reason and
         * line of that record, as before thresholds existed), or once a count limit is passed.
         */
        void reject(String unit, long position, String reason, String text) throws IOException {
            if (limit.strict()) {
                if ("line".equals(unit) && entry == null) {
                    throw new MalformedFileException(reason, position);
                }
                throw new MalformedFileException(reason + " (" + unit + " " + position + (entry == null ? "" : " of " + entry) + ")", 0);
            }
            rejected++;
            if (firstReason == null) {
                firstReason = reason;
                firstUnit = unit;
                firstEntry = entry;
                firstPosition = position;
            }
            if (limit.exceededWhileReading(rejected)) {
                throw tooManyBadRows(this, limit);
            }
            rejects.reject(entry, unit, position, reason, text);
        }
    }

    /**
     * What a conversion read.
     *
     * @param header   the bronze columns
     * @param rows     rows written to bronze
     * @param read     records read
     * @param rejected records rejected
     */
    public record Result(List<String> header, long rows, long read, long rejected) {
        public Result(List<String> header, long rows) {
            this(header, rows, rows, 0);
        }
    }

    /** Rows per batch handed from the parsing thread to the writing thread. */
    static final int BATCH_ROWS = 2048;
    /** Batches in flight between the two threads: memory is bounded by about 4 x 2048 lines. */
    static final int BATCHES_IN_FLIGHT = 4;

    /**
     * Converts one text file to one Parquet file, streaming (see the class comment), with no bad record
     * allowed: the first one throws. Decompressing and parsing run on their own thread, writing Parquet on
     * the calling one, so a conversion uses two cores; they exchange batches of {@value #BATCH_ROWS} rows
     * through a queue of {@value #BATCHES_IN_FLIGHT}, which bounds the memory between them.
     *
     * @param source        the landed file
     * @param fileName      its name (gives format and compression)
     * @param schema        the declared schema to check the header and typed values against, or null
     * @param target        the Parquet file to create; deleted again if the conversion fails
     * @param rowGroupBytes Parquet row group size
     * @throws MalformedFileException if the file cannot be ingested
     * @throws IOException            on a storage failure
     */
    public static Result convert(java.nio.file.Path source, String fileName, DeclaredSchema schema, Path target,
                                 Configuration conf, long rowGroupBytes) throws IOException {
        return convert(Files.newInputStream(source), fileName, schema, target, conf, rowGroupBytes);
    }

    /**
     * Converts one landed file read from {@code source} (a local file's or a blob's stream, closed here),
     * as {@link #convert(java.nio.file.Path, String, DeclaredSchema, Path, Configuration, long)} does.
     */
    public static Result convert(InputStream source, String fileName, DeclaredSchema schema, Path target,
                                 Configuration conf, long rowGroupBytes) throws IOException {
        Format format = schema != null && schema.format() != null ? schema.format() : null;
        return convert(source, fileName, format, schema, target, conf, rowGroupBytes, new Tally(BadRowLimit.NONE, null));
    }

    /**
     * Converts one file or zip entry read from {@code source} (closed here) as {@code format} (null: from the
     * name), rejecting bad records into {@code tally} (see {@link Tally#reject}).
     */
    static Result convert(InputStream source, String fileName, Format format, DeclaredSchema schema, Path target,
                          Configuration conf, long rowGroupBytes, Tally tally) throws IOException {
        Format f = format != null ? format : DumpReader.formatOf(fileName);
        boolean json = f == Format.JSON || f == Format.JSONL;
        try (RecordReader reader = json ? new JsonRecordReader(source, fileName, f) : new DumpReader(source, fileName, f)) {
            List<String> header = reader.header();
            RowCheck check = RowCheck.NONE;
            if (schema != null && json) {
                check = r -> JsonRows.check(schema, r.text());
            } else if (schema != null) {
                for (String required : schema.requiredColumns()) {
                    if (!header.contains(required)) {
                        throw new MalformedFileException("bad header: no column '" + required + "' (declared for "
                                + schema.kind() + "); the header is " + String.join(", ", header), 1);
                    }
                }
                List<Integer> typedIndexes = new ArrayList<>();
                List<DeclaredSchema.Type> types = new ArrayList<>();
                for (DeclaredSchema.Column c : schema.columns()) {
                    if (c.type() != DeclaredSchema.Type.STRING) {
                        typedIndexes.add(header.indexOf(c.name()));
                        types.add(c.type());
                    }
                }
                int[] checked = typedIndexes.stream().mapToInt(Integer::intValue).toArray();
                DeclaredSchema.Type[] checkedTypes = types.toArray(DeclaredSchema.Type[]::new);
                check = r -> {
                    for (int i = 0; i < checked.length; i++) {
                        try {
                            DeclaredSchema.parse(checkedTypes[i], r.values()[checked[i]]);
                        } catch (IllegalArgumentException e) {
                            return "column " + header.get(checked[i]) + ": " + e.getMessage();
                        }
                    }
                    return null;
                };
            }
            long readBefore = tally.read;
            long rejectedBefore = tally.rejected;
            Parser parser = new Parser(reader, check, tally);
            Thread thread = new Thread(parser, "files-ingest-parse");
            thread.setDaemon(true);
            boolean done = false;
            BronzeParquetWriter writer = new BronzeParquetWriter(target, conf, header, rowGroupBytes);
            thread.start();
            try {
                Batch batch;
                while ((batch = parser.take()) != Batch.END) {
                    for (int i = 0; i < batch.size; i++) {
                        writer.write(batch.rows[i]);
                    }
                }
                writer.close();
                done = true;
                return new Result(header, writer.rows(), tally.read - readBefore, tally.rejected - rejectedBefore);
            } finally {
                if (!done) {
                    parser.cancel();
                    thread.interrupt();
                    closeQuietly(writer);
                    target.getFileSystem(conf).delete(target, false);
                }
                joinQuietly(thread);
            }
        }
    }

    /** Why a record that was read breaks its declared types, or null. */
    @FunctionalInterface
    interface RowCheck {
        RowCheck NONE = r -> null;

        String check(SourceRecord r);
    }

    /** Rows read and checked by the parsing thread. */
    private static final class Batch {
        static final Batch END = new Batch(0);
        final String[][] rows;
        int size;

        Batch(int capacity) {
            this.rows = new String[capacity][];
        }
    }

    /** Reads, checks and batches rows on its own thread; a failure is handed to the writer with the batches. */
    private static final class Parser implements Runnable {
        private final RecordReader reader;
        private final RowCheck check;
        private final Tally tally;
        private final java.util.concurrent.BlockingQueue<Batch> queue = new java.util.concurrent.ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
        private volatile boolean cancelled;
        private volatile Throwable failure;

        Parser(RecordReader reader, RowCheck check, Tally tally) {
            this.reader = reader;
            this.check = check;
            this.tally = tally;
        }

        @Override
        public void run() {
            try {
                Batch batch = new Batch(BATCH_ROWS);
                SourceRecord r;
                while (!cancelled && (r = reader.next()) != null) {
                    tally.read++;
                    String error = r.error() != null ? r.error() : check.check(r);
                    if (error != null) {
                        tally.reject(reader.unit(), r.position(), error, r.text());
                        continue;
                    }
                    batch.rows[batch.size++] = r.values();
                    if (batch.size == BATCH_ROWS) {
                        put(batch);
                        batch = new Batch(BATCH_ROWS);
                    }
                }
                if (batch.size > 0) {
                    put(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (Throwable e) {
                failure = e;
            }
            try {
                put(Batch.END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void put(Batch batch) throws InterruptedException {
            while (!cancelled) {
                if (queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }

        /** The next batch, or {@link Batch#END}; rethrows the parser's failure once every earlier batch was taken. */
        Batch take() throws IOException {
            Batch b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while converting");
            }
            if (b == Batch.END && failure != null) {
                Throwable f = failure;
                if (f instanceof IOException io) {
                    throw io;
                } else if (f instanceof RuntimeException re) {
                    throw re;
                } else if (f instanceof Error err) {
                    throw err;
                }
                throw new java.io.InterruptedIOException("parsing was interrupted");
            }
            return b;
        }

        void cancel() {
            cancelled = true;
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(BronzeParquetWriter writer) {
        try {
            writer.close();
        } catch (IOException | RuntimeException ignored) {
            // the file is deleted next; its content does not matter
        }
    }
}
