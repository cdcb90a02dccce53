package io.lakehub.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * An independent Delta log reader for tests: it reads the tables the hub writes without any code of
 * {@code io.lakehub.delta} or of a Delta library (no Delta Kernel, no delta-standalone), so the hub's own reader
 * does not grade itself. Only Hadoop's {@link FileSystem}, parquet-hadoop's example {@link GroupReadSupport} and
 * Jackson are used.
 *
 * <p>It implements these sections of the Delta protocol (PROTOCOL.md of delta-io/delta):
 * <ul>
 * <li><b>Delta Log Entries</b> / <b>Actions</b>: {@code _delta_log/<version %020d>.json}, one action per line
 * ({@code add}, {@code remove}, {@code metaData}, {@code protocol}, {@code txn}, {@code commitInfo});</li>
 * <li><b>Checkpoints</b> and <b>Last Checkpoint File</b>: the newest complete classic checkpoint
 * ({@code <v>.checkpoint.parquet} or all parts of {@code <v>.checkpoint.<i>.<n>.parquet}) at or before the
 * version asked for is read first, then the commits after it; {@code _last_checkpoint} is read as the hint it
 * is ({@link #lastCheckpointHint()}). V2 (UUID-named) checkpoints are refused;</li>
 * <li><b>Action Reconciliation</b>: the last {@code metaData} and {@code protocol} win, {@code txn} keeps the
 * newest version per {@code appId}, and the live files are the {@code add}s not followed by a {@code remove}
 * of the same path (paths compared URI-decoded);</li>
 * <li><b>Partition Value Serialization</b> and the Parquet physical types of <b>Primitive Types</b>: a row's
 * partition columns come from its {@code add.partitionValues}, its other columns from the data file.</li>
 * </ul>
 *
 * <p>Row values are Java objects: {@code long} → {@link Long}, {@code integer} → {@link Integer}, {@code short}
 * → {@link Short}, {@code byte} → {@link Byte}, {@code double}/{@code float} → {@link Double}/{@link Float},
 * {@code boolean} → {@link Boolean}, {@code string} → {@link String}, {@code binary} → {@code byte[]},
 * {@code decimal(p,s)} → {@link BigDecimal} at scale s (INT32, INT64 or (fixed-length) binary), {@code date}
 * → {@link LocalDate}, {@code timestamp} → {@link Instant} (INT96 or INT64 micros/millis),
 * {@code timestamp_ntz} → {@link LocalDateTime}, {@code array} → {@link List} (three-level or legacy
 * two-level LIST), {@code map} → {@link LinkedHashMap}, {@code struct} → {@link LinkedHashMap} by field name;
 * null is {@code null}.
 *
 * <p>Tables the hub writes use neither deletion vectors nor column mapping: {@link Snapshot#rows()} refuses
 * both with an {@link UnsupportedOperationException} naming the feature (the log itself is still read).
 */
public final class DeltaLogReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint(?:\\.(\\d{10})\\.(\\d{10}))?\\.parquet");
    private static final Pattern V2_CHECKPOINT = Pattern.compile("\\d{20}\\.checkpoint\\.[0-9a-fA-F-]{36}\\.(json|parquet)");

    private final Configuration conf;
    private final Path table;
    private final Path log;

    private DeltaLogReader(Configuration conf, Path table) {
        this.conf = conf;
        this.table = table;
        this.log = new Path(table, "_delta_log");
    }

    /** A reader of the table at {@code table} (any Hadoop file system {@code conf} knows). */
    public static DeltaLogReader forTable(Configuration conf, Path table) {
        return new DeltaLogReader(conf, table);
    }

    /** The table's folder. */
    public Path table() {
        return table;
    }

    /**
     * The newest version: the highest commit file, or the highest checkpoint when commits before it were cleaned.
     *
     * @throws IllegalStateException when the table has no {@code _delta_log} entry
     */
    public long latestVersion() {
        Listing l = list();
        long v = Math.max(l.commits.isEmpty() ? -1 : l.commits.last(), l.checkpoints.isEmpty() ? -1 : l.checkpoints.lastKey());
        if (v < 0) {
            throw new IllegalStateException("no Delta log under " + log);
        }
        return v;
    }

    /**
     * The version {@code _last_checkpoint} names, or {@code null} when the file is absent (protocol: a hint only,
     * a reader must not rely on it).
     */
    public Long lastCheckpointHint() {
        Path p = new Path(log, "_last_checkpoint");
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                return null;
            }
            try (FSDataInputStream in = fs.open(p)) {
                return JSON.readTree(in).path("version").asLong();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The latest snapshot. */
    public Snapshot latest() {
        return snapshot(latestVersion());
    }

    /**
     * The snapshot at {@code version}, reconciled from the newest complete checkpoint ≤ version and the commits after it.
     *
     * @throws IllegalArgumentException when the version is not in the log (a missing commit file included)
     */
    public Snapshot snapshot(long version) {
        Listing l = list();
        Map.Entry<Long, List<Path>> cp = l.checkpoints.floorEntry(version);
        Snapshot s = new Snapshot(version);
        long from = 0;
        if (cp != null) {
            for (Path part : cp.getValue()) {
                readCheckpoint(part, s);
            }
            from = cp.getKey() + 1;
        }
        for (long v = from; v <= version; v++) {
            if (!l.commits.contains(v)) {
                throw new IllegalArgumentException("version " + v + " of " + table + " has no commit file (asked for " + version + ")");
            }
            for (JsonNode action : commitActions(v)) {
                s.apply(action, v);
            }
        }
        if (s.metadata == null || s.protocol == null) {
            throw new IllegalStateException("version " + version + " of " + table + " has no metaData or protocol");
        }
        return s;
    }

    /** The actions of one commit file, in file order (each an object with one key: add, remove, metaData, ...). */
    public List<JsonNode> commitActions(long version) {
        Path p = new Path(log, String.format("%020d.json", version));
        List<JsonNode> out = new ArrayList<>();
        try (FSDataInputStream in = p.getFileSystem(conf).open(p);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + p, e);
        }
        return out;
    }

    /** The modification time of a commit file, epoch milliseconds. */
    public long commitFileTime(long version) {
        Path p = new Path(log, String.format("%020d.json", version));
        try {
            return p.getFileSystem(conf).getFileStatus(p).getModificationTime();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Listing(TreeSet<Long> commits, TreeMap<Long, List<Path>> checkpoints) {
    }

    private Listing list() {
        TreeSet<Long> commits = new TreeSet<>();
        TreeMap<Long, List<Path>> checkpoints = new TreeMap<>();
        Map<Long, TreeMap<Integer, Path>> parts = new TreeMap<>();
        Map<Long, Integer> partCount = new TreeMap<>();
        try {
            FileSystem fs = log.getFileSystem(conf);
            if (!fs.exists(log)) {
                return new Listing(commits, checkpoints);
            }
            for (FileStatus f : fs.listStatus(log)) {
                String name = f.getPath().getName();
                Matcher m = COMMIT.matcher(name);
                if (m.matches()) {
                    commits.add(Long.parseLong(m.group(1)));
                    continue;
                }
                if (V2_CHECKPOINT.matcher(name).matches()) {
                    throw new UnsupportedOperationException("V2 checkpoint " + name + " in " + log + " is not read by this test reader");
                }
                m = CHECKPOINT.matcher(name);
                if (m.matches()) {
                    long v = Long.parseLong(m.group(1));
                    if (m.group(2) == null) {
                        checkpoints.put(v, List.of(f.getPath()));
                    } else {
                        parts.computeIfAbsent(v, k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), f.getPath());
                        partCount.put(v, Integer.parseInt(m.group(3)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a multi-part checkpoint counts only when every part is there (protocol: "Checkpoints")
        parts.forEach((v, p) -> {
            if (p.size() == partCount.get(v) && !checkpoints.containsKey(v)) {
                checkpoints.put(v, List.copyOf(p.values()));
            }
        });
        return new Listing(commits, checkpoints);
    }

    private void readCheckpoint(Path part, Snapshot s) {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), part).withConf(conf).build()) {
            for (Group row = reader.read(); row != null; row = reader.read()) {
                GroupType type = row.getType();
                for (int i = 0; i < type.getFieldCount(); i++) {
                    if (row.getFieldRepetitionCount(i) == 0) {
                        continue;
                    }
                    String action = type.getFieldName(i);
                    if (action.equals("add") || action.equals("remove") || action.equals("metaData") || action.equals("protocol")
                            || action.equals("txn")) {
                        ObjectNode node = JsonNodeFactory.instance.objectNode();
                        node.set(action, checkpointJson(row.getGroup(i, 0), type.getType(i).asGroupType()));
                        s.apply(node, -1);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoint " + part, e);
        }
    }

    /** A checkpoint struct as the JSON its commit action would have been (maps as objects, lists as arrays). */
    private static JsonNode checkpointJson(Group g, GroupType type) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type t = type.getType(i);
            if (g.getFieldRepetitionCount(i) == 0 || t.getName().endsWith("_parsed")) {
                continue; // stats_parsed / partitionValues_parsed repeat what stats / partitionValues say
            }
            out.set(t.getName(), checkpointValue(g, i, 0, t));
        }
        return out;
    }

    private static JsonNode checkpointValue(Group g, int i, int r, Type t) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (t.isPrimitive()) {
            return switch (t.asPrimitiveType().getPrimitiveTypeName()) {
                case INT64 -> f.numberNode(g.getLong(i, r));
                case INT32 -> f.numberNode(g.getInteger(i, r));
                case BOOLEAN -> f.booleanNode(g.getBoolean(i, r));
                case DOUBLE -> f.numberNode(g.getDouble(i, r));
                case FLOAT -> f.numberNode(g.getFloat(i, r));
                case BINARY -> f.textNode(g.getString(i, r));
                default -> throw new UnsupportedOperationException("checkpoint column " + t);
            };
        }
        Group child = g.getGroup(i, r);
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        if (a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            ObjectNode m = f.objectNode();
            GroupType kv = t.asGroupType().getType(0).asGroupType();
            for (int k = 0; k < child.getFieldRepetitionCount(0); k++) {
                Group e = child.getGroup(0, k);
                m.set(e.getString(0, 0), e.getFieldRepetitionCount(1) == 0 ? f.nullNode() : checkpointValue(e, 1, 0, kv.getType(1)));
            }
            return m;
        }
        if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            ArrayNode arr = f.arrayNode();
            Type repeated = t.asGroupType().getType(0);
            for (int k = 0; k < child.getFieldRepetitionCount(0); k++) {
                if (repeated.isPrimitive()) {
                    arr.add(checkpointValue(child, 0, k, repeated));
                } else {
                    Group e = child.getGroup(0, k);
                    arr.add(e.getFieldRepetitionCount(0) == 0 ? f.nullNode() : checkpointValue(e, 0, 0, repeated.asGroupType().getType(0)));
                }
            }
            return arr;
        }
        return checkpointJson(child, t.asGroupType());
    }

    /** One file a snapshot reads: the {@code add} action's fields. */
    public record AddFile(String path, Map<String, String> partitionValues, long size, long modificationTime, boolean dataChange,
            String stats, JsonNode deletionVector, Map<String, String> tags) {
    }

    /** A table's state at one version (protocol section "Action Reconciliation"). */
    public final class Snapshot {

        private final long version;
        private final Map<String, AddFile> files = new LinkedHashMap<>();
        private final Map<String, Long> txn = new TreeMap<>();
        private final Map<Long, JsonNode> commitInfo = new TreeMap<>();
        private JsonNode metadata;
        private JsonNode protocol;

        private Snapshot(long version) {
            this.version = version;
        }

        private void apply(JsonNode action, long commitVersion) {
            if (action.has("add")) {
                JsonNode a = action.get("add");
                files.put(key(a), new AddFile(a.path("path").asText(), stringMap(a.get("partitionValues")),
                        a.path("size").asLong(), a.path("modificationTime").asLong(), a.path("dataChange").asBoolean(true),
                        a.hasNonNull("stats") ? a.get("stats").asText() : null,
                        a.hasNonNull("deletionVector") ? a.get("deletionVector") : null, stringMap(a.get("tags"))));
            } else if (action.has("remove")) {
                files.remove(key(action.get("remove")));
            } else if (action.has("metaData")) {
                metadata = action.get("metaData");
            } else if (action.has("protocol")) {
                protocol = action.get("protocol");
            } else if (action.has("txn")) {
                JsonNode t = action.get("txn");
                txn.put(t.path("appId").asText(), t.path("version").asLong());
            } else if (action.has("commitInfo") && commitVersion >= 0) {
                commitInfo.put(commitVersion, action.get("commitInfo"));
            }
        }

        /** The version. */
        public long version() {
            return version;
        }

        /** The live files, in the order they were added. */
        public List<AddFile> files() {
            return List.copyOf(files.values());
        }

        /** The {@code metaData} action (id, format, schemaString, partitionColumns, configuration, createdTime). */
        public JsonNode metadata() {
            return metadata;
        }

        /** The schema as Delta's JSON ({@code {"type":"struct","fields":[...]}}). */
        public JsonNode schema() {
            try {
                return JSON.readTree(metadata.path("schemaString").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The top-level column names of the schema, in order. */
        public List<String> columnNames() {
            List<String> out = new ArrayList<>();
            schema().path("fields").forEach(f -> out.add(f.path("name").asText()));
            return out;
        }

        /** The partition columns, in order. */
        public List<String> partitionColumns() {
            List<String> out = new ArrayList<>();
            metadata.path("partitionColumns").forEach(c -> out.add(c.asText()));
            return out;
        }

        /** The table properties ({@code metaData.configuration}). */
        public Map<String, String> configuration() {
            return stringMap(metadata.get("configuration"));
        }

        /** The {@code protocol} action ({@code minReaderVersion}, {@code minWriterVersion}, feature lists). */
        public JsonNode protocol() {
            return protocol;
        }

        /** The newest {@code txn} version per application id. */
        public Map<String, Long> txn() {
            return Collections.unmodifiableMap(txn);
        }

        /** The {@code commitInfo} of each commit read after the checkpoint (none for the checkpoint's own versions). */
        public Map<Long, JsonNode> commitInfo() {
            return Collections.unmodifiableMap(commitInfo);
        }

        /**
         * Every row of the live files, each a map from column name (schema order) to its Java value (see the class doc).
         *
         * @throws UnsupportedOperationException for column mapping or a deletion vector
         */
        public List<Map<String, Object>> rows() {
            String mode = configuration().getOrDefault("delta.columnMapping.mode", "none");
            if (!mode.equals("none")) {
                throw new UnsupportedOperationException("column mapping (" + mode + ") is not read by this test reader: " + table);
            }
            JsonNode fields = schema().path("fields");
            List<String> partitions = partitionColumns();
            List<Map<String, Object>> out = new ArrayList<>();
            for (AddFile f : files.values()) {
                if (f.deletionVector() != null) {
                    throw new UnsupportedOperationException("deletion vectors are not read by this test reader: " + f.path());
                }
                Path file = dataPath(f.path());
                try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
                    for (Group g = reader.read(); g != null; g = reader.read()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (JsonNode field : fields) {
                            String name = field.path("name").asText();
                            if (partitions.contains(name)) {
                                row.put(name, partitionValue(field.get("type"), f.partitionValues().get(name)));
                            } else {
                                GroupType gt = g.getType();
                                row.put(name, gt.containsField(name) && g.getFieldRepetitionCount(name) > 0
                                        ? value(g, gt.getFieldIndex(name), 0, field.get("type")) : null);
                            }
                        }
                        out.add(row);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("reading " + file, e);
                }
            }
            return out;
        }
    }

    private Path dataPath(String path) {
        URI uri = URI.create(path);
        return uri.isAbsolute() ? new Path(uri) : new Path(table, uri.getPath());
    }

    /**
     * The reconciliation key of an add or remove: its URI-decoded path and its deletion vector's unique id
     * (protocol "Deletion Vector Descriptor Schema": storageType + pathOrInlineDv, then "@" + offset when set).
     */
    private static String key(JsonNode action) {
        String path = action.path("path").asText();
        try {
            path = URI.create(path).getPath();
        } catch (IllegalArgumentException e) {
            // kept as written
        }
        JsonNode dv = action.get("deletionVector");
        if (dv == null || dv.isNull()) {
            return path;
        }
        String id = dv.path("storageType").asText() + dv.path("pathOrInlineDv").asText();
        return path + "\u0000" + (dv.hasNonNull("offset") ? id + "@" + dv.get("offset").asText() : id);
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        }
        return out;
    }

    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");

    /** A partition value from its serialized text (protocol "Partition Value Serialization"); null or "" is null. */
    static Object partitionValue(JsonNode type, String text) {
        if (text == null || (text.isEmpty() && !type.asText().equals("string"))) {
            return null;
        }
        String t = type.asText();
        Matcher d = DECIMAL.matcher(t);
        if (d.matches()) {
            return new BigDecimal(text).setScale(Integer.parseInt(d.group(2)));
        }
        return switch (t) {
            case "string" -> text;
            case "long" -> Long.parseLong(text);
            case "integer" -> Integer.parseInt(text);
            case "short" -> Short.parseShort(text);
            case "byte" -> Byte.parseByte(text);
            case "double" -> Double.parseDouble(text);
            case "float" -> Float.parseFloat(text);
            case "boolean" -> Boolean.parseBoolean(text);
            case "date" -> LocalDate.parse(text);
            case "timestamp" -> text.endsWith("Z") ? Instant.parse(text)
                    : LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            case "timestamp_ntz" -> LocalDateTime.parse(text.replace(' ', 'T'));
            default -> throw new UnsupportedOperationException("partition column of type " + t);
        };
    }

    /** The value of repetition {@code r} of field {@code i} of {@code g} (present), as the Delta type {@code type} says. */
    private static Object value(Group g, int i, int r, JsonNode type) {
        Type pt = g.getType().getType(i);
        if (type.isObject()) {
            Group child = g.getGroup(i, r);
            GroupType ct = pt.asGroupType();
            switch (type.path("type").asText()) {
                case "array": {
                    List<Object> out = new ArrayList<>();
                    JsonNode element = type.get("elementType");
                    Type repeated = ct.getType(0);
                    boolean threeLevel = !repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
                            && !repeated.getName().equals("array") && !repeated.getName().endsWith("_tuple");
                    for (int k = 0; k < child.getFieldRepetitionCount(0); k++) {
                        if (threeLevel) {
                            Group e = child.getGroup(0, k);
                            out.add(e.getFieldRepetitionCount(0) == 0 ? null : value(e, 0, 0, element));
                        } else {
                            out.add(value(child, 0, k, element)); // legacy two-level list
                        }
                    }
                    return out;
                }
                case "map": {
                    Map<Object, Object> out = new LinkedHashMap<>();
                    for (int k = 0; k < child.getFieldRepetitionCount(0); k++) {
                        Group e = child.getGroup(0, k);
                        out.put(value(e, 0, 0, type.get("keyType")),
                                e.getFieldRepetitionCount(1) == 0 ? null : value(e, 1, 0, type.get("valueType")));
                    }
                    return out;
                }
                case "struct": {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (JsonNode f : type.path("fields")) {
                        String n = f.path("name").asText();
                        out.put(n, ct.containsField(n) && child.getFieldRepetitionCount(n) > 0
                                ? value(child, ct.getFieldIndex(n), 0, f.get("type")) : null);
                    }
                    return out;
                }
                default:
                    throw new UnsupportedOperationException("Delta type " + type);
            }
        }
        String t = type.asText();
        PrimitiveType p = pt.asPrimitiveType();
        Matcher d = DECIMAL.matcher(t);
        if (d.matches()) {
            int scale = Integer.parseInt(d.group(2));
            return switch (p.getPrimitiveTypeName()) {
                case INT32 -> BigDecimal.valueOf(g.getInteger(i, r), scale);
                case INT64 -> BigDecimal.valueOf(g.getLong(i, r), scale);
                case BINARY, FIXED_LEN_BYTE_ARRAY -> new BigDecimal(new BigInteger(g.getBinary(i, r).getBytes()), scale);
                default -> throw new UnsupportedOperationException("decimal stored as " + p);
            };
        }
        return switch (t) {
            case "long" -> g.getLong(i, r);
            case "integer" -> g.getInteger(i, r);
            case "short" -> (short) g.getInteger(i, r);
            case "byte" -> (byte) g.getInteger(i, r);
            case "double" -> g.getDouble(i, r);
            case "float" -> g.getFloat(i, r);
            case "boolean" -> g.getBoolean(i, r);
            case "string" -> g.getString(i, r);
            case "binary" -> g.getBinary(i, r).getBytes();
            case "date" -> LocalDate.ofEpochDay(g.getInteger(i, r));
            case "timestamp" -> timestamp(g, i, r, p).toInstant(ZoneOffset.UTC);
            case "timestamp_ntz" -> timestamp(g, i, r, p);
            default -> throw new UnsupportedOperationException("Delta type " + t);
        };
    }

    /** An INT96 (Julian day + nanos of day, little endian) or INT64 (micros / millis / nanos) timestamp, as UTC wall clock. */
    private static LocalDateTime timestamp(Group g, int i, int r, PrimitiveType p) {
        if (p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
            Binary b = g.getInt96(i, r);
            ByteBuffer buf = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long nanosOfDay = buf.getLong();
            int julianDay = buf.getInt();
            return LocalDate.ofEpochDay(julianDay - 2_440_588L).atStartOfDay().plusNanos(nanosOfDay);
        }
        long raw = g.getLong(i, r);
        LogicalTypeAnnotation.TimeUnit unit = p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                ? ts.getUnit() : LogicalTypeAnnotation.TimeUnit.MICROS;
        Instant instant = switch (unit) {
            case MILLIS -> Instant.ofEpochMilli(raw);
            case MICROS -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1_000L);
            case NANOS -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L), Math.floorMod(raw, 1_000_000_000L));
        };
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
