package io.lakehub.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;

import io.lakehub.files.FilesProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Last step of files-ingest: moves an ingested file out of the landing folder to
 * {@code <lakehub.files.archive>/<yyyy-MM-dd>/<name>} (UTC date; {@code <runId>-<name>} if that name
 * is taken) and records the run as SUCCEEDED. Runs only after step 2 committed (DESIGN.md invariant 1:
 * the source file moves only once its data is in the lake), so a crash before the move makes the
 * next poll ingest the file again, which replaces the tables with the same content.
 *
 * <p>Reads variable {@value FileRun#VARIABLE}. Failure: an {@link IOException} if the move fails
 * (the file is then ingested again at the next poll).
 */
@Component("archiveFile")
public class ArchiveFile implements Processor {

    private final FilesProperties props;
    private final FilesIngestStatus status;

    public ArchiveFile(FilesProperties props, FilesIngestStatus status) {
        this.props = props;
        this.status = status;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        FileRun run = exchange.getVariable(FileRun.VARIABLE, FileRun.class);
        Path folder = Paths.get(props.getArchive()).toAbsolutePath().resolve(LocalDate.now(ZoneOffset.UTC).toString());
        Files.createDirectories(folder);
        Path target = folder.resolve(run.fileName);
        if (Files.exists(target)) {
            target = folder.resolve(run.runId + "-" + run.fileName);
        }
        try {
            Files.move(run.file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(run.file, target);
        }
        status.record(run, "SUCCEEDED", target.toString(), null, 0);
    }
}
