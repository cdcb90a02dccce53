package io.lakehub.events.generator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.lakehub.events.inprocess.InProcessEventLog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Where the generator's events go. One per run, used by one thread. */
public interface EventPublisher extends AutoCloseable {

    /**
     * Publishes one event; may wait while the transport applies back-pressure.
     *
     * @throws Exception if the transport refused the event (the run stops with that error)
     */
    void publish(String key, String payload) throws Exception;

    /**
     * Publishes one event to its fixed partition when it has one (a replayed line), carrying its replay
     * position with it; otherwise as {@link #publish(String, String)}.
     *
     * @throws Exception if the transport refused the event (the run stops with that error)
     */
    default void publish(GeneratedEvent event) throws Exception {
        publish(event.key(), event.payload());
    }

    /**
     * Partitions of the destination, over which a replay spreads its lines by line number.
     *
     * @throws Exception if the transport cannot tell (a broker that cannot be reached)
     */
    int partitions() throws Exception;

    /** Waits until every event published is accepted by the transport, then releases it. */
    @Override
    void close() throws Exception;

    /** Kafka record header naming the replay a line comes from ({@link ReplayFile#id}). */
    String REPLAY_HEADER = io.lakehub.events.LandEventBatch.REPLAY_HEADER;

    /** Kafka record header with a replayed line's position in its file ({@link io.lakehub.events.EventRecord.Replayed}). */
    String REPLAY_POSITION_HEADER = io.lakehub.events.LandEventBatch.REPLAY_POSITION_HEADER;

    /** Publishes to the hub's {@link InProcessEventLog}, waiting while a partition is full. */
    static EventPublisher inProcess(InProcessEventLog log) {
        return new EventPublisher() {
            @Override
            public void publish(String key, String payload) throws InterruptedException {
                log.publish(key, payload, Duration.ZERO);
            }

            @Override
            public void publish(GeneratedEvent e) throws InterruptedException {
                if (e.partition() == null) {
                    publish(e.key(), e.payload());
                } else {
                    log.publish(e.partition(), e.key(), e.payload(), e.replayed(), Duration.ZERO);
                }
            }

            @Override
            public int partitions() {
                return log.partitions();
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Publishes to a Kafka topic with the Kafka producer client ({@code acks=all}, idempotent, batched by
     * {@code linger.ms=20}); the record timestamp is the producer's clock (CreateTime). A failed send
     * makes the next {@link #publish} or {@link #close} throw. A replayed line goes to its partition and
     * carries its replay identity and position as record headers {@value #REPLAY_HEADER} and
     * {@value #REPLAY_POSITION_HEADER} (UTF-8 text), which the lander reads back.
     *
     * @param bootstrapServers {@code host:port[,host:port]}
     * @param topic            the topic
     * @param extra            further producer properties (they override the ones above)
     */
    static EventPublisher kafka(String bootstrapServers, String topic, Map<String, String> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lakehub-events-generator");
        config.putAll(extra);
        KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        AtomicReference<Exception> failure = new AtomicReference<>();
        return new EventPublisher() {
            @Override
            public void publish(String key, String payload) throws Exception {
                Exception e = failure.get();
                if (e != null) {
                    throw e;
                }
                producer.send(new ProducerRecord<>(topic, key, payload), (meta, err) -> {
                    if (err != null) {
                        failure.compareAndSet(null, err);
                    }
                });
            }

            @Override
            public void publish(GeneratedEvent e) throws Exception {
                if (e.partition() == null) {
                    publish(e.key(), e.payload());
                    return;
                }
                Exception failed = failure.get();
                if (failed != null) {
                    throw failed;
                }
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, e.partition(), e.key(), e.payload());
                if (e.replayed() != null) {
                    record.headers().add(REPLAY_HEADER, e.replayed().replay().getBytes(StandardCharsets.UTF_8));
                    record.headers().add(REPLAY_POSITION_HEADER,
                            Long.toString(e.replayed().position()).getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record, (meta, err) -> {
                    if (err != null) {
                        failure.compareAndSet(null, err);
                    }
                });
            }

            @Override
            public int partitions() {
                return producer.partitionsFor(topic).size();
            }

            @Override
            public void close() throws Exception {
                try {
                    producer.flush();
                } finally {
                    producer.close(Duration.ofSeconds(30));
                }
                Exception e = failure.get();
                if (e != null) {
                    throw e;
                }
            }
        };
    }
}
