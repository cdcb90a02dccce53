package io.lakehub.files;

import io.lakehub.delta.LakeStorage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Error path of files-ingest for any failure other than a malformed file (storage unreachable, a
 * concurrent Delta commit, a full disk, a landing that cannot be listed): records the run as FAILED and
 * leaves the file in its landing (folder, container or file system), so the next poll retries it and the flow recovers once the cause is gone. A bronze file this
 * run wrote is deleted when no silver table was committed yet, so the retry does not leave two bronze
 * copies of one file.
 *
 * <p>Reads variable {@value FileRun#VARIABLE} (may be absent) and the caught exception. Never throws.
 */
@Component("recordFailedFile")
public class RecordFailedFile implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordFailedFile.class);

    private final LakeStorage lake;
    private final FilesIngestStatus status;
    private final Landings landings;

    public RecordFailedFile(LakeStorage lake, FilesIngestStatus status, Landings landings) {
        this.lake = lake;
        this.status = status;
        this.landings = landings;
    }

    @Override
    public void process(Exchange exchange) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = error == null ? "unknown failure" : error.getClass().getSimpleName() + ": " + error.getMessage();
        FileRun run = exchange.getVariable(FileRun.VARIABLE, FileRun.class);
        try {
            if (run == null) {
                LandedFile landed = landings.of(exchange);
                if (landed != null) {
                    run = FileRun.unstarted(landed);
                }
            }
            if (run != null) {
                // the retry lands (and rejects) the same records again
                run.discardUncommitted(lake);
            }
        } catch (Exception e) {
            LOG.debug("files-ingest: cleanup after a failure failed too", e);
        }
        if (run == null) {
            // the poll itself failed (a landing container unreachable, credentials refused): no file to record
            LOG.warn("files-ingest landing {}: the poll failed, retried at the next one: {}",
                    exchange.getVariable(Landings.VARIABLE, "?", String.class), message);
            return;
        }
        LOG.warn("files-ingest {}: {} failed, left in landing {} for the next poll: {}", run.runId, run.fileName,
                run.landing(), message);
        status.record(run, "FAILED", null, message, 0);
    }
}
