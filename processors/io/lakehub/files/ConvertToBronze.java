package io.lakehub.files;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lakehub.config.FilesProperties;
import io.lakehub.config.FilesProperties.FileKind;
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
 * <p>Reads: the body, a landed file ({@code java.io.File}, as Camel's {@code file:} consumer gives
 * it), and header {@code CamelFileNameOnly}. Writes: exchange variable {@value FileRun#VARIABLE} (a
 * {@link FileRun}) and the file {@code bronze/files/<kind>/<yyyy-MM-dd>/<base>.<runId>.parquet}: the
 * header's columns, all strings, in file order, one row per line, {@code \N} as null (see
 * {@link DumpReader} for the formats). It is written as {@code bronze/files/<kind>/_staging/<runId>.parquet}
 * and renamed into place only when the whole file was read, so a reader of bronze never sees half a
 * file (the {@code _} folder is one Spark skips).
 *
 * <p>The kind is the declared kind the file name starts with ({@link FilesProperties#kindOf}); for a
 * declared kind the header must hold every declared column and every typed value must parse, so
 * that step 2 cannot fail on the data after bronze was written. A file of no declared kind lands in
 * bronze only. Streaming: memory is bounded by one line plus one Parquet row group
 * ({@code lakehub.files.row-group-size}), whatever the file size.
 *
 * <p>Failure: {@link MalformedFileException} (with the line) for a file that cannot be ingested; an
 * {@link IOException} for a storage failure, after which the file stays in the landing folder and is
 * retried. Either way the staged bronze file is deleted.
 */
@Component("convertToBronze")
public class ConvertToBronze implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ConvertToBronze.class);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final LakeStorage lake;
    private final FilesProperties props;

    public ConvertToBronze(LakeStorage lake, FilesProperties props) {
        this.lake = lake;
        this.props = props;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        File landed = exchange.getIn().getBody(File.class);
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, landed.getName(), String.class);
        Instant now = Instant.now();
        String runId = RUN_ID.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
        FileRun run = new FileRun(runId, landed.toPath(), name, Files.size(landed.toPath()),
                Files.getLastModifiedTime(landed.toPath()).toInstant());
        exchange.setVariable(FileRun.VARIABLE, run);
        FileKind kind = props.kindOf(name);
        run.schema = kind == null ? null : new DeclaredSchema(kind);
        run.kind = kind == null ? DumpReader.baseName(name).replaceAll("[^A-Za-z0-9._-]", "_") : kind.getName();

        String folder = "bronze/files/" + run.kind + "/";
        Path staged = lake.path(folder + "_staging/" + runId + ".parquet");
        String target = folder + now.atZone(ZoneOffset.UTC).toLocalDate() + "/" + DumpReader.baseName(name) + "." + runId + ".parquet";
        Configuration conf = lake.conf();
        FileSystem fs = staged.getFileSystem(conf);
        try {
            Result r = convert(run.file, name, run.schema, staged, conf, props.getRowGroupSize().toBytes());
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

    /**
     * Converts one text file to one Parquet file, streaming (see the class comment).
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
            boolean done = false;
            BronzeParquetWriter writer = new BronzeParquetWriter(target, conf, header, rowGroupBytes);
            try {
                String[] row;
                while ((row = reader.next()) != null) {
                    for (int i = 0; i < checked.length; i++) {
                        try {
                            DeclaredSchema.parse(types.get(i), row[checked[i]]);
                        } catch (IllegalArgumentException e) {
                            throw new MalformedFileException("column " + header.get(checked[i]) + ": " + e.getMessage(), reader.line());
                        }
                    }
                    writer.write(row);
                }
                writer.close();
                done = true;
                return new Result(header, writer.rows());
            } finally {
                if (!done) {
                    closeQuietly(writer);
                    target.getFileSystem(conf).delete(target, false);
                }
            }
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
