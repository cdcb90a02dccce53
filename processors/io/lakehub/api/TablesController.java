package io.lakehub.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.Column;
import io.lakehub.delta.ColumnTypes;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.FileStats;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.TableTags;
import io.lakehub.delta.TableVersions;
import io.lakehub.delta.TableVersions.Selector;
import io.lakehub.delta.VersionDiff;
import io.lakehub.delta.VersionExport;
import io.lakehub.delta.VersionGoneException;
import io.lakehub.delta.VersionRows;
import io.lakehub.delta.UnreadableTableException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reading silver Delta tables back for data scientists: any version (Delta time travel), named
 * versions (tags), exports and diffs between versions.
 *
 * <ul>
 *   <li>{@code GET /api/tables}: every table under {@code silver/} with its latest version, file and row counts</li>
 *   <li>{@code GET /api/tables/{name}}: one version with its commit time, tags, schema and properties (watermarks)</li>
 *   <li>{@code GET /api/tables/{name}/history?limit=}: commits, newest first, with operation metrics and lineage</li>
 *   <li>{@code GET /api/tables/{name}/rows?limit=}: rows as JSON objects (limit default 100, at most 10,000)</li>
 *   <li>{@code GET /api/tables/{name}/export?format=csv|parquet}: the whole version as one CSV (header first) or one
 *   Parquet file, named {@code <table>-v<N>.csv|parquet}</li>
 *   <li>{@code GET /api/tables/{name}/tags}, {@code GET /api/tables/{name}/tags/{tag}}: named versions</li>
 *   <li>{@code POST /api/tables/{name}/tags} {@code {"tag":"v2015","version":3,"force":false}}: names a version (201)</li>
 *   <li>{@code DELETE /api/tables/{name}/tags/{tag}}: removes a name (204)</li>
 *   <li>{@code GET /api/tables/{name}/diff?from=&to=&keys=}: rows inserted, updated and deleted between two versions</li>
 * </ul>
 * The reads take at most one of {@code version=N}, {@code tag=NAME} and {@code asOf=<ISO-8601 instant>}
 * (the latest version when none); the rules are {@link TableVersions}'. An unknown table, version or
 * tag answers 404, a bad parameter 400, an existing tag 409, a version whose files VACUUM removed 410
 * ({@link ApiErrors}).
 */
@RestController
@RequestMapping("/api/tables")
public class TablesController {

    /** Most rows {@code /rows} returns in one call. */
    public static final int MAX_ROWS = 10_000;

    private final LakeStorage lake;
    private final io.lakehub.replication.ReplicationStore replications;

    public TablesController(LakeStorage lake, io.lakehub.replication.ReplicationStore replications) {
        this.lake = lake;
        this.replications = replications;
    }

    /**
     * Tables with a {@code _delta_log} under {@code silver/}: a summary each ({@code name, path, version,
     * files, rows, bytes, protocol}). A table the hub cannot read (a Delta feature Kernel does not read, a
     * broken log) is listed with {@code readable: false}, {@code reason} and {@code error} instead, and
     * does not hide the others.
     */
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
                    try {
                        out.add(summary(table, table.latest()));
                    } catch (UnreadableTableException e) {
                        out.add(unreadable(table, e.reason().name(), e.getMessage()));
                    } catch (RuntimeException e) {
                        out.add(unreadable(table, UnreadableTableException.Reason.BROKEN_LOG.name(),
                                "table " + name + " cannot be read: " + e.getMessage()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * One version: summary, its commit time ({@code timestamp}, ISO-8601), the tags naming it, whether
     * its data files can still be read ({@code readable}), schema and properties.
     */
    @GetMapping("/{name}")
    public Map<String, Object> describe(@PathVariable String name, @RequestParam(required = false) Long version,
                                        @RequestParam(required = false) String tag,
                                        @RequestParam(required = false) String asOf) {
        DeltaTable table = new DeltaTable(lake, name);
        TableVersions versions = new TableVersions(table);
        TableSnapshot s = versions.resolve(Selector.of(version, tag, asOf));
        Map<String, Object> out = summary(table, s);
        Instant committed = versions.commitTimestamp(s.version());
        out.put("timestamp", committed == null ? null : committed.toString());
        out.put("tags", new TableTags(table).list().stream().filter(t -> t.version() == s.version())
                .map(TableTags.Tag::name).toList());
        out.put("readable", versions.readable(s));
        List<Map<String, Object>> columns = new ArrayList<>();
        for (Column f : s.schema().columns()) {
            columns.add(Map.of("name", f.name(), "type", f.type().simpleString(), "nullable", f.nullable()));
        }
        out.put("columns", columns);
        out.put("properties", s.properties());
        return out;
    }

    private static Map<String, Object> unreadable(DeltaTable table, String reason, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", table.name());
        m.put("path", "silver/" + table.name());
        m.put("readable", false);
        m.put("reason", reason);
        m.put("error", error);
        return m;
    }

    private static Map<String, Object> summary(DeltaTable table, TableSnapshot s) {
        long rows = 0;
        long bytes = 0;
        ObjectMapper json = new ObjectMapper();
        for (io.lakehub.delta.DataFile f : s.files()) {
            bytes += f.size();
            long n = f.numRecords();
            if (n < 0 || f.deletionVector() != null) {
                rows = -1; // unknown without reading: no statistics, or a deletion vector hides some
            }
            if (rows >= 0) {
                rows += n;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", table.name());
        m.put("path", "silver/" + table.name());
        m.put("version", s.version());
        m.put("files", s.files().size());
        m.put("rows", rows);
        m.put("bytes", bytes);
        m.put("protocol", s.protocol());
        return m;
    }

    /**
     * Commit history, newest first. Each version also lists the replications that copied it
     * ({@code replications}: id, status, target, destination, finishedAt): a replication reads a
     * version and changes nothing, so it is linked from the hub's records rather than written into
     * the Delta log as a commit of its own.
     */
    @GetMapping("/{name}/history")
    public List<Map<String, Object>> history(@PathVariable String name, @RequestParam(defaultValue = "100") int limit) {
        DeltaTable table = new DeltaTable(lake, name);
        table.snapshot(null);
        List<Map<String, Object>> history = table.history(Math.max(1, limit));
        Map<Long, List<Map<String, Object>>> copies = replications.linksByVersion(name);
        for (Map<String, Object> entry : history) {
            entry.put("replications", copies.getOrDefault((Long) entry.get("version"), List.of()));
        }
        return history;
    }

    /** Rows of a version as JSON objects, in file order: {@code {"table","version","count","rows":[{column: value}]}}. */
    @GetMapping("/{name}/rows")
    public Map<String, Object> rows(@PathVariable String name, @RequestParam(required = false) Long version,
                                    @RequestParam(required = false) String tag,
                                    @RequestParam(required = false) String asOf,
                                    @RequestParam(defaultValue = "100") int limit) throws IOException {
        if (limit < 1 || limit > MAX_ROWS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_ROWS);
        }
        DeltaTable table = new DeltaTable(lake, name);
        TableVersions versions = new TableVersions(table);
        TableSnapshot s = versions.resolve(Selector.of(version, tag, asOf));
        versions.requireReadable(s);
        String[] names = s.schema().names().toArray(String[]::new);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (VersionRows it = table.rows(s)) {
            while (it.hasNext() && rows.size() < limit) {
                Object[] row = it.next();
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    m.put(names[i], row[i] instanceof Instant t ? t.toString() : row[i]);
                }
                rows.add(m);
            }
        } catch (UncheckedIOException e) {
            if (VersionGoneException.isMissingFile(e)) {
                int missing = versions.missingFiles(s.files()).size();
                throw new VersionGoneException(name, s.version(), Math.max(1, missing));
            }
            throw e;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", name);
        out.put("version", s.version());
        out.put("count", rows.size());
        out.put("rows", rows);
        return out;
    }

    /**
     * The whole version as one file: CSV (header first; values in the text form of
     * {@link ColumnTypes#text}) streamed as it is read, or Parquet written to a local temporary file
     * first (a Parquet footer comes last), then streamed with its length and deleted. Written on the
     * request thread, not as an asynchronous body, so an export that takes longer than the servlet
     * container's async timeout (Tomcat: 30 s) is not cut off.
     */
    @GetMapping("/{name}/export")
    public void export(@PathVariable String name, @RequestParam(required = false) Long version,
                       @RequestParam(required = false) String tag, @RequestParam(required = false) String asOf,
                       @RequestParam(defaultValue = "csv") String format, HttpServletResponse response) throws IOException {
        boolean parquet = "parquet".equalsIgnoreCase(format);
        if (!parquet && !"csv".equalsIgnoreCase(format)) {
            throw new IllegalArgumentException("format must be csv or parquet, not '" + format + "'");
        }
        DeltaTable table = new DeltaTable(lake, name);
        TableVersions versions = new TableVersions(table);
        TableSnapshot s = versions.resolve(Selector.of(version, tag, asOf));
        versions.requireReadable(s);
        String filename = name + "-v" + s.version() + (parquet ? ".parquet" : ".csv");
        if (!parquet) {
            response.setContentType(new MediaType("text", "csv", StandardCharsets.UTF_8).toString());
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
            VersionExport.csv(table, s, response.getOutputStream());
            return;
        }
        java.nio.file.Path folder = Files.createTempDirectory("lakehub-export-");
        try {
            java.nio.file.Path file = VersionExport.parquet(table, s, folder);
            response.setContentType(VersionExport.PARQUET_MEDIA_TYPE);
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
            response.setContentLengthLong(Files.size(file));
            Files.copy(file, response.getOutputStream());
        } finally {
            deleteFolder(folder);
        }
    }

    private static void deleteFolder(java.nio.file.Path folder) {
        try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary file is harmless; the OS cleans its temporary folder
        }
    }

    /** Named versions, ordered by version: {@code [{"tag","version","timestamp"}]}. */
    @GetMapping("/{name}/tags")
    public List<Map<String, Object>> tags(@PathVariable String name) {
        DeltaTable table = new DeltaTable(lake, name);
        table.snapshot(null);
        NavigableMap<Long, Instant> times = new TableVersions(table).commitTimestamps();
        List<Map<String, Object>> out = new ArrayList<>();
        for (TableTags.Tag t : new TableTags(table).list()) {
            out.add(tag(null, t, times.get(t.version())));
        }
        return out;
    }

    /** One named version: {@code {"tag","version","timestamp"}}. */
    @GetMapping("/{name}/tags/{tag}")
    public Map<String, Object> tag(@PathVariable String name, @PathVariable String tag) {
        DeltaTable table = new DeltaTable(lake, name);
        long version = new TableTags(table).version(tag);
        return tag(null, new TableTags.Tag(tag, version), new TableVersions(table).commitTimestamp(version));
    }

    /**
     * A tag request.
     *
     * @param tag     the name, {@code [A-Za-z0-9_.-]{1,64}}
     * @param version the version it names
     * @param force   move the tag if it exists (default false: 409)
     */
    public record TagRequest(String tag, Long version, Boolean force) {
    }

    /**
     * Names a version: 201 with {@code {"table","tag","version","timestamp","previousVersion","tableVersion"}},
     * where {@code tableVersion} is the table version of the tag's own metadata commit.
     */
    @PostMapping("/{name}/tags")
    public ResponseEntity<Map<String, Object>> setTag(@PathVariable String name, @RequestBody TagRequest request) {
        if (request == null || request.tag() == null) {
            throw new IllegalArgumentException("tag is required: {\"tag\":\"v2015\",\"version\":3}");
        }
        if (request.version() == null) {
            throw new IllegalArgumentException("version is required: {\"tag\":\"" + request.tag() + "\",\"version\":3}");
        }
        DeltaTable table = new DeltaTable(lake, name);
        TableTags.Change change = new TableTags(table).set(request.tag(), request.version(),
                Boolean.TRUE.equals(request.force()));
        Map<String, Object> body = tag(name, change.tag(), new TableVersions(table).commitTimestamp(request.version()));
        body.put("previousVersion", change.previous());
        body.put("tableVersion", change.commitVersion());
        return ResponseEntity.created(URI.create("/api/tables/" + name + "/tags/" + request.tag())).body(body);
    }

    /** Removes a tag: 204. */
    @DeleteMapping("/{name}/tags/{tag}")
    public ResponseEntity<Void> deleteTag(@PathVariable String name, @PathVariable String tag) {
        new TableTags(new DeltaTable(lake, name)).remove(tag);
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    private static Map<String, Object> tag(String table, TableTags.Tag t, Instant committed) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (table != null) {
            m.put("table", table);
        }
        m.put("tag", t.name());
        m.put("version", t.version());
        m.put("timestamp", committed == null ? null : committed.toString());
        return m;
    }

    /**
     * Rows inserted, updated and deleted from one version to another, matched by key ({@link VersionDiff}):
     * {@code {"table","from","to","keyColumns","inserted","updated","deleted","copied","filesRead":{"from","to"},
     * "keys":{"inserted":[],"updated":[],"deleted":[],"truncated"}}} ({@code keys} only with {@code keys=true}).
     * {@code from} is required (as {@code from}, {@code fromTag} or {@code fromAsOf}); {@code to} defaults to the
     * latest version. Key columns come from {@code keyColumns=a,b} or the table property {@code lakehub.keys}.
     */
    @GetMapping("/{name}/diff")
    public Map<String, Object> diff(@PathVariable String name,
                                    @RequestParam(required = false) Long from,
                                    @RequestParam(required = false) String fromTag,
                                    @RequestParam(required = false) String fromAsOf,
                                    @RequestParam(required = false) Long to,
                                    @RequestParam(required = false) String toTag,
                                    @RequestParam(required = false) String toAsOf,
                                    @RequestParam(defaultValue = "false") boolean keys,
                                    @RequestParam(required = false) String keyColumns) throws IOException {
        Selector fromSel = selector("from", from, fromTag, fromAsOf);
        Selector toSel = selector("to", to, toTag, toAsOf);
        if (fromSel.latest()) {
            throw new IllegalArgumentException("from is required: give from=<version>, fromTag=<tag> or fromAsOf=<timestamp>");
        }
        DeltaTable table = new DeltaTable(lake, name);
        TableVersions versions = new TableVersions(table);
        TableSnapshot a = versions.resolve(fromSel);
        TableSnapshot b = versions.resolve(toSel);
        List<String> keyCols = VersionDiff.keyColumns(a, b,
                keyColumns == null ? null : Arrays.asList(keyColumns.split(",")));
        VersionDiff.Result r = VersionDiff.compare(table, a, b, keyCols, keys);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", r.table());
        out.put("from", r.from());
        out.put("to", r.to());
        out.put("keyColumns", r.keyColumns());
        out.put("inserted", r.inserted());
        out.put("updated", r.updated());
        out.put("deleted", r.deleted());
        out.put("copied", r.copied());
        out.put("filesRead", Map.of("from", r.filesFrom(), "to", r.filesTo()));
        if (r.keys() != null) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("inserted", r.keys().inserted());
            k.put("updated", r.keys().updated());
            k.put("deleted", r.keys().deleted());
            k.put("truncated", r.keys().truncated());
            out.put("keys", k);
        }
        return out;
    }

    private static Selector selector(String side, Long version, String tag, String asOf) {
        try {
            return Selector.of(version, tag, asOf);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(side + ": " + e.getMessage().replace("version, tag and asOf",
                    side + ", " + side + "Tag and " + side + "AsOf"), e);
        }
    }
}
