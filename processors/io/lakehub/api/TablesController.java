package io.lakehub.api;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.types.StructField;
import io.lakehub.delta.ColumnTypes;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.FileStats;
import io.lakehub.delta.LakeStorage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Reading silver Delta tables back, by version (Delta time travel), for data scientists.
 *
 * <ul>
 *   <li>{@code GET /api/tables}: every table under {@code silver/} with its latest version, file and row counts</li>
 *   <li>{@code GET /api/tables/{name}}: one table with its schema and properties (watermarks)</li>
 *   <li>{@code GET /api/tables/{name}/history?limit=}: commits, newest first, with operation metrics and lineage</li>
 *   <li>{@code GET /api/tables/{name}/rows?version=&limit=}: rows as JSON objects (limit default 100, at most 10,000)</li>
 *   <li>{@code GET /api/tables/{name}/export?version=&format=csv}: the whole version as CSV with a header, streamed</li>
 * </ul>
 * An unknown table or version answers 404; a bad parameter 400 ({@link ApiErrors}).
 */
@RestController
@RequestMapping("/api/tables")
public class TablesController {

    /** Most rows {@code /rows} returns in one call. */
    public static final int MAX_ROWS = 10_000;

    private final LakeStorage lake;

    public TablesController(LakeStorage lake) {
        this.lake = lake;
    }

    /** Tables with a {@code _delta_log} under {@code silver/}. */
    @GetMapping
    public List<Map<String, Object>> list() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        Path silver = lake.path("silver");
        FileSystem fs = silver.getFileSystem(lake.conf());
        if (!fs.exists(silver)) {
            return out;
        }
        for (FileStatus dir : fs.listStatus(silver)) {
            String name = dir.getPath().getName();
            if (dir.isDirectory() && name.matches("[A-Za-z0-9_]+") && fs.exists(new Path(dir.getPath(), "_delta_log"))) {
                DeltaTable table = new DeltaTable(lake, name);
                if (table.exists()) {
                    out.add(summary(table, table.latest()));
                }
            }
        }
        return out;
    }

    /** One table: summary, schema and properties. */
    @GetMapping("/{name}")
    public Map<String, Object> describe(@PathVariable String name, @RequestParam(required = false) Long version) {
        DeltaTable table = new DeltaTable(lake, name);
        Snapshot s = table.snapshot(version);
        Map<String, Object> out = summary(table, s);
        List<Map<String, Object>> columns = new ArrayList<>();
        for (StructField f : s.getMetadata().getSchema().getFields()) {
            columns.add(Map.of("name", f.getName(), "type", f.getDataType().getSimpleString(), "nullable", f.isNullable()));
        }
        out.put("columns", columns);
        out.put("properties", s.getMetadata().getConfiguration());
        return out;
    }

    private static Map<String, Object> summary(DeltaTable table, Snapshot s) {
        long rows = 0;
        long bytes = 0;
        ObjectMapper json = new ObjectMapper();
        for (AddFile f : s.getAllFiles()) {
            bytes += f.getSize();
            try {
                rows += json.readTree(FileStats.unquote(f.getStats())).path("numRecords").asLong();
            } catch (IOException | RuntimeException e) {
                rows = -1;
                break;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", table.name());
        m.put("path", "silver/" + table.name());
        m.put("version", s.getVersion());
        m.put("files", s.getAllFiles().size());
        m.put("rows", rows);
        m.put("bytes", bytes);
        return m;
    }

    /** Commit history, newest first. */
    @GetMapping("/{name}/history")
    public List<Map<String, Object>> history(@PathVariable String name, @RequestParam(defaultValue = "100") int limit) {
        DeltaTable table = new DeltaTable(lake, name);
        table.snapshot(null);
        return table.history(Math.max(1, limit));
    }

    /** Rows of a version as JSON objects, in file order. */
    @GetMapping("/{name}/rows")
    public Map<String, Object> rows(@PathVariable String name, @RequestParam(required = false) Long version,
                                    @RequestParam(defaultValue = "100") int limit) throws IOException {
        if (limit < 1 || limit > MAX_ROWS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_ROWS);
        }
        DeltaTable table = new DeltaTable(lake, name);
        Snapshot s = table.snapshot(version);
        String[] names = s.getMetadata().getSchema().getFieldNames();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(s)) {
            while (it.hasNext() && rows.size() < limit) {
                Object[] row = it.next();
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    m.put(names[i], row[i] instanceof Instant t ? t.toString() : row[i]);
                }
                rows.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", name);
        out.put("version", s.getVersion());
        out.put("count", rows.size());
        out.put("rows", rows);
        return out;
    }

    /** The whole version as CSV (header first; values in the text form of {@link ColumnTypes#text}). */
    @GetMapping("/{name}/export")
    public ResponseEntity<StreamingResponseBody> export(@PathVariable String name,
                                                        @RequestParam(required = false) Long version,
                                                        @RequestParam(defaultValue = "csv") String format) {
        if (!"csv".equalsIgnoreCase(format)) {
            throw new IllegalArgumentException("format must be csv");
        }
        DeltaTable table = new DeltaTable(lake, name);
        Snapshot s = table.snapshot(version);
        StreamingResponseBody body = out -> {
            try (DeltaTable.RowIterator it = table.rows(s);
                 CSVPrinter csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                         CSVFormat.RFC4180.builder().setHeader(s.getMetadata().getSchema().getFieldNames()).get())) {
                while (it.hasNext()) {
                    for (Object v : it.next()) {
                        csv.print(ColumnTypes.text(v));
                    }
                    csv.println();
                }
            }
        };
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "-v" + s.getVersion() + ".csv\"")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(body);
    }
}
