package io.lakehub.files;

import java.io.File;

import io.lakehub.delta.LakeStorage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Error path of files-ingest for any failure other than a malformed file (storage unreachable, a
 * concurrent Delta commit, a full disk): records the run as FAILED and leaves the file in the landing
 * folder, so the next poll retries it and the flow recovers once the cause is gone. A bronze file this
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

    public RecordFailedFile(LakeStorage lake, FilesIngestStatus status) {
        this.lake = lake;
        this.status = status;
    }

    @Override
    public void process(Exchange exchange) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = error == null ? "unknown failure" : error.getClass().getSimpleName() + ": " + error.getMessage();
        FileRun run = exchange.getVariable(FileRun.VARIABLE, FileRun.class);
        try {
            if (run == null) {
                File landed = exchange.getIn().getBody(File.class);
                run = FileRun.unstarted(landed.toPath());
            }
            if (run.bronze != null && run.versions.isEmpty()) {
                lake.path(run.bronze).getFileSystem(lake.conf()).delete(lake.path(run.bronze), false);
                run.bronze = null;
            }
        } catch (Exception e) {
            LOG.debug("files-ingest: cleanup after a failure failed too", e);
        }
        LOG.warn("files-ingest {}: {} failed, left in the landing folder for the next poll: {}",
                run == null ? "-" : run.runId, run == null ? "?" : run.fileName, message);
        if (run != null) {
            status.record(run, "FAILED", null, message, 0);
        }
    }
}
