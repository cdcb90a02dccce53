package io.lakehub.api;

import java.io.IOException;
import java.time.Duration;

import io.lakehub.delta.TableMaintenance;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Maintenance of silver Delta tables on request; the operations are described in {@link TableMaintenance}.
 *
 * <ul>
 *   <li>{@code POST /api/tables/{name}/optimize}: compacts the small files into a new version
 *   ({@code dataChange=false}); answers {@link TableMaintenance.OptimizeResult}: {@code committed},
 *   {@code version}, {@code filesRemoved}, {@code filesAdded}, {@code filesConsidered}, {@code rows},
 *   {@code bytesRemoved}, {@code bytesAdded}, {@code targetFileRows}, {@code durationMs}</li>
 *   <li>{@code POST /api/tables/{name}/vacuum?retentionHours=&dryRun=}: deletes (or, with
 *   {@code dryRun=true}, lists) files no version within the retention needs; {@code retentionHours}
 *   (decimal hours) defaults to {@code lakehub.maintenance.min-retention}; answers
 *   {@link TableMaintenance.VacuumResult}: {@code filesDeleted}, {@code bytesDeleted},
 *   {@code directoriesDeleted}, {@code files} (first 1,000 paths), {@code startVersion}/{@code endVersion}
 *   of the VACUUM START/END commits, {@code durationMs}</li>
 *   <li>{@code POST /api/tables/{name}/checkpoint}: writes a checkpoint of the latest version; answers
 *   {@link TableMaintenance.CheckpointResult}: {@code version}, {@code written}, {@code checkpoint}
 *   (file), {@code files}, {@code durationMs}</li>
 * </ul>
 * Errors ({@link ApiErrors}): unknown table 404; bad name or a retention shorter than the minimum 400;
 * an OPTIMIZE that lost to a concurrent commit 409 (retry). Each call runs synchronously.
 */
@RestController
@RequestMapping("/api/tables")
public class MaintenanceController {

    private final TableMaintenance maintenance;

    public MaintenanceController(TableMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    /** OPTIMIZE (bin-packing compaction). */
    @PostMapping("/{name}/optimize")
    public TableMaintenance.OptimizeResult optimize(@PathVariable String name) throws IOException {
        return maintenance.optimize(name);
    }

    /** VACUUM, or its dry run. */
    @PostMapping("/{name}/vacuum")
    public TableMaintenance.VacuumResult vacuum(@PathVariable String name,
                                                @RequestParam(required = false) Double retentionHours,
                                                @RequestParam(defaultValue = "false") boolean dryRun) throws IOException {
        Duration retention = null;
        if (retentionHours != null) {
            if (retentionHours.isNaN() || retentionHours.isInfinite() || retentionHours < 0) {
                throw new IllegalArgumentException("retentionHours must be a number of hours, zero or more");
            }
            retention = Duration.ofMillis(Math.round(retentionHours * 3_600_000));
        }
        return maintenance.vacuum(name, retention, dryRun);
    }

    /** CHECKPOINT of the latest version. */
    @PostMapping("/{name}/checkpoint")
    public TableMaintenance.CheckpointResult checkpoint(@PathVariable String name) throws IOException {
        return maintenance.checkpoint(name);
    }
}
