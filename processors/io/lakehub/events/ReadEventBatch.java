package io.lakehub.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1 of the Kafka events route ({@code readEventBatch}): turns a camel-kafka batch into one
 * {@link EventBatch} body.
 *
 * <p>Reads: the body of a camel-kafka batching exchange ({@code batching=true}), a {@code List<Exchange>}
 * with one exchange per record carrying headers {@code kafka.TOPIC}, {@code kafka.PARTITION},
 * {@code kafka.OFFSET}, {@code kafka.TIMESTAMP} (ms; a missing or negative one is taken as now),
 * {@code kafka.KEY}, {@code CamelKafkaManualCommit}, the replay headers {@link LandEventBatch#REPLAY_HEADER}
 * and {@link LandEventBatch#REPLAY_POSITION_HEADER} (UTF-8 text; unreadable ones are ignored) and a String
 * body (the payload). Writes: the body, an {@link EventBatch} whose acknowledgement per partition is the
 * {@code CamelKafkaManualCommit} of its record with the highest offset (null when the route does not set
 * {@code allowManualCommit=true}: {@link AcknowledgeEventBatch} fails then).
 *
 * <p>Records of partitions the consumer no longer holds (a consumer group rebalance took them while
 * camel-kafka filled the batch over several polls) are left out: their new owner reads them from the
 * committed offset, and this instance neither lands them in parallel nor commits their offsets. Nothing
 * is written anywhere; stateless and thread-safe.
 */
public final class ReadEventBatch implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ReadEventBatch.class);

    private final String hub;

    /** @param hub the hub ({@code lakehub.events.hub}) */
    public ReadEventBatch(String hub) {
        this.hub = hub;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(read(exchange.getMessage().getBody(List.class)));
    }

    /** The batch of a camel-kafka batch body (null: an empty batch). */
    EventBatch read(List<?> body) {
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
            EventRecord r = new EventRecord(m.getHeader(KafkaConstants.TOPIC, String.class), partition,
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
                    + " instance; left to it (it reads them from the committed offset)", hub, givenAway);
        }
        Map<Integer, EventBatch.Acknowledgement> acks = new TreeMap<>();
        lastCommit.forEach((p, commit) -> acks.put(p, () -> {
            if (commit == null) {
                throw new IllegalStateException("no CamelKafkaManualCommit header: the route needs allowManualCommit=true");
            }
            commit.commit();
        }));
        return new EventBatch(hub, records, acks);
    }

    /** A record's replay headers, or null when it has none (or they are not readable). */
    private static EventRecord.Replayed replayed(Message m) {
        String replay = text(m.getHeader(LandEventBatch.REPLAY_HEADER));
        String position = text(m.getHeader(LandEventBatch.REPLAY_POSITION_HEADER));
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
     * The partitions of {@code topic} the Kafka consumer behind a record holds now (KafkaConsumer#poll
     * revokes partitions on a rebalance, KIP-429 for the cooperative protocol).
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
}
