package io.lakehub.events.generator;

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

    /** Waits until every event published is accepted by the transport, then releases it. */
    @Override
    void close() throws Exception;

    /** Publishes to the hub's {@link InProcessEventLog}, waiting while a partition is full. */
    static EventPublisher inProcess(InProcessEventLog log) {
        return new EventPublisher() {
            @Override
            public void publish(String key, String payload) throws InterruptedException {
                log.publish(key, payload, Duration.ZERO);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Publishes to a Kafka topic with the Kafka producer client ({@code acks=all}, idempotent, batched by
     * {@code linger.ms=20}); the record timestamp is the producer's clock (CreateTime). A failed send
     * makes the next {@link #publish} or {@link #close} throw.
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
