package io.lakehub.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lakehub.files.FilesProperties;
import io.lakehub.files.DeclaredSchema;
import io.lakehub.files.FilesIngestStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The files-ingest flow.
 *
 * <ul>
 *   <li>{@code GET /api/flows/files-ingest?limit=}: settings, declared kinds with their silver tables, row
 *       keys, hold rules, pattern, format, write mode, rescue and max-bad-rows, counters (files, rows,
 *       rejectedRows, quarantined, failed; kept across restarts), the last
 *       run (as in {@code /api/runs})
 *       and the most recent files with their outcome (bronze files, rows read, landed and rejected, the
 *       rejects file, silver versions, archive or quarantine path, error and line)</li>
 * </ul>
 */
@RestController
@RequestMapping("/api")
public class FilesController {

    private final FilesProperties props;
    private final FilesIngestStatus status;

    public FilesController(FilesProperties props, FilesIngestStatus status) {
        this.props = props;
        this.status = status;
    }

    /** Settings, counters, last run and recent files of the files-ingest flow. */
    @GetMapping("/flows/files-ingest")
    public FilesFlow files(@RequestParam(defaultValue = "20") int limit) {
        List<FilesFlow.FileKindView> kinds = new ArrayList<>();
        for (FilesProperties.FileKind k : props.getKinds()) {
            DeclaredSchema s = new DeclaredSchema(k);
            kinds.add(new FilesFlow.FileKindView(s.kind(), "silver/" + s.table(), s.key(), s.rowKeys(), s.minRowsRatio(),
                    s.allowEmpty(), k.getPattern(), s.format() == null ? null : s.format().name().toLowerCase(Locale.ROOT),
                    s.mode().name().toLowerCase(Locale.ROOT), s.rescue(), props.badRowLimit(k).toString(),
                    s.bridges().stream().map(b -> "silver/" + b.table()).toList()));
        }
        return new FilesFlow(props.isEnabled(), props.getLanding(), props.getArchive(), props.getPollDelay().toString(),
                props.getRowGroupSize().toString(), props.badRowLimit(null).toString(), kinds, FilesFlow.Counters.of(status.counters()), status.lastRun(),
                status.recent(Math.max(1, Math.min(limit, FilesIngestStatus.CAPACITY))).stream()
                        .map(FilesFlow.FileOutcome::of).toList());
    }
}
