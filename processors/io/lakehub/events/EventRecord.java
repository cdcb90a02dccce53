package io.lakehub.events;

import java.time.Instant;

/**
 * One consumed event, whatever the transport: the unit {@link LandEventBatch#land(java.util.List)} takes.
 *
 * @param source    where it was read: the Kafka topic, or the Event Hubs {@code <namespace>/<event hub>}
 * @param partition partition number (Kafka partition, or the Event Hubs partition id as a number)
 * @param position  the event's position in its partition, strictly increasing: the Kafka offset or the
 *                  Event Hubs sequence number. It is what a partition's {@code txn} version records.
 * @param enqueued  when the broker accepted the event (Kafka record timestamp, Event Hubs enqueued time);
 *                  selects the bronze minute folder
 * @param key       the record key or Event Hubs partition key, or null
 * @param body      the payload as text (UTF-8 JSON expected; anything else is quarantined by validation)
 * @param replayed  for an event the generator published from a replay file, its stable place in that
 *                  file (recorded as a {@code txn} of its own, so a restarted replay neither repeats nor
 *                  skips a line); null for every other event
 */
public record EventRecord(String source, int partition, long position, Instant enqueued, String key, String body,
                          Replayed replayed) {

    /** An event that is not from a replay file. */
    public EventRecord(String source, int partition, long position, Instant enqueued, String key, String body) {
        this(source, partition, position, enqueued, key, body, null);
    }

    /**
     * Where a replayed event comes from.
     *
     * @param replay   the replay's stable identity ({@code io.lakehub.events.generator.ReplayFile#id}: the file name)
     * @param position the line's stable position: {@code pass << 32 | line}, with the 1-based line number of
     *                 the file and the pass (0, or the loop count of a looping replay); strictly increasing
     *                 along the file, and the same on every run
     */
    public record Replayed(String replay, long position) {
    }
}
