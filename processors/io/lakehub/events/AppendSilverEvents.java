package io.lakehub.events;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakehub.delta.DataFile;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step 5 of the events route ({@code appendSilverEvents}): appends the batch's valid rows to
 * {@code silver/events_<hub>} in one Delta commit that carries the batch's progress (DESIGN.md invariant 2).
 *
 * <p>Reads: an {@link EventBatch} body after {@link QuarantineInvalidEvents}. Writes, when the batch has
 * fresh records: one Parquet data file of the valid rows ({@link LandEventBatch#SILVER_SCHEMA}) and one
 * {@code STREAMING UPDATE} commit with a {@code txn} per partition ({@link LandEventBatch#appId}, version =
 * the partition's last position in the batch) and per (replay, partition) ({@link LandEventBatch#replayAppId},
 * the last replayed position), and in {@code userMetadata} the lineage (topic, consumer group, per
 * partition first/last/events, valid and quarantined counts, bronze and quarantine files). The commit
 * requires every {@code txn} to still have the version {@link SkipCommittedEvents} read: another instance
 * that committed one of the partitions since makes it fail. Then the batch's counts go to
 * {@link EventCounters} and the batch gets the version (-1 when it had nothing new).
 *
 * <p>Fault point {@link FaultPoint#EVENTS_BEFORE_SILVER_COMMIT} (context: the hub) is reached just before
 * the commit: bronze, quarantine and the data file are written, nothing is committed or acknowledged.
 *
 * <p>Failure: the data file is deleted and the exception rethrown; nothing is acknowledged, the batch is
 * redelivered and lands once. Thread-safe.
 */
public final class AppendSilverEvents implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LakeStorage lake;
    private final DeltaTable silver;
    private final EventsProperties props;
    private final EventCounters counters;

    /**
     * @param lake     the lake
     * @param silver   the table {@code silver/events_<hub>}
     * @param props    the flow's settings (topic and consumer group go into the lineage)
     * @param counters where the batch's counts go
     */
    public AppendSilverEvents(LakeStorage lake, DeltaTable silver, EventsProperties props, EventCounters counters) {
        this.lake = lake;
        this.silver = silver;
        this.props = props;
        this.counters = counters;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        append(EventBatch.of(exchange));
    }

    /** Commits the batch's valid rows and counts it. */
    void append(EventBatch batch) throws IOException {
        batch.require(batch.validated, "appendSilverEvents", "quarantineInvalidEvents");
        if (!batch.fresh.isEmpty()) {
            batch.version = commit(batch);
        }
        batch.appended = true;
        if (!batch.records.isEmpty()) {
            counters.committed(batch.hub, batch.bronzeCount, batch.validRows.size(), batch.quarantined, batch.skipped,
                    batch.version);
        }
    }

    private long commit(EventBatch batch) throws IOException {
        String hub = batch.hub;
        List<Object[]> rows = batch.validRows;
        List<DataFile> files = new ArrayList<>();
        if (!rows.isEmpty()) {
            ParquetRowWriter writer = new ParquetRowWriter(silver.path(), lake.conf(), LandEventBatch.SILVER_SCHEMA,
                    LandEventBatch.PLAIN_COLUMNS);
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
        for (Map.Entry<Integer, List<EventRecord>> e : batch.fresh.entrySet()) {
            List<EventRecord> l = e.getValue();
            long last = l.get(l.size() - 1).position();
            txns.put(LandEventBatch.appId(hub, e.getKey()), last);
            expected.put(LandEventBatch.appId(hub, e.getKey()), batch.committedOffsets.get(e.getKey()));
            ObjectNode p = offsets.putObject(Integer.toString(e.getKey()));
            p.put("first", l.get(0).position());
            p.put("last", last);
            p.put("events", l.size());
            for (EventRecord ev : l) {
                if (ev.replayed() != null) {
                    String id = LandEventBatch.replayAppId(hub, ev.replayed().replay(), e.getKey());
                    txns.merge(id, ev.replayed().position(), Math::max);
                    expected.put(id, batch.committedReplays.get(id));
                    ObjectNode replays = lineage.has("replays") ? (ObjectNode) lineage.get("replays") : lineage.putObject("replays");
                    ObjectNode replay = replays.has(ev.replayed().replay()) ? (ObjectNode) replays.get(ev.replayed().replay())
                            : replays.putObject(ev.replayed().replay());
                    replay.put(Integer.toString(e.getKey()), txns.get(id));
                }
            }
        }
        lineage.put("valid", rows.size());
        lineage.put("quarantined", batch.quarantined);
        ArrayNode b = lineage.putArray("bronzeFiles");
        batch.bronzeFiles.forEach(b::add);
        ArrayNode q = lineage.putArray("quarantineFiles");
        batch.quarantineFiles.forEach(q::add);
        try {
            FaultInjection.reach(FaultPoint.EVENTS_BEFORE_SILVER_COMMIT, hub);
            // the rows were chosen against these txn versions: if another instance of the consumer group
            // committed one of the partitions since, nothing is written and the batch is redelivered
            return silver.commitAppend(files, rows.size(), LandEventBatch.SILVER_SCHEMA, txns, expected,
                    JSON.writeValueAsString(lineage)).version();
        } catch (RuntimeException e) {
            files.forEach(silver::deleteQuietly);
            throw e;
        }
    }
}
