package io.lakehub.events.generator;

/**
 * One event the generator publishes.
 *
 * @param key     partition key (the user of a watch event; null for replayed lines: spread round-robin)
 * @param payload the event text
 * @param bad     for a deliberately bad watch event the defect ({@code missing-field}, {@code bad-enum},
 *                {@code future-timestamp}, {@code malformed-json}, {@code unknown-type}); null otherwise
 */
public record GeneratedEvent(String key, String payload, String bad) {
}
