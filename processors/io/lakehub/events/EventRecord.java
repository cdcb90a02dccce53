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
 */
public record EventRecord(String source, int partition, long position, Instant enqueued, String key, String body) {
}
