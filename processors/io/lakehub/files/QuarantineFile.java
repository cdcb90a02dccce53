package io.lakehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Error path of files-ingest for a {@link MalformedFileException}: moves the landed file, unchanged,
 * from its landing (local folder, container or file system; copied as a stream, then deleted there) to the lake's {@code quarantine/files/<kind>/<yyyy-MM-dd>/<name>} with {@code <name>.reason.json}
 * beside it, and records the run as QUARANTINED. Silver is untouched (the file failed before any
 * commit) and the file's bronze output, if any, is deleted.
 *
 * <p>The reason file holds: file, kind, reason, line (1-based, the header is line 1; null when the
 * problem has no line, such as a file that is not gzip at all), rule (for a {@link HeldDumpException}:
 * the kind setting that held it), bytes, runId, quarantinedAt (ISO-8601 UTC), flow. Reads variable {@value FileRun#VARIABLE} and the caught exception. Failure: an
 * {@link IOException} if the copy fails; the file then stays in the landing folder.
 */
@Component("quarantineFile")
public class QuarantineFile implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineFile.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final LakeStorage lake;
    private final FilesIngestStatus status;
    private final Landings landings;

    public QuarantineFile(LakeStorage lake, FilesIngestStatus status, Landings landings) {
        this.lake = lake;
        this.status = status;
        this.landings = landings;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        MalformedFileException error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, MalformedFileException.class);
        FileRun run = exchange.getVariable(FileRun.VARIABLE, FileRun.class);
        if (run == null) {
            run = FileRun.unstarted(landings.of(exchange));
        }
        FileSystem fs = lake.path("quarantine").getFileSystem(lake.conf());
        // the whole file is quarantined, so its records are not also quarantined one by one
        run.discardUncommitted(lake);
        String folder = "quarantine/files/" + run.kind + "/" + LocalDate.now(ZoneOffset.UTC) + "/";
        String name = run.fileName;
        if (fs.exists(lake.path(folder + name))) {
            name = run.runId + "-" + name;
        }
        Path target = lake.path(folder + name);
        ObjectNode reason = JSON.createObjectNode();
        reason.put("flow", FilesIngestStatus.FLOW);
        reason.put("file", run.fileName);
        reason.put("kind", run.kind);
        reason.put("reason", error.reason());
        if (error.line() > 0) {
            reason.put("line", error.line());
        } else {
            reason.putNull("line");
        }
        if (error instanceof HeldDumpException held) {
            reason.put("rule", held.rule());
        }
        reason.put("bytes", run.size);
        reason.put("runId", run.runId);
        reason.put("quarantinedAt", Instant.now().toString());
        Path staged = lake.path("quarantine/files/_staging/" + run.runId + "-" + run.fileName);
        fs.mkdirs(staged.getParent());
        try (InputStream in = run.source.open(); OutputStream out = fs.create(staged, true)) {
            in.transferTo(out);
        }
        fs.mkdirs(target.getParent());
        if (!fs.rename(staged, target)) {
            fs.delete(staged, false);
            throw new IOException("cannot rename " + staged + " to " + target);
        }
        try (OutputStream out = fs.create(lake.path(folder + name + ".reason.json"), true)) {
            JSON.writeValue(out, reason);
        }
        run.source.delete();
        LOG.warn("files-ingest {}: {} quarantined to {}: {}", run.runId, run.fileName, target, error.getMessage());
        status.record(run, "QUARANTINED", target.toString(), error.reason(), error.line());
    }
}
