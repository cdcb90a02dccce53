package io.lakehub.events.generator;

import io.lakehub.events.EventRecord;

/**
 * One event the generator publishes.
 *
 * @param key       partition key (the user of a watch event; null for replayed lines)
 * @param payload   the event text
 * @param bad       for a deliberately bad watch event the defect ({@code missing-field}, {@code bad-enum},
 *                  {@code future-timestamp}, {@code malformed-json}, {@code unknown-type}); null otherwise
 * @param partition the partition it must go to (a replayed line: fixed by its line number, see
 *                  {@link ReplayFile}), or null to let the transport choose (by key, else round-robin)
 * @param replayed  a replayed line's place in its file, carried with the event to the silver {@code txn}; null otherwise
 */
public record GeneratedEvent(String key, String payload, String bad, Integer partition, EventRecord.Replayed replayed) {

    /** An event the transport places by its key (round-robin without one). */
    public GeneratedEvent(String key, String payload, String bad) {
        this(key, payload, bad, null, null);
    }
}
