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

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ReplicaTable;
import io.lakehub.delta.TableVersions;
import io.lakehub.delta.VersionRows;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The operations of one replication run, one per step of route {@code replication-run}
 * (routes/replication.camel.yaml), on a {@link ReplicationRun} passed along in the exchange body:
 *
 * <ol>
 *   <li><b>pin</b> ({@link PinReplicationVersion}): the record (status RUNNING), its target, and the
 *   source version pinned when the request was accepted, opened and checked readable; the column
 *   selection and the row filter resolved against its schema.</li>
 *   <li><b>copy</b> ({@link CopyReplicaRows}): the rows of the version stream file by file through the
 *   filter into the format's writer in a staging folder (memory bounded by one Parquet row group), with
 *   the per-column checksums of what is written ({@link ColumnChecksums}); for Delta, a {@code WRITE}
 *   commit of the files; then the manifest {@value #PENDING_LINEAGE} with every file's size and SHA-256
 *   and validation {@code PENDING}.</li>
 *   <li><b>publish</b> ({@link PublishReplica}): {@link ReplicaTarget#publish}; before it nothing is
 *   visible at the destination, and a failure discards the staging folder.</li>
 *   <li><b>validate</b> ({@link ValidateReplica}) from the target: every file of the lineage is there
 *   with its size and SHA-256; the schema is the selection's; the row count and every column checksum
 *   equal the source selection's. The result goes into the record.</li>
 *   <li><b>lineage</b> ({@link WriteReplicaLineage}): only when validation PASSED is the manifest written
 *   as {@value #LINEAGE} (validation included) and {@value #PENDING_LINEAGE} removed; a FAILED validation
 *   is written into {@value #PENDING_LINEAGE} and no {@value #LINEAGE} appears. The record ends SUCCEEDED
 *   or FAILED ({@code validation failed: <checks>}).</li>
 * </ol>
 * So a replica's {@value #LINEAGE} is its completion marker: present means published <em>and</em>
 * validated (a consumer that waits for it, as Spark jobs wait for {@code _SUCCESS}, never takes an
 * unvalidated copy, even after a crash between publish and validation).
 *
 * <p>Failure: a step throws; the route's error policy ({@link RecordReplicationFailure}) makes the record
 * FAILED with its reason, discards the staging folder, and the notification that follows reports it.
 * {@link #process} runs every step in one call with the same failure recording (for tests and callers
 * without the route).
 *
 * <p>A replication found RUNNING after a restart runs again: its staging folder is rebuilt, and a
 * destination already holding its own manifest (either name, published before the crash) is validated
 * instead of copied again, its counts (rows written and read) restored from the manifest. Fault points
 * {@link FaultPoint#REPLICATION_ROW_WRITTEN} (after each row written to staging) and
 * {@link FaultPoint#REPLICATION_AFTER_PUBLISH} (context: the replication id). Stateless; thread-safe.
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

    /**
     * Runs every step on the replication id in the body, as route {@code replication-run} does, and
     * records a failure as its error policy does. Never throws an {@link Exception}: a failure makes the
     * record FAILED with its reason ({@link Error}s, such as a test's simulated kill, pass through).
     */
    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setVariable("replicationId", id);
        ReplicationRun run;
        try {
            run = pin(id);
        } catch (java.util.NoSuchElementException e) {
            throw e;
        } catch (Exception e) {
            recordFailure(runOf(id), e);
            return;
        }
        if (run.finished) {
            return;
        }
        try {
            copy(run);
            publish(run);
            validate(run);
            writeLineage(run);
        } catch (Exception e) {
            recordFailure(run, e);
        }
    }

    /**
     * Step pin: loads the record and, unless it has finished, marks it RUNNING and opens the pinned
     * source version.
     *
     * @throws java.util.NoSuchElementException if no replication has this id
     * @throws Exception                        if the target is unknown, the version is no longer readable
     *                                          (vacuumed, gone) or a column or the filter does not fit the schema
     *                                          (the record is RUNNING then; the error step makes it FAILED)
     */
    ReplicationRun pin(String id) {
        Replication r = store.get(id);
        ReplicationRun run = new ReplicationRun(r);
        if (r.finished()) {
            run.finished = true;
            return run;
        }
        r.status = Replication.RUNNING;
        r.startedAt = Instant.now().toString();
        r.error = null;
        store.save(r);
        run.target = targets.get(r.target);
        run.table = new DeltaTable(lake, r.table);
        run.snapshot = run.table.snapshot(r.sourceVersion);
        new TableVersions(run.table).requireReadable(run.snapshot);
        run.full = run.snapshot.schema();
        run.slots = slots(run.full, r.columns);
        run.selection = selection(run.full, run.slots);
        run.filter = RowFilter.parse(r.filter, run.full);
        return run;
    }

    /** Step lineage: the validated manifest, and the record SUCCEEDED or FAILED by the validation. */
    void writeLineage(ReplicationRun run) throws IOException {
        Replication r = run.record;
        writeValidatedLineage(run.target, r.destination, r.validation, "PASSED".equals(r.validation.get("status")));
        r.status = "PASSED".equals(r.validation.get("status")) ? Replication.SUCCEEDED : Replication.FAILED;
        if (Replication.FAILED.equals(r.status)) {
            r.error = "validation failed: " + failedChecks(r);
        }
        finish(run);
    }

    /**
     * The error step: the record FAILED with {@code <exception class>: <message>}, the staging folder
     * discarded. The record is saved; the notification follows in the route.
     */
    void recordFailure(ReplicationRun run, Throwable e) {
        Replication r = run.record;
        r.status = Replication.FAILED;
        r.error = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("replication {} of {} failed: {}", r.id, r.table, r.error);
        discardStaging(run);
        finish(run);
    }

    /** The record of a run that failed before its pin step made a {@link ReplicationRun}. */
    ReplicationRun runOf(String id) {
        return new ReplicationRun(store.get(id));
    }

    private void finish(ReplicationRun run) {
        Replication r = run.record;
        r.finishedAt = Instant.now().toString();
        store.save(r);
        LOG.info("replication {}: {} v{} -> {} {} ({}): {} rows, validation {} (copy and publish {} ms, validation {} ms)",
                r.id, r.table, r.sourceVersion, r.target, r.destination, r.format, r.rowsWritten,
                r.validation == null ? "not run" : r.validation.get("status"), run.copyMillis, run.validateMillis);
    }

    private static void discardStaging(ReplicationRun run) {
        if (run.staged != null && run.target != null) {
            run.target.discardStaging(run.staged);
            run.staged = null;
        }
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

    /**
     * Step copy: the selection into a staging folder with its checksums and pending manifest; or, when the
     * destination already holds this replication's manifest (published before a restart), the counts
     * restored from it and nothing copied.
     *
     * @throws IllegalStateException if the destination holds files of another replication (nothing written)
     * @throws Exception             a read or write failure; the staging folder is discarded
     */
    void copy(ReplicationRun run) throws Exception {
        long t0 = System.nanoTime();
        Replication r = run.record;
        ReplicaTarget target = run.target;
        TableSchema selection = run.selection;
        int[] slots = run.slots;
        RowFilter filter = run.filter;
        if (target.exists(r.destination)) {
            Map<String, Object> lineage = readLineage(target, r.destination, LINEAGE);
            if (lineage == null || !r.id.equals(lineage.get("replicationId"))) {
                lineage = readLineage(target, r.destination, PENDING_LINEAGE);
            }
            if (lineage != null && r.id.equals(lineage.get("replicationId"))) {
                // published before a restart: validate what is there instead of copying again
                restoreFromLineage(r, lineage);
                run.published = true;
                run.copyMillis = (System.nanoTime() - t0) / 1_000_000;
                return;
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
        try (VersionRows rows = run.table.rows(run.snapshot)) {
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
                FaultInjection.reach(FaultPoint.REPLICATION_ROW_WRITTEN, r.id);
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
        } catch (Exception e) {
            target.discardStaging(staged);
            throw e;
        }
        List<String> commitOrder = new ArrayList<>(files);
        commitOrder.add(PENDING_LINEAGE);
        run.staged = staged;
        run.commitOrder = commitOrder;
        run.copyMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Step publish: the staged replica made visible at the destination in one step (files first, the
     * pending manifest last), then the staging folder discarded. A replica restored by {@link #copy} is
     * published already.
     *
     * @throws IOException if publishing fails; what was made visible is removed again where possible
     */
    void publish(ReplicationRun run) throws IOException {
        long t0 = System.nanoTime();
        if (!run.published) {
            run.target.publish(run.staged, run.record.destination, run.commitOrder);
            run.published = true;
            discardStaging(run);
        }
        run.copyMillis += (System.nanoTime() - t0) / 1_000_000;
        FaultInjection.reach(FaultPoint.REPLICATION_AFTER_PUBLISH, run.record.id);
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

    /**
     * Step validate: re-reads the replica from the target and compares it with the source selection; the
     * result (status PASSED or FAILED, each check) goes into the record.
     *
     * @throws Exception if the target cannot be listed or read at all (a replica that reads wrong is a FAILED check)
     */
    void validate(ReplicationRun run) throws Exception {
        long t0 = System.nanoTime();
        Replication r = run.record;
        ReplicaTarget target = run.target;
        List<Map<String, Object>> checks = new ArrayList<>();
        TableSchema selection = run.selection;
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
        run.validateMillis = (System.nanoTime() - t0) / 1_000_000;
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
