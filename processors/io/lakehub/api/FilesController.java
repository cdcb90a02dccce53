package io.lakehub.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    public Map<String, Object> files(@RequestParam(defaultValue = "20") int limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", props.isEnabled());
        m.put("landing", props.getLanding());
        m.put("archive", props.getArchive());
        m.put("pollDelay", props.getPollDelay().toString());
        m.put("rowGroupSize", props.getRowGroupSize().toString());
        m.put("maxBadRows", props.badRowLimit(null).toString());
        List<Map<String, Object>> kinds = new ArrayList<>();
        for (FilesProperties.FileKind k : props.getKinds()) {
            DeclaredSchema s = new DeclaredSchema(k);
            Map<String, Object> km = new LinkedHashMap<>();
            km.put("kind", s.kind());
            km.put("table", "silver/" + s.table());
            km.put("key", s.key());
            km.put("keys", s.rowKeys());
            km.put("minRowsRatio", s.minRowsRatio());
            km.put("allowEmpty", s.allowEmpty());
            km.put("pattern", k.getPattern());
            km.put("format", s.format() == null ? null : s.format().name().toLowerCase(java.util.Locale.ROOT));
            km.put("mode", s.mode().name().toLowerCase(java.util.Locale.ROOT));
            km.put("rescue", s.rescue());
            km.put("maxBadRows", props.badRowLimit(k).toString());
            km.put("bridges", s.bridges().stream().map(b -> "silver/" + b.table()).toList());
            kinds.add(km);
        }
        m.put("kinds", kinds);
        m.put("counters", status.counters());
        m.put("lastRun", status.lastRun());
        m.put("files", status.recent(Math.max(1, Math.min(limit, FilesIngestStatus.CAPACITY))));
        return m;
    }
}
