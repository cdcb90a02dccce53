package io.lakehub.events;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lakehub.delta.Column;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The events flow's batch landing: builds the steps the route {@code events-consume-<hub>} runs one after
 * the other on one {@link EventBatch} (routes/events.camel.yaml), and runs the same steps, in the same order,
 * for the transports that land from Java ({@link #land}: Event Hubs, in-process) and as one processor
 * ({@link #process}: a camel-kafka batch in one call, for tests and benchmarks).
 *
 * <p>The steps, in order (DESIGN.md invariants 1 to 4):
 * <ol>
 *   <li>{@link ReadEventBatch}: a camel-kafka batch ({@code List<Exchange>}) to an {@link EventBatch},
 *       records of partitions a rebalance took away left out;</li>
 *   <li>{@link SkipCommittedEvents}: one record per position; those at or below the partition's
 *       {@code txn} version in {@code silver/events_<hub>} (app id {@code lakehub-events-<hub>-<partition>})
 *       were committed before and are skipped, and so is a replayed line at or below its replay's
 *       committed position ({@code lakehub-events-<hub>-replay-<replay>-<partition>});</li>
 *   <li>{@link LandBronzeEvents}: raw records as Parquet, one file per (enqueued minute, partition) at
 *       {@code bronze/events/<hub>/yyyy=/MM=/dd=/HH=/mm=/part-p<partition>-o<first>-<last>.parquet};</li>
 *   <li>{@link QuarantineInvalidEvents}: {@link EventValidator}; invalid ones as JSON lines with their
 *       failed rules to {@code quarantine/events/<hub>/yyyy=/MM=/dd=/HH=/part-p<partition>-o<first>-<last>.jsonl};</li>
 *   <li>{@link AppendSilverEvents}: the valid ones in one Delta commit with a {@code txn} per partition;</li>
 *   <li>{@link AggregateEvents}: the {@link EventCommitListener}s (windowed aggregates); their failures are
 *       logged, not rethrown;</li>
 *   <li>{@link AcknowledgeEventBatch}: only then the Kafka offsets (synchronously, per partition).</li>
 * </ol>
 *
 * <p>Failure: any exception of a step before the acknowledgement leaves the offsets where they were; with
 * the route's {@code breakOnFirstError=true} camel-kafka reconnects and redelivers the batch from the last
 * committed offsets, and the {@code txn} versions keep silver free of duplicates. A crash between two steps
 * is the same: the batch lives only in the exchange, and is read again. Thread-safe (the state is in the batch).
 *
 * <p>Several instances (one consumer group) share {@code silver/events_<hub>}: their commits touch
 * disjoint partitions and both land ({@link DeltaTable#commitAppend(List, long, TableSchema, Map, Map, String)}
 * retries past a concurrent commit). A partition that a rebalance moved to another instance while a
 * batch was in flight is caught twice: before its bronze files replace anything, and in the commit,
 * which requires each partition's {@code txn} version to be the one the batch was filtered against.
 * Either way the batch fails unacknowledged and is redelivered to the partitions' current owners.
 */
@Component("landEventBatch")
public class LandEventBatch implements Processor {

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
    static final Set<String> PLAIN_COLUMNS = java.util.Set.of("body", "payload");

    private final EventsProperties props;
    private final EventCounters counters;
    private final ReadEventBatch read;
    private final SkipCommittedEvents skip;
    private final LandBronzeEvents bronze;
    private final QuarantineInvalidEvents quarantine;
    private final AppendSilverEvents append;
    private final AggregateEvents aggregate;
    private final AcknowledgeEventBatch acknowledge;
    private final CountFailedEventBatch countFailed;

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
        this.props = props;
        this.counters = counters;
        DeltaTable silver = new DeltaTable(lake, "events_" + props.getHub());
        this.read = new ReadEventBatch(props.getHub());
        this.skip = new SkipCommittedEvents(silver);
        this.bronze = new LandBronzeEvents(lake, silver);
        this.quarantine = new QuarantineInvalidEvents(lake, new EventValidator(props));
        this.append = new AppendSilverEvents(lake, silver, props, counters);
        this.aggregate = new AggregateEvents(listeners);
        this.acknowledge = new AcknowledgeEventBatch();
        this.countFailed = new CountFailedEventBatch(counters);
    }

    /** The Spring constructor: every {@link EventCommitListener} bean, in {@code @Order}. */
    @Autowired
    public LandEventBatch(LakeStorage lake, EventsProperties props, EventCounters counters,
                          ObjectProvider<EventCommitListener> listeners) {
        this(lake, props, counters, listeners.orderedStream().toList());
    }

    /** The steps, for the route's beans ({@link EventBatchSteps}). */
    ReadEventBatch readStep() {
        return read;
    }

    SkipCommittedEvents skipStep() {
        return skip;
    }

    LandBronzeEvents bronzeStep() {
        return bronze;
    }

    QuarantineInvalidEvents quarantineStep() {
        return quarantine;
    }

    AppendSilverEvents appendStep() {
        return append;
    }

    AggregateEvents aggregateStep() {
        return aggregate;
    }

    AcknowledgeEventBatch acknowledgeStep() {
        return acknowledge;
    }

    CountFailedEventBatch countFailedStep() {
        return countFailed;
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
     * Lands a camel-kafka batch with every step in one call (see the class comment), the offsets
     * committed last through the {@code CamelKafkaManualCommit} of each partition's last record.
     *
     * @throws IllegalStateException if the route does not set {@code allowManualCommit=true}
     * @throws Exception any failure of a step; no offset is committed before silver is
     */
    @Override
    public void process(Exchange exchange) throws Exception {
        EventBatch batch = read.read(exchange.getMessage().getBody(List.class));
        land(batch);
        acknowledge.acknowledge(batch);
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
        EventBatch batch = new EventBatch(props.getHub(), records, Map.of());
        land(batch);
        return batch.landed();
    }

    /** The hub ({@code lakehub.events.hub}) whose batches this lands. */
    public String hub() {
        return props.getHub();
    }

    /**
     * Steps 2 to 7 on a batch a transport has read: lands it, then runs its acknowledgements.
     *
     * @throws Exception a step's failure; nothing is acknowledged before silver holds the batch
     */
    public void landAndAcknowledge(EventBatch batch) throws Exception {
        land(batch);
        acknowledge.acknowledge(batch);
    }

    /** Steps 2 to 6 on a batch, its failure counted. */
    private void land(EventBatch batch) throws IOException {
        try {
            skip.skip(batch);
            bronze.land(batch);
            quarantine.quarantine(batch);
            append.append(batch);
        } catch (IOException | RuntimeException e) {
            counters.failed(batch.hub(), e);
            throw e;
        }
        aggregate.aggregate(batch);
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
