package io.lakehub.events;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Step 4 of the events route ({@code quarantineInvalidEvents}): validates each fresh record and files the
 * invalid ones in quarantine with the rules they failed (DESIGN.md invariant 4).
 *
 * <p>Reads: an {@link EventBatch} body after {@link LandBronzeEvents}. Each payload is checked by
 * {@link EventValidator} (rules {@code lakehub.events.rules.*}). Writes: the invalid ones as JSON lines
 * (payload, eventType, failedRules with rule/field/message, source topic/partition/offset/key,
 * enqueuedTime, quarantinedAt) to
 * {@code quarantine/events/<hub>/yyyy=/MM=/dd=/HH=/part-p<partition>-o<first>-<last>.jsonl}, one file per
 * (enqueued hour in UTC, partition), staged and renamed like bronze so a redelivery replaces its earlier
 * attempt's file; and into the batch the valid rows in {@link LandEventBatch#SILVER_SCHEMA} order, the
 * quarantine files and their line count.
 *
 * <p>Failure: {@link IOException} when the lake cannot be written; nothing is acknowledged and the batch is
 * redelivered. Thread-safe.
 */
public final class QuarantineInvalidEvents implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LakeStorage lake;
    private final EventValidator validator;

    /**
     * @param lake      the lake
     * @param validator the hub's rules
     */
    public QuarantineInvalidEvents(LakeStorage lake, EventValidator validator) {
        this.lake = lake;
        this.validator = validator;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        quarantine(EventBatch.of(exchange));
    }

    /** Validates the batch's fresh records and writes the quarantine files. */
    void quarantine(EventBatch batch) throws IOException {
        batch.require(batch.bronzeLanded, "quarantineInvalidEvents", "landBronzeEvents");
        Instant now = Instant.now();
        for (Map.Entry<Integer, List<EventRecord>> e : batch.fresh.entrySet()) {
            long committed = batch.committedOffsets.get(e.getKey());
            Map<Instant, List<ObjectNode>> bad = new TreeMap<>();
            Map<Instant, long[]> badRange = new TreeMap<>();
            for (EventRecord ev : e.getValue()) {
                EventValidator.Result r = validator.validate(ev.body(), now);
                if (r.valid()) {
                    batch.validRows.add(new Object[] {ev.partition(), ev.position(), ev.enqueued(), r.type(), r.eventTime(), ev.body()});
                } else {
                    Instant hour = ev.enqueued().truncatedTo(ChronoUnit.HOURS);
                    bad.computeIfAbsent(hour, h -> new ArrayList<>()).add(quarantineLine(ev, r, now));
                    long[] range = badRange.computeIfAbsent(hour, h -> new long[] {ev.position(), ev.position()});
                    range[1] = ev.position();
                }
            }
            for (Map.Entry<Instant, List<ObjectNode>> q : bad.entrySet()) {
                batch.quarantineFiles.add(write(batch.hub, e.getKey(), q.getKey(), badRange.get(q.getKey()), committed,
                        q.getValue()));
                batch.quarantined += q.getValue().size();
            }
        }
        batch.validated = true;
    }

    private String write(String hub, int partition, Instant hour, long[] range, long committed, List<ObjectNode> lines)
            throws IOException {
        String relative = "quarantine/events/" + hub + "/" + LandEventBatch.folders(hour, false) + "/"
                + LandEventBatch.fileName(partition, range[0], range[1], "jsonl");
        Path staged = lake.path("quarantine/events/" + hub + "/_staging/" + UUID.randomUUID() + ".jsonl");
        FileSystem fs = staged.getFileSystem(lake.conf());
        try (OutputStream out = fs.create(staged, true)) {
            for (ObjectNode line : lines) {
                out.write(JSON.writeValueAsString(line).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        EventFiles.publish(lake.conf(), staged, lake.path(relative), partition, range[0], range[1], committed);
        return relative;
    }

    private static ObjectNode quarantineLine(EventRecord ev, EventValidator.Result r, Instant now) {
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
}
