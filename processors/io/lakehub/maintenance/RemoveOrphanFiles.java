package io.lakehub.maintenance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lakehub.maintenance.MaintenanceProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.OrphanFiles;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * At each start, removes the files the hub's failed attempts left that no commit can reference (issue
 * 12, defect 10): stale files in the lake's {@code _staging/} folders, and never-committed hub data files
 * of every silver table, each once older than {@code lakehub.maintenance.orphan-files.min-age} (default
 * 24 h). The rule, and why it is safe against a concurrent writer, is in {@link OrphanFiles}.
 *
 * <p>Runs once on its own daemon thread {@code lakehub-orphan-files} after the hub is ready, so the start
 * does not wait for the listing; logs what it removed (files and bytes) per place. Off with
 * {@code lakehub.maintenance.orphan-files.enabled=false}. A failure is logged and changes nothing else.
 */
@Component
public class RemoveOrphanFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RemoveOrphanFiles.class);

    private final LakeStorage lake;
    private final MaintenanceProperties.OrphanFilesSettings settings;

    public RemoveOrphanFiles(LakeStorage lake, MaintenanceProperties props) {
        this.lake = lake;
        this.settings = props.getOrphanFiles();
    }

    /** Starts the clean-up thread when the hub is ready, if enabled. */
    @EventListener(ApplicationReadyEvent.class)
    public void startAtReady() {
        if (!settings.isEnabled()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                run(settings.getMinAge());
            } catch (IOException | RuntimeException e) {
                LOG.warn("orphan files: the clean-up at start failed, nothing else changed: {}", e.toString());
            }
        }, "lakehub-orphan-files");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Removes the orphans older than {@code minAge} now.
     *
     * @return the removed files, relative to the lake root
     * @throws IOException if the lake cannot be listed
     */
    public List<String> run(Duration minAge) throws IOException {
        List<String> all = new ArrayList<>();
        OrphanFiles.Removed staging = OrphanFiles.removeStaleStaging(lake, minAge);
        if (!staging.files().isEmpty()) {
            LOG.info("orphan files: removed {} stale _staging files ({} bytes) older than {}: {}", staging.files().size(),
                    staging.bytes(), minAge, staging.files());
        }
        all.addAll(staging.files());
        for (String table : silverTables()) {
            OrphanFiles.Removed data = OrphanFiles.removeUnreferenced(new DeltaTable(lake, table), minAge);
            if (!data.files().isEmpty()) {
                LOG.info("orphan files: removed {} never-committed data files ({} bytes) older than {} from silver/{}",
                        data.files().size(), data.bytes(), minAge, table);
            }
            all.addAll(data.files());
        }
        return all;
    }

    private List<String> silverTables() throws IOException {
        Path silver = lake.path("silver");
        FileSystem fs = silver.getFileSystem(lake.conf());
        List<String> out = new ArrayList<>();
        if (!fs.exists(silver)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(silver)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.matches("[A-Za-z0-9_]+") && fs.exists(new Path(st.getPath(), "_delta_log"))) {
                out.add(name);
            }
        }
        return out;
    }
}
