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

import io.lakehub.delta.Column;
import io.lakehub.delta.ColumnTypes;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.FileStats;
import io.lakehub.delta.HistoryEntry;
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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
import org.springframework.web.bind.annotation.ResponseStatus;
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
    public List<TableSummary> list() throws IOException {
        List<TableSummary> out = new ArrayList<>();
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
    public TableVersionView describe(@PathVariable String name, @RequestParam(required = false) Long version,
                                        @RequestParam(required = false) String tag,
                                        @RequestParam(required = false) String asOf) {
        DeltaTable table = new DeltaTable(lake, name);
        TableVersions versions = new TableVersions(table);
        TableSnapshot s = versions.resolve(Selector.of(version, tag, asOf));
        TableSummary sum = summary(table, s);
        Instant committed = versions.commitTimestamp(s.version());
        List<String> tags = new TableTags(table).list().stream().filter(t -> t.version() == s.version())
                .map(TableTags.Tag::name).toList();
        boolean readable = versions.readable(s);
        List<TableVersionView.ColumnView> columns = new ArrayList<>();
        for (Column f : s.schema().columns()) {
            columns.add(new TableVersionView.ColumnView(f.name(), f.type().simpleString(), f.nullable()));
        }
        return new TableVersionView(sum.name(), sum.path(), sum.version(), sum.files(), sum.rows(), sum.bytes(),
                sum.protocol(), committed == null ? null : committed.toString(), tags, readable, columns, s.properties());
    }

    private static TableSummary unreadable(DeltaTable table, String reason, String error) {
        return new TableSummary(table.name(), "silver/" + table.name(), null, null, null, null, null, false, reason, error);
    }

    private static TableSummary summary(DeltaTable table, TableSnapshot s) {
        long rows = 0;
        long bytes = 0;
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
        return new TableSummary(table.name(), "silver/" + table.name(), s.version(), s.files().size(), rows, bytes,
                TableProtocol.of(s.protocol()), null, null, null);
    }

    /**
     * Commit history, newest first. Each version also lists the replications that copied it
     * ({@code replications}: id, status, target, destination, finishedAt): a replication reads a
     * version and changes nothing, so it is linked from the hub's records rather than written into
     * the Delta log as a commit of its own.
     */
    @GetMapping("/{name}/history")
    public List<TableCommit> history(@PathVariable String name, @RequestParam(defaultValue = "100") int limit) {
        DeltaTable table = new DeltaTable(lake, name);
        table.snapshot(null);
        Map<Long, List<Map<String, Object>>> copies = replications.linksByVersion(name);
        List<TableCommit> history = new ArrayList<>();
        for (HistoryEntry entry : table.historyEntries(Math.max(1, limit))) {
            history.add(TableCommit.of(entry, copies.getOrDefault(entry.version(), List.of()).stream()
                    .map(TableCommit.ReplicationLink::of).toList()));
        }
        return history;
    }

    /** Rows of a version as JSON objects, in file order: {@code {"table","version","count","rows":[{column: value}]}}. */
    @GetMapping("/{name}/rows")
    public TableRows rows(@PathVariable String name, @RequestParam(required = false) Long version,
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
        return new TableRows(name, s.version(), rows.size(), rows);
    }

    /**
     * The whole version as one file: CSV (header first; values in the text form of
     * {@link ColumnTypes#text}) streamed as it is read, or Parquet written to a local temporary file
     * first (a Parquet footer comes last), then streamed with its length and deleted. Written on the
     * request thread, not as an asynchronous body, so an export that takes longer than the servlet
     * container's async timeout (Tomcat: 30 s) is not cut off.
     */
    @GetMapping("/{name}/export")
    @ApiResponse(responseCode = "200", description = "the whole version as one file, named <table>-v<N>.csv|parquet",
            content = {@Content(mediaType = "text/csv", schema = @Schema(type = "string", format = "binary")),
                       @Content(mediaType = VersionExport.PARQUET_MEDIA_TYPE,
                               schema = @Schema(type = "string", format = "binary"))})
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
    public List<TableTag> tags(@PathVariable String name) {
        DeltaTable table = new DeltaTable(lake, name);
        table.snapshot(null);
        NavigableMap<Long, Instant> times = new TableVersions(table).commitTimestamps();
        List<TableTag> out = new ArrayList<>();
        for (TableTags.Tag t : new TableTags(table).list()) {
            out.add(tag(t, times.get(t.version())));
        }
        return out;
    }

    /** One named version: {@code {"tag","version","timestamp"}}. */
    @GetMapping("/{name}/tags/{tag}")
    public TableTag tag(@PathVariable String name, @PathVariable String tag) {
        DeltaTable table = new DeltaTable(lake, name);
        long version = new TableTags(table).version(tag);
        return tag(new TableTags.Tag(tag, version), new TableVersions(table).commitTimestamp(version));
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
    @ApiResponse(responseCode = "201", description = "the tag is set; Location names it",
            content = @Content(schema = @Schema(implementation = TagChange.class)))
    public ResponseEntity<TagChange> setTag(@PathVariable String name, @RequestBody TagRequest request) {
        if (request == null || request.tag() == null) {
            throw new IllegalArgumentException("tag is required: {\"tag\":\"v2015\",\"version\":3}");
        }
        if (request.version() == null) {
            throw new IllegalArgumentException("version is required: {\"tag\":\"" + request.tag() + "\",\"version\":3}");
        }
        DeltaTable table = new DeltaTable(lake, name);
        TableTags.Change change = new TableTags(table).set(request.tag(), request.version(),
                Boolean.TRUE.equals(request.force()));
        Instant committed = new TableVersions(table).commitTimestamp(request.version());
        TagChange body = new TagChange(name, change.tag().name(), change.tag().version(),
                committed == null ? null : committed.toString(), change.previous(), change.commitVersion());
        return ResponseEntity.created(URI.create("/api/tables/" + name + "/tags/" + request.tag())).body(body);
    }

    /** Removes a tag: 204. */
    @DeleteMapping("/{name}/tags/{tag}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public ResponseEntity<Void> deleteTag(@PathVariable String name, @PathVariable String tag) {
        new TableTags(new DeltaTable(lake, name)).remove(tag);
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    private static TableTag tag(TableTags.Tag t, Instant committed) {
        return new TableTag(t.name(), t.version(), committed == null ? null : committed.toString());
    }

    /**
     * Rows inserted, updated and deleted from one version to another, matched by key ({@link VersionDiff}):
     * {@code {"table","from","to","keyColumns","inserted","updated","deleted","copied","filesRead":{"from","to"},
     * "keys":{"inserted":[],"updated":[],"deleted":[],"truncated"}}} ({@code keys} only with {@code keys=true}).
     * {@code from} is required (as {@code from}, {@code fromTag} or {@code fromAsOf}); {@code to} defaults to the
     * latest version. Key columns come from {@code keyColumns=a,b} or the table property {@code lakehub.keys}.
     */
    @GetMapping("/{name}/diff")
    public TableDiff diff(@PathVariable String name,
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
        TableDiff.Keys k = r.keys() == null ? null : new TableDiff.Keys(r.keys().inserted(), r.keys().updated(),
                r.keys().deleted(), r.keys().truncated());
        return new TableDiff(r.table(), r.from(), r.to(), r.keyColumns(), r.inserted(), r.updated(), r.deleted(),
                r.copied(), new TableDiff.FilesRead(r.filesFrom(), r.filesTo()), k);
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
