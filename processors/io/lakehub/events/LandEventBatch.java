package io.lakehub.events;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakehub.delta.DataFile;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Lands one Kafka batch of the events flow: bronze, validation, quarantine, silver, then the offsets.
 *
 * <p>Reads: the body of a camel-kafka batching exchange ({@code batching=true}), a {@code List<Exchange>}
 * with one exchange per record carrying headers {@code kafka.TOPIC}, {@code kafka.PARTITION},
 * {@code kafka.OFFSET}, {@code kafka.TIMESTAMP} (enqueued time, ms), {@code kafka.KEY},
 * {@code CamelKafkaManualCommit} and a String body (the event payload).
 *
 * <p>Per batch, in this order (DESIGN.md invariants 1 to 4):
 * <ol>
 *   <li>Records are grouped by partition; those at or below the partition's {@code txn} version in
 *       {@code silver/events_<hub>} (app id {@code lakehub-events-<hub>-<partition>}) were committed
 *       before (a replay after a crash between the Delta commit and the offset commit) and are skipped.
 *       So is a line of a replay file ({@link EventRecord#replayed()}) at or below its replay's committed
 *       position in that partition ({@code txn} app id {@code lakehub-events-<hub>-replay-<replay>-<partition>},
 *       see {@link io.lakehub.events.generator.ReplayFile}): a restarted replay that published it again.</li>
 *   <li>Bronze: the raw records as Parquet (partition, offset, enqueued_time, key, body), one file per
 *       (enqueued minute, partition) at {@code bronze/events/<hub>/yyyy=/MM=/dd=/HH=/mm=/part-p<partition>-o<first>-<last>.parquet},
 *       written under {@code _staging/} and renamed, so a redelivered batch overwrites its file.</li>
 *   <li>Each payload is checked by {@link EventValidator}; invalid ones go as JSON lines (payload,
 *       failedRules, source position, enqueuedTime, quarantinedAt) to
 *       {@code quarantine/events/<hub>/yyyy=/MM=/dd=/HH=/part-p<partition>-o<first>-<last>.jsonl}.</li>
 *   <li>Valid ones are appended to {@code silver/events_<hub>} in one Delta commit that carries a
 *       {@code txn} per partition with the partition's last offset in the batch, and per (replay,
 *       partition) the last replayed position in the batch.</li>
 *   <li>The {@link EventCommitListener}s are called with the committed valid rows and the partitions'
 *       silver positions before and after (windowed aggregates); their failures are logged, not rethrown.</li>
 *   <li>Only then the offsets are committed to Kafka (synchronously, per partition).</li>
 * </ol>
 *
 * <p>Failure: any exception is rethrown before the offsets are committed; with the route's
 * {@code breakOnFirstError=true} camel-kafka reconnects and redelivers the batch from the last
 * committed offsets, and the {@code txn} versions keep silver free of duplicates. Thread-safe.
 *
 * <p>Several instances (one consumer group) share {@code silver/events_<hub>}: their commits touch
 * disjoint partitions and both land ({@link DeltaTable#commitAppend(List, long, TableSchema, Map, Map, String)}
 * retries past a concurrent commit). A partition that a rebalance moved to another instance while a
 * batch was in flight is caught twice: before its bronze files replace anything, and in the commit,
 * which requires each partition's {@code txn} version to be the one the batch was filtered against.
 * Either way the batch fails unacknowledged and is redelivered to the partitions' current owners.
 * Records of partitions the consumer no longer holds when the batch is processed are left to their new
 * owner, unlanded and unacknowledged.
 */
@Component("landEventBatch")
public class LandEventBatch implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(LandEventBatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Columns of the bronze Parquet files. */
    public static final TableSchema BRONZE_SCHEMA = TableSchema.of(
        new Column("partition", ColumnType.INTEGER, true),
        new Column("offset", ColumnType.LONG, true),
        new Column("enqueued_time", ColumnType.TIMESTAMP, true),
        new Column("key", ColumnType.STRING, true),
        new Column("body", ColumnType.STRING, true));

    /** Columns of the silver table {@code events_<hub>}. */
    public static final TableSchema SILVER_SCHEMA = TableSchema.of(
        new Column("partition", ColumnType.INTEGER, true),
        new Column("offset", ColumnType.LONG, true),
        new Column("enqueued_time", ColumnType.TIMESTAMP, true),
        new Column("event_type", ColumnType.STRING, true),
        new Column("event_time", ColumnType.TIMESTAMP, true),
        new Column("payload", ColumnType.STRING, true));

    /** Payload columns: nearly every value differs, a dictionary would cost time and be dropped. */
    private static final java.util.Set<String> PLAIN_COLUMNS = java.util.Set.of("body", "payload");

    private final LakeStorage lake;
    private final EventsProperties props;
    private final EventCounters counters;
    private final EventValidator validator;
    private final DeltaTable silver;
    private final List<EventCommitListener> listeners;

    /** A lander without commit listeners. */
    public LandEventBatch(LakeStorage lake, EventsProperties props, EventCounters counters) {
        this(lake, props, counters, List.of());
    }

    /**
     * @param listeners called in order after each silver commit, before the acknowledgement (e.g. the
     *                  windowed aggregates, {@link EventAggregator})
     */
    public LandEventBatch(LakeStorage lake, EventsProperties props, EventCounters counters,
                          List<EventCommitListener> listeners) {
        this.lake = lake;
        this.props = props;
        this.counters = counters;
        this.validator = new EventValidator(props);
        this.silver = new DeltaTable(lake, "events_" + props.getHub());
        this.listeners = List.copyOf(listeners);
    }

    /** The Spring constructor: every {@link EventCommitListener} bean, in {@code @Order}. */
    @org.springframework.beans.factory.annotation.Autowired
    public LandEventBatch(LakeStorage lake, EventsProperties props, EventCounters counters,
                          org.springframework.beans.factory.ObjectProvider<EventCommitListener> listeners) {
        this(lake, props, counters, listeners.orderedStream().toList());
    }

    /** Kafka record header naming the replay file a record's line comes from (UTF-8; set by the generator). */
    public static final String REPLAY_HEADER = "lakehub.replay";

    /** Kafka record header with the line's stable replay position (decimal text; {@link EventRecord.Replayed#position()}). */
    public static final String REPLAY_POSITION_HEADER = "lakehub.replay.position";

    /**
     * The {@code txn} app id of a replay file's lines in one partition: its version is the last replayed
     * position ({@link EventRecord.Replayed#position()}) committed there.
     */
    public static String replayAppId(String hub, String replay, int partition) {
        return "lakehub-events-" + hub + "-replay-" + replay + "-" + partition;
    }

    /** The {@code txn} app id of a partition. */
    public static String appId(String hub, int partition) {
        return "lakehub-events-" + hub + "-" + partition;
    }

    /**
     * Lands a camel-kafka batch (see the class comment), then commits each partition's offset through
     * the {@code CamelKafkaManualCommit} of its last record.
     *
     * @throws IllegalStateException if the route does not set {@code allowManualCommit=true}
     * @throws Exception any failure of {@link #land}; no offset is committed then
     */
    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> body = exchange.getMessage().getBody(List.class);
        List<EventRecord> records = new ArrayList<>();
        Map<Integer, KafkaManualCommit> lastCommit = new TreeMap<>();
        Map<Integer, Long> lastOffset = new TreeMap<>();
        Set<Integer> owned = null;
        boolean asked = false;
        Set<Integer> givenAway = new TreeSet<>();
        for (Object o : body == null ? List.of() : body) {
            Message m = ((Exchange) o).getMessage();
            if (!asked) {
                owned = assignedPartitions(m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class),
                        m.getHeader(KafkaConstants.TOPIC, String.class));
                asked = true;
            }
            Integer partition = m.getHeader(KafkaConstants.PARTITION, Integer.class);
            if (owned != null && !owned.contains(partition)) {
                givenAway.add(partition);
                continue;
            }
            Long ts = m.getHeader(KafkaConstants.TIMESTAMP, Long.class);
            Object key = m.getHeader(KafkaConstants.KEY);
            EventRecord r = new EventRecord(m.getHeader(KafkaConstants.TOPIC, String.class),
                    m.getHeader(KafkaConstants.PARTITION, Integer.class),
                    m.getHeader(KafkaConstants.OFFSET, Long.class),
                    ts == null || ts < 0 ? Instant.now() : Instant.ofEpochMilli(ts),
                    key == null ? null : key.toString(),
                    m.getBody(String.class),
                    replayed(m));
            records.add(r);
            if (r.position() >= lastOffset.getOrDefault(r.partition(), Long.MIN_VALUE)) {
                lastOffset.put(r.partition(), r.position());
                lastCommit.put(r.partition(), m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class));
            }
        }
        if (!givenAway.isEmpty()) {
            LOG.info("events {}: records of partitions {} were fetched before a consumer group rebalance gave them to another"
                    + " instance; left to it (it reads them from the committed offset)", props.getHub(), givenAway);
        }
        land(records);
        // durable first, then acknowledge: the offsets move only after the Delta commit
        for (KafkaManualCommit commit : lastCommit.values()) {
            if (commit == null) {
                throw new IllegalStateException("no CamelKafkaManualCommit header: the route needs allowManualCommit=true");
            }
            commit.commit();
        }
    }

    /** A record's replay headers, or null when it has none (or they are not readable). */
    private static EventRecord.Replayed replayed(Message m) {
        String replay = text(m.getHeader(REPLAY_HEADER));
        String position = text(m.getHeader(REPLAY_POSITION_HEADER));
        if (replay == null || position == null) {
            return null;
        }
        try {
            return new EventRecord.Replayed(replay, Long.parseLong(position.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(Object header) {
        if (header instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return header == null ? null : header.toString();
    }

    /**
     * The partitions of {@code topic} the Kafka consumer behind a record holds now. camel-kafka fills a
     * batch over several polls, so a batch can hold records fetched before a consumer group rebalance
     * took their partition away (KafkaConsumer#poll revokes partitions, KIP-429 for the cooperative
     * protocol); the new owner reads them again from the committed offset, and this instance must
     * neither land them in parallel nor commit their offsets under the new owner.
     *
     * @return the partition numbers (empty: the consumer holds none, e.g. it left the group), or
     *         null (all are taken as owned) when the commit handle exposes no consumer or is not on its polling thread
     */
    private static Set<Integer> assignedPartitions(KafkaManualCommit commit, String topic) {
        if (commit instanceof DefaultKafkaManualCommit d && d.getConsumer() != null) {
            try {
                Set<Integer> out = new TreeSet<>();
                for (TopicPartition tp : d.getConsumer().assignment()) {
                    if (tp.topic().equals(topic)) {
                        out.add(tp.partition());
                    }
                }
                return out;
            } catch (RuntimeException e) {
                // KafkaConsumer is single-threaded: asked from elsewhere it throws; landing is still safe
                return null;
            }
        }
        return null;
    }

    /** What one {@link #land} call did. */
    public record Landed(long bronze, long valid, long quarantined, long replayedSkipped, long version,
                         Map<Integer, Long> lastPositions) {
    }

    /**
     * Lands a batch of events of any transport: bronze, validation, quarantine, one silver commit with a
     * {@code txn} per partition. The caller acknowledges (Kafka offset commit, Event Hubs checkpoint)
     * only after this returns, up to {@link Landed#lastPositions()}.
     *
     * @param records events in any order, from any partitions; a (partition, position) given twice is landed once
     * @return counts, the silver version written (-1 if the batch was empty or all replayed), and the
     *         last position seen per partition (replayed ones included: they are durable too)
     * @throws IOException if the lake cannot be written; nothing may be acknowledged then, a redelivery
     *         is safe (replayed records are skipped by their partition's {@code txn} version)
     */
    public Landed land(List<EventRecord> records) throws IOException {
        String hub = props.getHub();
        try {
            return land(hub, records);
        } catch (IOException | RuntimeException e) {
            counters.failed(hub, e);
            throw e;
        }
    }

    private Landed land(String hub, List<EventRecord> events) throws IOException {
        if (events.isEmpty()) {
            return new Landed(0, 0, 0, 0, -1, Map.of());
        }
        // one record per position: a transport that re-fetches after a consumer group rebalance (Kafka
        // resets a reassigned partition to its committed offset) can hand over the same record twice
        Map<Integer, TreeMap<Long, EventRecord>> unique = new TreeMap<>();
        for (EventRecord e : events) {
            unique.computeIfAbsent(e.partition(), p -> new TreeMap<>()).putIfAbsent(e.position(), e);
        }
        Map<Integer, List<EventRecord>> byPartition = new TreeMap<>();
        unique.forEach((p, m) -> byPartition.put(p, new ArrayList<>(m.values())));

        // a replay of what an earlier commit already holds: skip it, its files are in the lake
        Map<Integer, List<EventRecord>> fresh = new TreeMap<>();
        Map<Integer, Long> committedOffsets = new TreeMap<>();
        Map<String, Long> committedReplays = new TreeMap<>();
        long skipped = 0;
        for (Map.Entry<Integer, List<EventRecord>> e : byPartition.entrySet()) {
            long committed = silver.txnVersion(appId(hub, e.getKey()));
            committedOffsets.put(e.getKey(), committed);
            List<EventRecord> keep = new ArrayList<>();
            for (EventRecord ev : e.getValue()) {
                if (ev.position() > committed && !replayedBefore(hub, ev, committedReplays)) {
                    keep.add(ev);
                } else {
                    skipped++;
                }
            }
            if (!keep.isEmpty()) {
                fresh.put(e.getKey(), keep);
            }
        }

        Instant now = Instant.now();
        List<String> bronzeFiles = new ArrayList<>();
        List<String> quarantineFiles = new ArrayList<>();
        long bronzeCount = 0;
        long quarantined = 0;
        long validCount = 0;
        long version = -1;
        List<Object[]> validRows = new ArrayList<>();
        if (!fresh.isEmpty()) {
            for (Map.Entry<Integer, List<EventRecord>> e : fresh.entrySet()) {
                long committed = committedOffsets.get(e.getKey());
                bronzeCount += writeBronze(hub, e.getKey(), e.getValue(), committed, bronzeFiles);
                Map<Instant, List<ObjectNode>> bad = new TreeMap<>();
                Map<Instant, long[]> badRange = new TreeMap<>();
                for (EventRecord ev : e.getValue()) {
                    EventValidator.Result r = validator.validate(ev.body(), now);
                    if (r.valid()) {
                        validRows.add(new Object[] {ev.partition(), ev.position(), ev.enqueued(), r.type(), r.eventTime(), ev.body()});
                    } else {
                        Instant hour = ev.enqueued().truncatedTo(ChronoUnit.HOURS);
                        bad.computeIfAbsent(hour, h -> new ArrayList<>()).add(quarantineLine(ev, r, now));
                        long[] range = badRange.computeIfAbsent(hour, h -> new long[] {ev.position(), ev.position()});
                        range[1] = ev.position();
                    }
                }
                for (Map.Entry<Instant, List<ObjectNode>> q : bad.entrySet()) {
                    long[] range = badRange.get(q.getKey());
                    quarantineFiles.add(writeQuarantine(hub, e.getKey(), q.getKey(), range, committed, q.getValue()));
                    quarantined += q.getValue().size();
                }
            }
            validCount = validRows.size();
            version = commitSilver(hub, fresh, committedOffsets, committedReplays, validRows, bronzeFiles, quarantineFiles,
                    quarantined);
        }

        Map<Integer, Long> lastPositions = new TreeMap<>();
        byPartition.forEach((p, l) -> lastPositions.put(p, l.get(l.size() - 1).position()));
        counters.committed(hub, bronzeCount, validCount, quarantined, skipped, version);
        notifyListeners(hub, version, validRows, committedOffsets, fresh);
        LOG.debug("events {}: {} events ({} valid, {} quarantined, {} replayed and skipped) from partitions {}, silver version {}",
                hub, events.size(), validCount, quarantined, skipped, byPartition.keySet(), version);
        return new Landed(bronzeCount, validCount, quarantined, skipped, version, lastPositions);
    }

    /**
     * Whether a replayed line is at or below its replay's committed position in its partition; the
     * committed positions read are kept in {@code committed} (app id to version) for the commit.
     */
    private boolean replayedBefore(String hub, EventRecord ev, Map<String, Long> committed) {
        if (ev.replayed() == null) {
            return false;
        }
        String id = replayAppId(hub, ev.replayed().replay(), ev.partition());
        long version = committed.computeIfAbsent(id, silver::txnVersion);
        return ev.replayed().position() <= version;
    }

    /** Calls the commit listeners; a failure is logged only, silver is committed and they catch up from it. */
    private void notifyListeners(String hub, long version, List<Object[]> rows, Map<Integer, Long> before,
                                 Map<Integer, List<EventRecord>> fresh) {
        if (listeners.isEmpty()) {
            return;
        }
        Map<Integer, Long> after = new TreeMap<>(before);
        fresh.forEach((p, l) -> after.put(p, l.get(l.size() - 1).position()));
        EventCommitListener.CommittedBatch batch = new EventCommitListener.CommittedBatch(hub, version,
                java.util.Collections.unmodifiableList(rows), java.util.Collections.unmodifiableMap(before),
                java.util.Collections.unmodifiableMap(after));
        for (EventCommitListener l : listeners) {
            try {
                l.committed(batch);
            } catch (Exception e) {
                LOG.warn("events {}: commit listener {} failed after silver version {}, it catches up on a later batch: {}",
                        hub, l.getClass().getSimpleName(), version, e.toString());
            }
        }
    }

    private long commitSilver(String hub, Map<Integer, List<EventRecord>> fresh, Map<Integer, Long> committedOffsets,
                              Map<String, Long> committedReplays, List<Object[]> rows, List<String> bronzeFiles,
                              List<String> quarantineFiles, long quarantined)
            throws IOException {
        List<DataFile> files = new ArrayList<>();
        if (!rows.isEmpty()) {
            ParquetRowWriter writer = new ParquetRowWriter(silver.path(), lake.conf(), SILVER_SCHEMA, PLAIN_COLUMNS);
            try {
                for (Object[] row : rows) {
                    writer.write(row);
                }
                files.add(writer.finish());
            } catch (IOException | RuntimeException e) {
                writer.delete();
                throw e;
            }
        }
        Map<String, Long> txns = new LinkedHashMap<>();
        Map<String, Long> expected = new LinkedHashMap<>();
        ObjectNode lineage = JSON.createObjectNode();
        lineage.put("flow", "events");
        lineage.put("hub", hub);
        lineage.put("topic", props.getTopic());
        lineage.put("consumerGroup", props.getConsumerGroup());
        ObjectNode offsets = lineage.putObject("offsets");
        for (Map.Entry<Integer, List<EventRecord>> e : fresh.entrySet()) {
            List<EventRecord> l = e.getValue();
            long last = l.get(l.size() - 1).position();
            txns.put(appId(hub, e.getKey()), last);
            expected.put(appId(hub, e.getKey()), committedOffsets.get(e.getKey()));
            ObjectNode p = offsets.putObject(Integer.toString(e.getKey()));
            p.put("first", l.get(0).position());
            p.put("last", last);
            p.put("events", l.size());
            for (EventRecord ev : l) {
                if (ev.replayed() != null) {
                    String id = replayAppId(hub, ev.replayed().replay(), e.getKey());
                    txns.merge(id, ev.replayed().position(), Math::max);
                    expected.put(id, committedReplays.get(id));
                    ObjectNode replays = lineage.has("replays") ? (ObjectNode) lineage.get("replays") : lineage.putObject("replays");
                    ObjectNode replay = replays.has(ev.replayed().replay()) ? (ObjectNode) replays.get(ev.replayed().replay())
                            : replays.putObject(ev.replayed().replay());
                    replay.put(Integer.toString(e.getKey()), txns.get(id));
                }
            }
        }
        lineage.put("valid", rows.size());
        lineage.put("quarantined", quarantined);
        ArrayNode b = lineage.putArray("bronzeFiles");
        bronzeFiles.forEach(b::add);
        ArrayNode q = lineage.putArray("quarantineFiles");
        quarantineFiles.forEach(q::add);
        haltBeforeCommitIfAsked();
        try {
            // the rows were chosen against these txn versions: if another instance of the consumer group
            // committed one of the partitions since, nothing is written and the batch is redelivered
            return silver.commitAppend(files, rows.size(), SILVER_SCHEMA, txns, expected, JSON.writeValueAsString(lineage))
                    .version();
        } catch (RuntimeException e) {
            files.forEach(silver::deleteQuietly);
            throw e;
        }
    }

    /**
     * System property naming the batch (1 = the first that reaches its silver commit) before whose Delta
     * commit the JVM halts, for crash tests: bronze, quarantine and the silver data file are written,
     * nothing is committed or acknowledged. Unset (the default): never.
     */
    public static final String HALT_BEFORE_COMMIT = "lakehub.events.test.halt-before-commit";

    private static final long HALT_AT = Long.getLong(HALT_BEFORE_COMMIT, 0L);
    private final java.util.concurrent.atomic.AtomicLong commitsReached = new java.util.concurrent.atomic.AtomicLong();

    private void haltBeforeCommitIfAsked() {
        if (HALT_AT > 0 && commitsReached.incrementAndGet() == HALT_AT) {
            System.err.println("events: " + HALT_BEFORE_COMMIT + "=" + HALT_AT + ": halting before the silver commit");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    /** Writes one bronze file per enqueued minute of a partition's records; returns the records written. */
    private long writeBronze(String hub, int partition, List<EventRecord> events, long committed, List<String> written)
            throws IOException {
        Map<Instant, List<EventRecord>> byMinute = new TreeMap<>();
        for (EventRecord e : events) {
            byMinute.computeIfAbsent(e.enqueued().truncatedTo(ChronoUnit.MINUTES), m -> new ArrayList<>()).add(e);
        }
        long now = silver.txnVersion(appId(hub, partition));
        if (now != committed) {
            // this instance read the partition at `committed`; another one has committed it since (a
            // consumer group rebalance moved it): replacing files now could remove that writer's bronze
            throw new IllegalStateException("partition " + partition + " moved from txn version " + committed + " to " + now
                    + " in silver/events_" + hub + " while this batch was in flight: another instance owns it now");
        }
        Path staging = lake.path("bronze/events/" + hub + "/_staging");
        long count = 0;
        for (Map.Entry<Instant, List<EventRecord>> m : byMinute.entrySet()) {
            List<EventRecord> l = m.getValue();
            String relative = "bronze/events/" + hub + "/" + folders(m.getKey(), true) + "/"
                    + fileName(partition, l.get(0).position(), l.get(l.size() - 1).position(), "parquet");
            ParquetRowWriter writer = new ParquetRowWriter(staging, lake.conf(), BRONZE_SCHEMA, PLAIN_COLUMNS);
            try {
                for (EventRecord e : l) {
                    writer.write(new Object[] {e.partition(), e.position(), e.enqueued(), e.key(), e.body()});
                }
                DataFile f = writer.finish();
                publish(new Path(staging, f.getPath()), lake.path(relative), partition, l.get(0).position(),
                        l.get(l.size() - 1).position(), committed);
            } catch (IOException | RuntimeException e) {
                writer.delete();
                throw e;
            }
            written.add(relative);
            count += l.size();
        }
        return count;
    }

    private String writeQuarantine(String hub, int partition, Instant hour, long[] range, long committed,
                                   List<ObjectNode> lines) throws IOException {
        String relative = "quarantine/events/" + hub + "/" + folders(hour, false) + "/"
                + fileName(partition, range[0], range[1], "jsonl");
        Path staged = lake.path("quarantine/events/" + hub + "/_staging/" + java.util.UUID.randomUUID() + ".jsonl");
        FileSystem fs = staged.getFileSystem(lake.conf());
        try (OutputStream out = fs.create(staged, true)) {
            for (ObjectNode line : lines) {
                out.write(JSON.writeValueAsString(line).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        publish(staged, lake.path(relative), partition, range[0], range[1], committed);
        return relative;
    }

    private ObjectNode quarantineLine(EventRecord ev, EventValidator.Result r, Instant now) {
        ObjectNode line = JSON.createObjectNode();
        line.put("payload", ev.body());
        line.put("eventType", r.type());
        ArrayNode rules = line.putArray("failedRules");
        for (EventValidator.Violation v : r.violations()) {
            ObjectNode o = rules.addObject();
            o.put("rule", v.rule());
            o.put("field", v.field());
            o.put("message", v.message());
        }
        ObjectNode source = line.putObject("source");
        source.put("topic", ev.source());
        source.put("partition", ev.partition());
        source.put("offset", ev.position());
        source.put("key", ev.key());
        line.put("enqueuedTime", ev.enqueued().toString());
        line.put("quarantinedAt", now.toString());
        return line;
    }

    /**
     * Moves a staged file to its final name. A file of an earlier, failed attempt at the same records
     * is replaced: one of the same name, or, when the redelivered batch was cut differently, one of the
     * same partition in the same folder whose offset range overlaps this one and lies entirely after
     * the partition's committed offset (no commit references it, and its records are being delivered again).
     */
    private void publish(Path staged, Path target, int partition, long first, long last, long committed)
            throws IOException {
        FileSystem fs = target.getFileSystem(lake.conf());
        fs.mkdirs(target.getParent());
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("part-p(\\d+)-o(\\d+)-(\\d+)\\.[a-z]+");
        for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(target.getParent())) {
            java.util.regex.Matcher m = name.matcher(st.getPath().getName());
            if (st.isFile() && m.matches() && Integer.parseInt(m.group(1)) == partition) {
                long a = Long.parseLong(m.group(2));
                long b = Long.parseLong(m.group(3));
                if (a > committed && a <= last && b >= first) {
                    fs.delete(st.getPath(), false);
                }
            }
        }
        if (!fs.rename(staged, target)) {
            throw new IOException("cannot rename " + staged + " to " + target);
        }
    }

    /** {@code yyyy=YYYY/MM=MM/dd=DD/HH=HH[/mm=mm]} of an instant in UTC. */
    static String folders(Instant t, boolean minute) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        String s = String.format("yyyy=%04d/MM=%02d/dd=%02d/HH=%02d", z.getYear(), z.getMonthValue(), z.getDayOfMonth(),
                z.getHour());
        return minute ? s + String.format("/mm=%02d", z.getMinute()) : s;
    }

    /** {@code part-p<partition>-o<first>-<last>.<ext>}: the same records always get the same name. */
    static String fileName(int partition, long first, long last, String ext) {
        return "part-p" + partition + "-o" + first + "-" + last + "." + ext;
    }
}
