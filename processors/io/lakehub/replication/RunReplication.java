package io.lakehub.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ReplicaTable;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.TableVersions;
import io.lakehub.delta.VersionRows;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs one replication: copies the selected columns and rows of the pinned source version to the
 * target, publishes the replica in one visible step, re-reads it from the target to validate it, and
 * writes its lineage manifest. Bean {@code runReplication} of route {@code replication-run}.
 *
 * <p>Reads: the body, a replication id ({@link ReplicationStore}). Writes: the record (status, rows,
 * files, checksums, validation, error), variable {@code replicationId}. Never throws: a failure makes
 * the record FAILED with its reason, so the notification that follows reports it.
 *
 * <ol>
 *   <li><b>copy</b>: the rows of the version stream file by file through the filter into the format's
 *   writer in a staging folder (memory bounded by one Parquet row group), with the per-column
 *   checksums of what is written ({@link ColumnChecksums}); for Delta, a {@code WRITE} commit of the
 *   files; then the manifest {@value #PENDING_LINEAGE} with every file's size and SHA-256 and validation
 *   {@code PENDING}.</li>
 *   <li><b>publish</b>: {@link ReplicaTarget#publish}; before it nothing is visible at the destination,
 *   and a failure discards the staging folder.</li>
 *   <li><b>validate</b> from the target: every file of the lineage is there with its size and SHA-256;
 *   the schema is the selection's; the row count and every column checksum equal the source
 *   selection's. The result goes into the record. Only when it PASSED is the manifest written as
 *   {@value #LINEAGE} (validation included) and {@value #PENDING_LINEAGE} removed; a FAILED validation
 *   is written into {@value #PENDING_LINEAGE} and no {@value #LINEAGE} appears.</li>
 * </ol>
 * So a replica's {@value #LINEAGE} is its completion marker: present means published <em>and</em>
 * validated (a consumer that waits for it, as Spark jobs wait for {@code _SUCCESS}, never takes an
 * unvalidated copy, even after a crash between publish and validation).
 *
 * <p>A replication found RUNNING after a restart runs again: its staging folder is rebuilt, and a
 * destination already holding its own manifest (either name, published before the crash) is validated
 * instead of copied again, its counts (rows written and read) restored from the manifest. Stateless
 * apart from the test seams; thread-safe.
 */
@Component("runReplication")
public class RunReplication implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RunReplication.class);

    /** Name of the lineage manifest beside the replica's files; it exists only once validation PASSED. */
    public static final String LINEAGE = "_lineage.json";

    /**
     * Name of the manifest published with the files, before validation (status {@code PENDING}), and
     * kept with the failed checks when validation FAILED; renamed to {@link #LINEAGE} when it PASSED.
     */
    public static final String PENDING_LINEAGE = "_lineage.pending.json";

    private final LakeStorage lake;
    private final ReplicationStore store;
    private final ReplicaTargets targets;
    private final ReplicationProperties props;

    private volatile LongConsumer rowWritten = n -> { };
    private volatile Consumer<Replication> published = r -> { };

    public RunReplication(LakeStorage lake, ReplicationStore store, ReplicaTargets targets, ReplicationProperties props) {
        this.lake = lake;
        this.store = store;
        this.targets = targets;
        this.props = props;
    }

    private io.lakehub.run.RunProgress progress;

    /**
     * Where a running copy publishes its rows read so far (logged every {@code lakehub.progress.log-interval}
     * and shown by {@code GET /api/runs/active}); optional, so plain tests need none.
     */
    @org.springframework.beans.factory.annotation.Autowired(required = false)
    void setProgress(io.lakehub.run.RunProgress progress) {
        this.progress = progress;
    }

    /** Test seam: runs after each row written to the staging folder, with the count so far. */
    void onRowWritten(LongConsumer hook) {
        this.rowWritten = hook == null ? n -> { } : hook;
    }

    /** Test seam: runs after the replica is published and before it is validated. */
    void afterPublish(Consumer<Replication> hook) {
        this.published = hook == null ? r -> { } : hook;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setVariable("replicationId", id);
        Replication r = store.get(id);
        if (r.finished()) {
            return;
        }
        r.status = Replication.RUNNING;
        r.startedAt = Instant.now().toString();
        r.error = null;
        long copyMillis = -1;
        long validateMillis = -1;
        store.save(r);
        Path staged = null;
        ReplicaTarget target = null;
        try {
            target = targets.get(r.target);
            long t0 = System.nanoTime();
            staged = copyAndPublish(r, target);
            copyMillis = (System.nanoTime() - t0) / 1_000_000;
            published.accept(r);
            long t1 = System.nanoTime();
            validate(r, target);
            validateMillis = (System.nanoTime() - t1) / 1_000_000;
            r.status = "PASSED".equals(r.validation.get("status")) ? Replication.SUCCEEDED : Replication.FAILED;
            if (Replication.FAILED.equals(r.status)) {
                r.error = "validation failed: " + failedChecks(r);
            }
        } catch (Exception e) {
            r.status = Replication.FAILED;
            r.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("replication {} of {} failed: {}", r.id, r.table, r.error);
        } finally {
            if (staged != null && target != null) {
                target.discardStaging(staged);
            }
        }
        r.finishedAt = Instant.now().toString();
        store.save(r);
        LOG.info("replication {}: {} v{} -> {} {} ({}): {} rows, validation {} (copy and publish {} ms, validation {} ms)",
                r.id, r.table, r.sourceVersion, r.target, r.destination, r.format, r.rowsWritten,
                r.validation == null ? "not run" : r.validation.get("status"), copyMillis, validateMillis);
    }

    private static String failedChecks(Replication r) {
        List<String> names = new ArrayList<>();
        for (Object c : (List<?>) r.validation.get("checks")) {
            Map<?, ?> m = (Map<?, ?>) c;
            if (!Boolean.TRUE.equals(m.get("passed"))) {
                names.add(String.valueOf(m.get("name")));
            }
        }
        return String.join(", ", names);
    }

    /** Copies into staging and publishes; returns the staging folder (gone after a local publish). */
    private Path copyAndPublish(Replication r, ReplicaTarget target) throws Exception {
        DeltaTable table = new DeltaTable(lake, r.table);
        TableSnapshot snapshot = table.snapshot(r.sourceVersion);
        new TableVersions(table).requireReadable(snapshot);
        TableSchema full = snapshot.schema();
        int[] slots = slots(full, r.columns);
        TableSchema selection = selection(full, slots);
        RowFilter filter = RowFilter.parse(r.filter, full);
        if (target.exists(r.destination)) {
            Map<String, Object> lineage = readLineage(target, r.destination, LINEAGE);
            if (lineage == null || !r.id.equals(lineage.get("replicationId"))) {
                lineage = readLineage(target, r.destination, PENDING_LINEAGE);
            }
            if (lineage != null && r.id.equals(lineage.get("replicationId"))) {
                // published before a restart: validate what is there instead of copying again
                restoreFromLineage(r, lineage);
                return null;
            }
            throw new IllegalStateException("destination " + r.destination + " of target " + r.target
                    + " already holds files of another replication; nothing was written");
        }
        Path staged = target.stagingFolder(r.id);
        ReplicaFormat format = ReplicaFormat.of(r.format);
        ColumnChecksums checksums = new ColumnChecksums(r.columns);
        long read = 0;
        long written = 0;
        ReplicaFormat.Writer writer = format.writer(staged, selection, props.getRowsPerFile());
        List<String> files;
        io.lakehub.run.RunProgress.Active active = progress == null ? null : progress.start(r.id, "replication", r.table);
        try (VersionRows rows = table.rows(snapshot)) {
            while (rows.hasNext()) {
                Object[] row = rows.next();
                read++;
                if (active != null && (read & 1023) == 0) {
                    active.rows().set(read);
                }
                if (!filter.test(row)) {
                    continue;
                }
                Object[] out = new Object[slots.length];
                for (int i = 0; i < slots.length; i++) {
                    out[i] = row[slots[i]];
                }
                writer.write(out);
                checksums.add(out);
                written++;
                rowWritten.accept(written);
            }
            files = new ArrayList<>(writer.finish());
        } catch (Exception | Error e) {
            writer.abort();
            target.discardStaging(staged);
            throw e;
        } finally {
            if (active != null) {
                progress.end(r.id);
            }
        }
        r.rowsRead = read;
        r.rowsWritten = written;
        r.checksums = checksums.toList();
        try {
            if (format == ReplicaFormat.DELTA) {
                ReplicaTable.create(staged, r.table, selection, writer.addFiles(), written,
                        ReplicationStore.JSON.writeValueAsString(Map.of("replicationId", r.id, "sourceTable", r.table,
                                "sourceVersion", r.sourceVersion, "filter", r.filter)));
                try (var log = Files.list(staged.resolve("_delta_log"))) {
                    log.map(p -> "_delta_log/" + p.getFileName()).filter(n -> n.endsWith(".json")).sorted().forEach(files::add);
                }
            }
            List<Map<String, Object>> described = new ArrayList<>();
            for (String f : files) {
                Path p = staged.resolve(f);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f);
                m.put("size", Files.size(p));
                try (InputStream in = Files.newInputStream(p)) {
                    m.put("sha256", sha256(in));
                }
                described.add(m);
            }
            r.files = described;
            r.location = target.location(r.destination);
            Files.write(staged.resolve(PENDING_LINEAGE), lineage(r, selection, Map.of("status", "PENDING")));
            List<String> commitOrder = new ArrayList<>(files);
            commitOrder.add(PENDING_LINEAGE);
            target.publish(staged, r.destination, commitOrder);
        } catch (Exception e) {
            target.discardStaging(staged);
            throw e;
        }
        return staged;
    }

    private static void restoreFromLineage(Replication r, Map<String, Object> lineage) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) lineage.get("files");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> checksums = (List<Map<String, Object>>) lineage.get("checksums");
        r.files = files;
        r.checksums = checksums;
        r.rowsWritten = ((Number) lineage.get("rows")).longValue();
        r.rowsRead = lineage.get("rowsRead") instanceof Number n ? n.longValue() : null;
    }

    private static Map<String, Object> readLineage(ReplicaTarget target, String destination, String name) {
        try (InputStream in = target.open(destination, name)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = ReplicationStore.JSON.readValue(in, Map.class);
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The lineage manifest: what was copied, from where, how, and the file list with hashes. */
    private byte[] lineage(Replication r, TableSchema selection, Map<String, Object> validation) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replicationId", r.id);
        m.put("requestId", r.requestId);
        m.put("requestedBy", r.requestedBy);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("lake", lake.root());
        source.put("table", "silver/" + r.table);
        source.put("version", r.sourceVersion);
        if (r.requestedTag != null) {
            source.put("tag", r.requestedTag);
        }
        m.put("source", source);
        m.put("columns", r.columns);
        m.put("filter", r.filter);
        List<Map<String, String>> schema = new ArrayList<>();
        for (Column f : selection.columns()) {
            Map<String, String> column = new LinkedHashMap<>();
            column.put("name", f.name());
            column.put("type", typeName(f.type()));
            schema.add(column);
        }
        m.put("schema", schema);
        m.put("format", r.format);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("name", r.target);
        target.put("type", r.targetType);
        target.put("location", r.location);
        m.put("target", target);
        m.put("rows", r.rowsWritten);
        m.put("rowsRead", r.rowsRead);
        m.put("checksums", r.checksums);
        m.put("checksumAlgorithm", "per column: sum mod 2^64 of FNV-1a-64 + SplitMix64 over each non-null value's text form; nulls counted");
        m.put("files", r.files);
        m.put("requestedAt", r.createdAt);
        m.put("startedAt", r.startedAt);
        m.put("publishedAt", Instant.now().toString());
        m.put("hub", DeltaTable.ENGINE);
        m.put("validation", validation);
        return ReplicationStore.JSON.writeValueAsBytes(m);
    }

    /** Re-reads the replica from the target and compares it with the source selection. */
    private void validate(Replication r, ReplicaTarget target) throws Exception {
        List<Map<String, Object>> checks = new ArrayList<>();
        DeltaTable table = new DeltaTable(lake, r.table);
        TableSchema full = table.snapshot(r.sourceVersion).schema();
        TableSchema selection = selection(full, slots(full, r.columns));
        Map<String, Long> listed = new LinkedHashMap<>();
        for (ReplicaTarget.RemoteFile f : target.list(r.destination)) {
            listed.put(f.name(), f.size());
        }
        Path local = target instanceof LocalFolderTarget l ? ReplicaPaths.resolveInside(l.root(), r.destination) : null;
        Path download = local == null ? Files.createTempDirectory("lakehub-validate-") : null;
        try {
            boolean filesOk = true;
            List<String> problems = new ArrayList<>();
            for (Map<String, Object> f : r.files) {
                String name = (String) f.get("name");
                long size = ((Number) f.get("size")).longValue();
                Long actual = listed.get(name);
                if (actual == null) {
                    filesOk = false;
                    problems.add(name + " missing");
                    continue;
                }
                if (actual != size) {
                    filesOk = false;
                    problems.add(name + " has " + actual + " bytes instead of " + size);
                }
                String sha;
                try (InputStream in = target.open(r.destination, name)) {
                    if (download != null) {
                        Path copy = download.resolve(name);
                        Files.createDirectories(copy.getParent());
                        try (OutputStream out = Files.newOutputStream(copy)) {
                            sha = sha256Copy(in, out);
                        }
                    } else {
                        sha = sha256(in);
                    }
                }
                if (!sha.equals(f.get("sha256"))) {
                    filesOk = false;
                    problems.add(name + " has SHA-256 " + sha + " instead of " + f.get("sha256"));
                }
            }
            checks.add(check("files", filesOk, r.files.size() + " files with the lineage's sizes and SHA-256",
                    filesOk ? "all match" : String.join("; ", problems)));

            List<String> dataFiles = new ArrayList<>();
            for (Map<String, Object> f : r.files) {
                String name = (String) f.get("name");
                if (!name.startsWith("_delta_log/")) {
                    dataFiles.add(name);
                }
            }
            ColumnChecksums actual = new ColumnChecksums(r.columns);
            String readError = null;
            try (ReplicaFormat.RowSource rows = ReplicaFormat.of(r.format).read(local != null ? local : download, dataFiles,
                    selection)) {
                while (rows.rows().hasNext()) {
                    actual.add(rows.rows().next());
                }
            } catch (ReplicaFormat.SchemaException e) {
                readError = e.getMessage();
            } catch (Exception e) {
                readError = "the replica cannot be read: " + e.getMessage();
            }
            checks.add(check("schema", readError == null, describe(selection), readError == null ? describe(selection) : readError));
            if (readError == null) {
                checks.add(check("rowCount", Objects.equals(r.rowsWritten, actual.rows()), r.rowsWritten, actual.rows()));
                List<Map<String, Object>> got = actual.toList();
                for (int i = 0; i < r.checksums.size(); i++) {
                    Map<String, Object> want = r.checksums.get(i);
                    Map<String, Object> have = got.get(i);
                    boolean same = Objects.equals(want.get("sum"), have.get("sum"))
                            && ((Number) want.get("nulls")).longValue() == ((Number) have.get("nulls")).longValue();
                    checks.add(check("checksum:" + want.get("column"), same, want.get("sum") + " (" + want.get("nulls") + " nulls)",
                            have.get("sum") + " (" + have.get("nulls") + " nulls)"));
                }
            }
        } finally {
            if (download != null) {
                ReplicaPaths.deleteRecursively(download);
            }
        }
        boolean passed = checks.stream().allMatch(c -> Boolean.TRUE.equals(c.get("passed")));
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("status", passed ? "PASSED" : "FAILED");
        validation.put("validatedAt", Instant.now().toString());
        validation.put("checks", checks);
        r.validation = validation;
        writeValidatedLineage(target, r.destination, validation, passed);
    }

    /**
     * Records the validation in the manifest: PASSED writes {@link #LINEAGE} (the completion marker) and
     * only then removes {@link #PENDING_LINEAGE}; FAILED rewrites {@link #PENDING_LINEAGE}. A crash in
     * between leaves both names, and the restarted run validates again and finishes the step.
     */
    private static void writeValidatedLineage(ReplicaTarget target, String destination, Map<String, Object> validation,
                                              boolean passed) throws IOException {
        Map<String, Object> lineage = readLineage(target, destination, PENDING_LINEAGE);
        boolean pending = lineage != null;
        if (lineage == null) {
            lineage = readLineage(target, destination, LINEAGE);
        }
        if (lineage == null) {
            return;
        }
        lineage.put("validation", validation);
        byte[] content = ReplicationStore.JSON.writeValueAsBytes(lineage);
        if (passed) {
            target.replace(destination, LINEAGE, content);
            if (pending) {
                target.delete(destination, PENDING_LINEAGE);
            }
        } else if (pending) {
            target.replace(destination, PENDING_LINEAGE, content);
        }
    }

    private static String describe(TableSchema schema) {
        List<String> cols = new ArrayList<>();
        for (Column f : schema.columns()) {
            cols.add(f.name() + " " + typeName(f.type()));
        }
        return String.join(", ", cols);
    }

    /** A type as Spark SQL writes it, with a decimal's precision and scale. */
    static String typeName(ColumnType type) {
        return type instanceof ColumnType.Decimal d
                ? "decimal(" + d.precision() + "," + d.scale() + ")" : type.simpleString();
    }

    private static Map<String, Object> check(String name, boolean passed, Object expected, Object actual) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("passed", passed);
        m.put("expected", expected);
        m.put("actual", actual);
        return m;
    }

    /** Positions of the selected columns in the table schema. */
    static int[] slots(TableSchema full, List<String> columns) {
        int[] slots = new int[columns.size()];
        Column[] fields = full.columns().toArray(new Column[0]);
        for (int i = 0; i < slots.length; i++) {
            slots[i] = -1;
            for (int j = 0; j < fields.length; j++) {
                if (fields[j].name().equalsIgnoreCase(columns.get(i))) {
                    slots[i] = j;
                }
            }
            if (slots[i] < 0) {
                throw new IllegalArgumentException("unknown column " + columns.get(i) + "; the table has "
                        + String.join(", ", full.names()));
            }
        }
        return slots;
    }

    static TableSchema selection(TableSchema full, int[] slots) {
        Column[] out = new Column[slots.length];
        for (int i = 0; i < slots.length; i++) {
            out[i] = full.column(slots[i]);
        }
        return TableSchema.of(out);
    }

    static String sha256(InputStream in) throws IOException {
        return sha256Copy(in, OutputStream.nullOutputStream());
    }

    private static String sha256Copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (DigestInputStream d = new DigestInputStream(in, md)) {
            d.transferTo(out);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
