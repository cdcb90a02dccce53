package io.lakehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.lakehub.files.FilesProperties;
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
 * Step 1 of files-ingest: copies a landed file as it is into one bronze Parquet file.
 *
 * <p>Reads: the body, a landed file: a {@code java.io.File} as Camel's {@code file:} consumer gives it
 * (with header {@code CamelFileNameOnly}), or a {@link LandedFile} of a blob or ADLS landing, read as a
 * stream ({@link Landings#of}). Writes: exchange variable {@value FileRun#VARIABLE} (a
 * {@link FileRun}) and the file {@code bronze/files/<kind>/<yyyy-MM-dd>/<base>.<runId>.parquet}: the
 * header's columns, all strings, in file order, one row per line, {@code \N} as null (see
 * {@link DumpReader} for the formats). It is written as {@code bronze/files/<kind>/_staging/<runId>.parquet}
 * and renamed into place only when the whole file was read, so a reader of bronze never sees half a
 * file (the {@code _} folder is one Spark skips).
 *
 * <p>A file that every silver table of its kind already holds as its latest commit (same name, size
 * and modification time: a previous attempt committed it and stopped before the archive move) is
 * not converted again; the run is marked replayed and the file is only archived.
 *
 * <p>The kind is the declared kind the file name starts with ({@link FilesProperties#kindOf}); for a
 * declared kind the header must hold every declared column and every typed value must parse, so
 * that step 2 cannot fail on the data after bronze was written. A file of no declared kind lands in
 * bronze only. Streaming: memory is bounded by {@value #BATCHES_IN_FLIGHT} batches of
 * {@value #BATCH_ROWS} lines plus one Parquet row group ({@code lakehub.files.row-group-size}), whatever
 * the file size.
 *
 * <p>Failure: {@link MalformedFileException} (with the line) for a file that cannot be ingested, a 0-byte
 * file included (Camel's file consumer is told to take those too, {@code readLockMinLength: 0}); an
 * {@link IOException} for a storage failure, after which the file stays in the landing folder and is
 * retried. Either way the staged bronze file is deleted.
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
        FileKind kind = props.kindOf(name);
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
        String folder = "bronze/files/" + run.kind + "/";
        Path staged = lake.path(folder + "_staging/" + runId + ".parquet");
        String target = folder + now.atZone(ZoneOffset.UTC).toLocalDate() + "/" + DumpReader.baseName(name) + "." + runId + ".parquet";
        Configuration conf = lake.conf();
        FileSystem fs = staged.getFileSystem(conf);
        try {
            Result r = convert(landed.open(), name, run.schema, staged, conf, props.getRowGroupSize().toBytes());
            run.header = r.header();
            run.rows = r.rows();
            Path finalPath = lake.path(target);
            fs.mkdirs(finalPath.getParent());
            if (!fs.rename(staged, finalPath)) {
                throw new IOException("cannot rename " + staged + " to " + finalPath);
            }
            run.bronze = target;
        } finally {
            fs.delete(staged, false);
        }
        LOG.info("files-ingest {}: {} rows of {} in bronze {}", runId, run.rows, name, target);
    }

    /** What a conversion read: the header and the number of rows after it. */
    public record Result(List<String> header, long rows) {
    }

    /** Rows per batch handed from the parsing thread to the writing thread. */
    static final int BATCH_ROWS = 2048;
    /** Batches in flight between the two threads: memory is bounded by about 4 x 2048 lines. */
    static final int BATCHES_IN_FLIGHT = 4;

    /**
     * Converts one text file to one Parquet file, streaming (see the class comment). Decompressing and
     * parsing run on their own thread, writing Parquet on the calling one, so a conversion uses two
     * cores; they exchange batches of {@value #BATCH_ROWS} rows through a queue of
     * {@value #BATCHES_IN_FLIGHT}, which bounds the memory between them.
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
        try (DumpReader reader = new DumpReader(source, fileName)) {
            List<String> header = reader.header();
            List<Integer> typedIndexes = new ArrayList<>();
            List<DeclaredSchema.Type> types = new ArrayList<>();
            if (schema != null) {
                for (String required : schema.requiredColumns()) {
                    if (!header.contains(required)) {
                        throw new MalformedFileException("bad header: no column '" + required + "' (declared for "
                                + schema.kind() + "); the header is " + String.join(", ", header), 1);
                    }
                }
                for (DeclaredSchema.Column c : schema.columns()) {
                    if (c.type() != DeclaredSchema.Type.STRING) {
                        typedIndexes.add(header.indexOf(c.name()));
                        types.add(c.type());
                    }
                }
            }
            int[] checked = typedIndexes.stream().mapToInt(Integer::intValue).toArray();
            DeclaredSchema.Type[] checkedTypes = types.toArray(DeclaredSchema.Type[]::new);
            Parser parser = new Parser(reader, checked, checkedTypes);
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
                return new Result(header, writer.rows());
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
        private final DumpReader reader;
        private final int[] checked;
        private final DeclaredSchema.Type[] types;
        private final java.util.concurrent.BlockingQueue<Batch> queue = new java.util.concurrent.ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
        private volatile boolean cancelled;
        private volatile Throwable failure;

        Parser(DumpReader reader, int[] checked, DeclaredSchema.Type[] types) {
            this.reader = reader;
            this.checked = checked;
            this.types = types;
        }

        @Override
        public void run() {
            try {
                Batch batch = new Batch(BATCH_ROWS);
                String[] row;
                while (!cancelled && (row = reader.next()) != null) {
                    for (int i = 0; i < checked.length; i++) {
                        try {
                            DeclaredSchema.parse(types[i], row[checked[i]]);
                        } catch (IllegalArgumentException e) {
                            throw new MalformedFileException("column " + reader.header().get(checked[i]) + ": " + e.getMessage(),
                                    reader.line());
                        }
                    }
                    batch.rows[batch.size++] = row;
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
