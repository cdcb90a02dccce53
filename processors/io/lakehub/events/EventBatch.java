package io.lakehub.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One batch of events on its way through the steps of the events flow: the single object the route
 * {@code events-consume-<hub>} passes along in the exchange body (one exchange per batch, never one per
 * event: DESIGN.md invariant 5). Each step reads what the steps before it filled in and adds its own part.
 *
 * <ol>
 *   <li>{@link ReadEventBatch} (or a transport's own reader): {@link #records()} and, per partition,
 *       the acknowledgement of its last record;</li>
 *   <li>{@link SkipCommittedEvents}: one record per (partition, position), grouped by partition, and the
 *       {@link #fresh()} ones above each partition's (and replay's) committed {@code txn} version;</li>
 *   <li>{@link LandBronzeEvents}: the bronze files written and the events in them;</li>
 *   <li>{@link QuarantineInvalidEvents}: the quarantine files, their line count, and the valid rows;</li>
 *   <li>{@link AppendSilverEvents}: the silver version written (-1: nothing to commit);</li>
 *   <li>{@link AggregateEvents}: the commit listeners have seen the batch;</li>
 *   <li>{@link AcknowledgeEventBatch}: the acknowledgements were run (offsets committed).</li>
 * </ol>
 *
 * <p>Not thread-safe: one batch belongs to one exchange. Memory: the batch's events and valid rows,
 * bounded by the transport's batch size ({@code max-poll-records}, {@code batch-size}).
 */
public final class EventBatch {

    /** Acknowledges a partition's records up to the batch's last one (a Kafka offset commit, ...). */
    @FunctionalInterface
    public interface Acknowledgement {
        /** @throws Exception the transport's failure (e.g. Kafka's CommitFailedException after a rebalance) */
        void acknowledge() throws Exception;
    }

    final String hub;
    final List<EventRecord> records;
    final Map<Integer, Acknowledgement> acknowledgements;

    /** By partition, one record per position, in position order (set by {@link SkipCommittedEvents}). */
    Map<Integer, List<EventRecord>> byPartition = Map.of();
    /** By partition, the records no earlier commit holds (set by {@link SkipCommittedEvents}). */
    Map<Integer, List<EventRecord>> fresh = Map.of();
    /** By partition of the batch, its silver {@code txn} version when the batch was filtered (-1: none). */
    Map<Integer, Long> committedOffsets = Map.of();
    /** By replay {@code txn} app id, its version when the batch was filtered. */
    Map<String, Long> committedReplays = Map.of();
    long skipped;
    boolean filtered;

    final List<String> bronzeFiles = new ArrayList<>();
    long bronzeCount;
    boolean bronzeLanded;

    final List<String> quarantineFiles = new ArrayList<>();
    long quarantined;
    final List<Object[]> validRows = new ArrayList<>();
    boolean validated;

    long version = -1;
    boolean appended;

    /**
     * @param hub              the hub ({@code lakehub.events.hub})
     * @param records          the events as read, any order, any partitions; duplicates allowed
     * @param acknowledgements per partition, what acknowledges its records once silver holds them
     *                         (empty when the caller acknowledges itself, as the Event Hubs and in-process
     *                         transports do after {@link LandEventBatch#land})
     */
    public EventBatch(String hub, List<EventRecord> records, Map<Integer, Acknowledgement> acknowledgements) {
        this.hub = hub;
        this.records = List.copyOf(records);
        this.acknowledgements = Collections.unmodifiableMap(new TreeMap<>(acknowledgements));
    }

    /** The hub. */
    public String hub() {
        return hub;
    }

    /** The events as read. */
    public List<EventRecord> records() {
        return records;
    }

    /** Per partition, the records to land (after {@link SkipCommittedEvents}; empty before it). */
    public Map<Integer, List<EventRecord>> fresh() {
        return Collections.unmodifiableMap(fresh);
    }

    /** The silver version the batch wrote: -1 before {@link AppendSilverEvents}, or when it had nothing new. */
    public long version() {
        return version;
    }

    /** Counts and positions of the batch (as {@link LandEventBatch#land} returns them). */
    public LandEventBatch.Landed landed() {
        Map<Integer, Long> lastPositions = new TreeMap<>();
        byPartition.forEach((p, l) -> lastPositions.put(p, l.get(l.size() - 1).position()));
        return new LandEventBatch.Landed(bronzeCount, validRows.size(), quarantined, skipped, version, lastPositions);
    }

    /** Fails a step that runs before the step it depends on (a route edited in the wrong order). */
    void require(boolean done, String step, String before) {
        if (!done) {
            throw new IllegalStateException("events " + hub + ": step " + step + " needs " + before
                    + " to run before it; check the order of the steps in routes/events.camel.yaml");
        }
    }

    /** The batch in an exchange body. */
    static EventBatch of(org.apache.camel.Exchange exchange) {
        EventBatch b = exchange.getMessage().getBody(EventBatch.class);
        if (b == null) {
            throw new IllegalStateException("events: the exchange body is not an EventBatch; readEventBatch must come first");
        }
        return b;
    }
}
