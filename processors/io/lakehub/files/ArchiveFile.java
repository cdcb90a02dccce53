package io.lakehub.files;

import java.io.IOException;

import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Last step of files-ingest: moves an ingested file out of its landing into the landing's archive
 * ({@link LandedFile#archive}: a local folder's {@code <archive>/<yyyy-MM-dd>/<name>}, a container's or
 * file system's {@code <archive-prefix>/<yyyy-MM-dd>/<path>}; {@code <runId>-<name>} if that name is
 * taken) and records the run as SUCCEEDED. Runs only after step 2 committed (DESIGN.md invariant 1: the
 * source file moves only once its data is in the lake). A crash before the move (fault point
 * {@link FaultPoint#FILES_BEFORE_ARCHIVE}) makes the next poll take the file again; step 1 then finds
 * its idempotence key (name and ETag, or size and time) in the silver commits and only archives it
 * (DESIGN.md invariant 3).
 *
 * <p>Reads variable {@value FileRun#VARIABLE}. Failure: an {@link IOException} if the move fails (the
 * file is then taken again at the next poll).
 */
@Component("archiveFile")
public class ArchiveFile implements Processor {

    private final FilesIngestStatus status;

    public ArchiveFile(FilesIngestStatus status) {
        this.status = status;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        FileRun run = exchange.getVariable(FileRun.VARIABLE, FileRun.class);
        FaultInjection.reach(FaultPoint.FILES_BEFORE_ARCHIVE, run.fileName);
        String target = run.source.archive(run.runId);
        status.record(run, "SUCCEEDED", target, null, 0);
    }
}
