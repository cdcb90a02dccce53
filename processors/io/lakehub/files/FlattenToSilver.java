package io.lakehub.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakehub.delta.DataFile;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.files.FilesProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.delta.StagedLoad;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.VersionDiff;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Step 2 of files-ingest: flattens a bronze file into the silver tables of its declared kind.
 *
 * <p>Reads: exchange variable {@value FileRun#VARIABLE} (after {@link ConvertToBronze}) and its bronze
 * Parquet file. Writes: the main table {@code silver/<table>} (the declared scalar columns, typed) and
 * one bridge table per comma-joined column ({@code silver/<bridge>(<key>, <element>)}, one row per
 * element: {@code genres = "Animation,Short"} gives two rows), as Delta tables.
 *
 * <p>Every bronze file of the run (one per zip entry) goes into the same commits. A JSON kind's bronze rows
 * are record texts: the columns are read by field path, the bridged arrays give one row per element, and
 * the fields nothing names go to {@value DeclaredSchema#RESCUED} ({@link JsonRows}).
 *
 * <p>A kind of {@code mode: merge} (files of a few records, such as one product) is upserted instead: one
 * copy-on-write MERGE by the row keys per table ({@link DeltaTable#commitLoad}, {@code txn} app id
 * {@code lakehub-files-<table>}); bridge tables by {@code (key, element)}, so an element dropped from a
 * record stays until a full load. A key twice in one file of a merge kind quarantines the file.
 *
 * <p>An IMDB file (mode overwrite) is a full snapshot, so each table is replaced in one Delta commit
 * ({@link DeltaTable#commitOverwrite}, a new version; time travel keeps the previous dump). All tables
 * are staged before the first commit, so a failure while reading or writing leaves every table as it
 * was; the commits of the tables of one file follow each other (Delta has no multi-table commit), and
 * a retry of the file rewrites them all. {@code commitInfo.userMetadata} holds the lineage: source file,
 * its size and time, bronze file, run id. Each commit also sets the table property
 * {@code lakehub.keys} (the kind's row keys; {@code key,element} for a bridge table), so a version diff
 * needs no key columns. A file of no declared kind is left at bronze.
 *
 * <p>A dump with no rows, or far fewer than the main table holds, is held in quarantine before anything
 * is staged ({@link #holdSuspiciousDump}; kind settings {@code allow-empty}, {@code min-rows-ratio}).
 *
 * <p>Settings: {@code lakehub.files.rows-per-file} (rows per silver data file). Memory: one Parquet row
 * group per open table writer. Failure: an exception; staged data files are deleted.
 */
@Component("flattenToSilver")
public class FlattenToSilver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FlattenToSilver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LakeStorage lake;
    private final FilesProperties props;

    public FlattenToSilver(LakeStorage lake, FilesProperties props) {
        this.lake = lake;
        this.props = props;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        FileRun run = exchange.getVariable(FileRun.VARIABLE, FileRun.class);
        if (run.schema == null) {
            LOG.info("files-ingest {}: no declared kind for {}, bronze only", run.runId, run.fileName);
            return;
        }
        if (run.replayed) {
            return;
        }
        DeclaredSchema schema = run.schema;
        holdSuspiciousDump(run, schema);
        if (schema.mode() == FilesProperties.WriteMode.MERGE && run.rows == 0) {
            LOG.info("files-ingest {}: {} has no good record to merge, silver unchanged", run.runId, run.fileName);
            return;
        }
        boolean merge = schema.mode() == FilesProperties.WriteMode.MERGE;
        List<Staged> staged = new ArrayList<>();
        staged.add(new Staged(new DeltaTable(lake, schema.table()), schema.mainSchema(), schema.rowKeys(), merge));
        for (DeclaredSchema.Bridge b : schema.bridges()) {
            staged.add(new Staged(new DeltaTable(lake, b.table()), schema.bridgeSchema(b), schema.rowKeys(b), merge));
        }
        boolean committed = false;
        try {
            for (FileRun.Part part : run.parts) {
                if (part.format() == DumpReader.Format.JSON || part.format() == DumpReader.Format.JSONL) {
                    stageJson(part, schema, staged);
                } else {
                    stage(part, schema, staged);
                }
            }
            for (Staged s : staged) {
                s.finish();
            }
            String lineage = lineage(run);
            for (Staged s : staged) {
                Map<String, String> keys = Map.of(VersionDiff.KEYS_PROPERTY, String.join(",", s.keys));
                if (merge) {
                    String appId = "lakehub-files-" + s.table.name();
                    long loadVersion = s.table.exists() ? s.table.txnVersion(appId) + 1 : 0;
                    DeltaTable.CommitOutcome out = s.table.commitLoad(s.load, appId, Math.max(loadVersion, 0), keys, List.of(), lineage, 2);
                    run.versions.put(s.table.name(), out.version());
                    run.tableRows.put(s.table.name(), s.rows);
                } else {
                    DeltaTable.AppendOutcome out = s.table.commitOverwrite(s.files, s.rows, s.schema, keys, lineage);
                    run.versions.put(s.table.name(), out.version());
                    run.tableRows.put(s.table.name(), s.rows);
                }
            }
            committed = true;
        } finally {
            if (!committed) {
                for (Staged s : staged) {
                    s.abandon();
                }
            }
        }
        LOG.info("files-ingest {}: {} silver {}", run.runId, run.fileName, run.versions);
    }

    /**
     * Holds a dump that would empty or shrink its tables, before anything is staged: no data rows unless
     * the kind has {@code allow-empty}, or fewer rows than {@code min-rows-ratio} times the rows the main
     * table holds now (from the file statistics of its latest version; no check for a new table or one
     * without statistics). IMDB's dumps only grow from day to day, so a dump far below the current one
     * is a cut or partial export rather than news.
     *
     * @throws HeldDumpException naming the rule, the counts and the version the table keeps
     */
    void holdSuspiciousDump(FileRun run, DeclaredSchema schema) {
        String where = "lakehub.files.kinds[" + schema.kind() + "]";
        DeltaTable main = new DeltaTable(lake, schema.table());
        TableSnapshot current = main.exists() ? main.latest() : null;
        String keeps = current == null ? "no table is created" : schema.table() + " keeps version " + current.version();
        if (schema.mode() == FilesProperties.WriteMode.MERGE) {
            // a merge file adds to the table: a small file is the normal case, not a cut snapshot
            return;
        }
        if (run.rows == 0) {
            if (!schema.allowEmpty()) {
                throw new HeldDumpException("no data rows: the file holds only its header, and " + where
                        + ".allow-empty is false; " + keeps, "allow-empty");
            }
            return;
        }
        if (schema.minRowsRatio() <= 0 || current == null) {
            return;
        }
        long rows = 0;
        for (DataFile f : current.files()) {
            long n = f.numRecords();
            if (n < 0) {
                return;
            }
            rows += n;
        }
        if (run.rows < schema.minRowsRatio() * rows) {
            throw new HeldDumpException("too few rows: " + run.rows + " rows where " + schema.table() + " has " + rows
                    + " at version " + current.version() + ", below " + where + ".min-rows-ratio " + schema.minRowsRatio()
                    + " of them; " + keeps, "min-rows-ratio");
        }
    }

    /** Reads one text bronze file once and writes its rows into every table's staged files. */
    private void stage(FileRun.Part part, DeclaredSchema schema, List<Staged> staged) throws IOException {
        List<String> header = part.header();
        Column[] bronzeFields = new Column[header.size()];
        for (int i = 0; i < bronzeFields.length; i++) {
            bronzeFields[i] = new Column(header.get(i), ColumnType.STRING, true);
        }
        List<DeclaredSchema.Column> columns = schema.columns();
        int[] from = new int[columns.size()];
        for (int i = 0; i < from.length; i++) {
            from[i] = header.indexOf(columns.get(i).name());
        }
        int key = header.indexOf(schema.key());
        DeclaredSchema.Type keyType = columns.get(indexOf(columns, schema.key())).type();
        int[] bridged = new int[schema.bridges().size()];
        for (int i = 0; i < bridged.length; i++) {
            bridged[i] = header.indexOf(schema.bridges().get(i).column());
        }
        long rowsPerFile = props.getRowsPerFile();
        try (ParquetRowReader reader = new ParquetRowReader(lake.path(part.bronze()), lake.conf(), TableSchema.of(bronzeFields))) {
            Object[] in;
            while ((in = reader.next()) != null) {
                Object[] out = new Object[from.length];
                for (int i = 0; i < from.length; i++) {
                    out[i] = DeclaredSchema.parse(columns.get(i).type(), (String) in[from[i]]);
                }
                staged.get(0).write(out, rowsPerFile);
                Object keyValue = DeclaredSchema.parse(keyType, (String) in[key]);
                for (int b = 0; b < bridged.length; b++) {
                    String joined = (String) in[bridged[b]];
                    if (joined == null || joined.isEmpty()) {
                        continue;
                    }
                    java.util.Collection<String> elements = staged.get(b + 1).merge ? new java.util.LinkedHashSet<>() : new ArrayList<>();
                    int start = 0;
                    while (start <= joined.length()) {
                        int comma = joined.indexOf(',', start);
                        int end = comma < 0 ? joined.length() : comma;
                        if (end > start) {
                            elements.add(joined.substring(start, end));
                        }
                        start = end + 1;
                    }
                    for (String e : elements) {
                        staged.get(b + 1).write(new Object[] {keyValue, e}, rowsPerFile);
                    }
                }
            }
        }
    }

    /** Reads one JSON bronze file (one record's JSON text per row) and writes every table's staged rows ({@link JsonRows}). */
    private void stageJson(FileRun.Part part, DeclaredSchema schema, List<Staged> staged) throws IOException {
        TableSchema bronze = TableSchema.of(new Column[] {new Column(JsonRecordReader.VALUE, ColumnType.STRING, true)});
        List<DeclaredSchema.Column> columns = schema.columns();
        int key = indexOf(columns, schema.key());
        long rowsPerFile = props.getRowsPerFile();
        try (ParquetRowReader reader = new ParquetRowReader(lake.path(part.bronze()), lake.conf(), bronze)) {
            Object[] in;
            while ((in = reader.next()) != null) {
                com.fasterxml.jackson.databind.node.ObjectNode record = JsonRows.parse((String) in[0]);
                Object[] out = JsonRows.mainRow(schema, record);
                staged.get(0).write(out, rowsPerFile);
                for (int b = 0; b < schema.bridges().size(); b++) {
                    java.util.Collection<String> elements = JsonRows.elements(schema.bridges().get(b), record);
                    if (staged.get(b + 1).merge) {
                        elements = new java.util.LinkedHashSet<>(elements);
                    }
                    for (String e : elements) {
                        staged.get(b + 1).write(new Object[] {out[key], e}, rowsPerFile);
                    }
                }
            }
        }
    }

    private static int indexOf(List<DeclaredSchema.Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no declared column " + name);
    }

    /** Commits of a table searched for a file's idempotence key, newest first. */
    static final int REPLAY_HISTORY = 100;

    /**
     * Whether every table of the run's kind holds a files-ingest commit of this very file among its last
     * {@value #REPLAY_HISTORY} commits: the file's idempotence key in the commit's lineage, which is the
     * file name and, for a blob or ADLS file, its ETag (it changes with every write, Azure "Managing
     * concurrency in Blob storage"), for a local file its size and modification time. Then a previous
     * attempt committed the file and stopped before archiving it (a crash, fault point
     * {@link io.lakehub.faults.FaultPoint#FILES_BEFORE_ARCHIVE}), and the file is not written again
     * (DESIGN.md invariant 3), not even when a later dump of the kind was committed meanwhile, which it
     * must not replace with an older one. Fills the run's versions and row counts from those commits.
     */
    static boolean alreadyCommitted(LakeStorage lake, FileRun run) {
        List<String> tables = new ArrayList<>();
        tables.add(run.schema.table());
        run.schema.bridges().forEach(b -> tables.add(b.table()));
        java.util.Map<String, Long> versions = new java.util.LinkedHashMap<>();
        java.util.Map<String, Long> rows = new java.util.LinkedHashMap<>();
        for (String name : tables) {
            DeltaTable table = new DeltaTable(lake, name);
            if (!table.exists()) {
                return false;
            }
            java.util.Map<String, Object> found = null;
            for (java.util.Map<String, Object> commit : table.history(REPLAY_HISTORY)) {
                if (commit.get("userMetadata") instanceof java.util.Map<?, ?> m && sameFile(m, run)) {
                    found = commit;
                    break;
                }
            }
            if (found == null) {
                return false;
            }
            java.util.Map<?, ?> m = (java.util.Map<?, ?>) found.get("userMetadata");
            if (name.equals(run.schema.table()) && m.get("sourceRows") instanceof Number sourceRows) {
                run.rows = sourceRows.longValue();
            }
            versions.put(name, (Long) found.get("version"));
            Object out = ((java.util.Map<?, ?>) found.get("operationMetrics")).get("numOutputRows");
            rows.put(name, out == null ? 0L : Long.parseLong(out.toString()));
        }
        run.versions.putAll(versions);
        run.tableRows.putAll(rows);
        return true;
    }

    /** Whether a commit's lineage names the run's file: same name and ETag, or same name, size and time (see above). */
    private static boolean sameFile(java.util.Map<?, ?> m, FileRun run) {
        if (!"files-ingest".equals(m.get("flow")) || !run.fileName.equals(m.get("sourceFile"))) {
            return false;
        }
        String etag = run.source.version();
        if (etag != null) {
            return etag.equals(m.get("sourceETag")) && run.source.location().equals(m.get("sourceLocation"));
        }
        return m.get("sourceETag") == null && m.get("sourceBytes") instanceof Number n && n.longValue() == run.size
                && run.modified.toString().equals(m.get("sourceModified"));
    }

    private static String lineage(FileRun run) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("flow", "files-ingest");
        n.put("runId", run.runId);
        n.put("kind", run.kind);
        n.put("landing", run.landing());
        n.put("sourceFile", run.fileName);
        n.put("sourceLocation", run.location());
        if (run.source.version() != null) {
            n.put("sourceETag", run.source.version());
        }
        n.put("sourceBytes", run.size);
        n.put("sourceModified", run.modified.toString());
        n.put("bronzeFile", run.bronze);
        n.put("sourceRows", run.rows);
        return JSON.writeValueAsString(n);
    }

    /** The staged files of one table. */
    private final class Staged {
        final DeltaTable table;
        final TableSchema schema;
        /** The columns that identify a row, the table's {@code lakehub.keys}. */
        final List<String> keys;
        final List<DataFile> files = new ArrayList<>();
        /** Merge mode: the staged load (keys and files) that {@link DeltaTable#commitLoad} MERGEs; null for an overwrite. */
        final StagedLoad load;
        final boolean merge;
        ParquetRowWriter writer;
        long rows;

        Staged(DeltaTable table, TableSchema schema, List<String> keys, boolean merge) {
            this.table = table;
            this.schema = schema;
            this.keys = keys;
            this.merge = merge;
            this.load = merge ? new StagedLoad(schema, keys) : null;
        }

        void write(Object[] row, long rowsPerFile) throws IOException {
            if (merge) {
                try {
                    load.addKey(row);
                } catch (IllegalStateException e) {
                    throw new MalformedFileException("cannot merge into " + table.name() + " by " + String.join(", ", keys) + ": "
                            + e.getMessage() + " (a file of a merge kind holds each key once)", 0);
                }
            }
            if (writer == null) {
                writer = new ParquetRowWriter(table.path(), lake.conf(), schema);
            }
            writer.write(row);
            rows++;
            if (writer.rows() >= rowsPerFile) {
                add(writer.finish());
                writer = null;
            }
        }

        private void add(DataFile f) {
            files.add(f);
            if (merge) {
                load.addFile(f);
            }
        }

        void finish() throws IOException {
            if (writer != null) {
                add(writer.finish());
                writer = null;
            }
        }

        void abandon() {
            if (writer != null) {
                try {
                    writer.delete();
                } catch (IOException | RuntimeException ignored) {
                    // an unreferenced data file is harmless; VACUUM removes it
                }
            }
            table.deleteUnreferenced(files);
        }
    }
}
