package io.lakehub.ops;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * Consumer lag per partition of the Kafka transport as the gauge
 * {@code lakehub.events.consumer.lag{client,topic,partition}} (records between the partition's end and the
 * consumer's position). The Kafka consumer publishes it as the JMX attribute {@code records-lag} of
 * {@code kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=*,partition=*} (Kafka
 * documentation, "Consumer Fetch Metrics"); camel-kafka creates its consumers itself, so they are found
 * there rather than bound by reference. New partitions are looked for every 10 s; a partition the consumer
 * no longer holds reads NaN. Exists only when the events flow consumes Kafka, so no other setup scans JMX.
 */
@Component
@ConditionalOnExpression("${lakehub.events.enabled:false} and '${lakehub.events.transport:kafka}' == 'kafka'")
public class KafkaConsumerLagMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConsumerLagMetrics.class);
    static final String PATTERN = "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=*,partition=*";

    private final MeterRegistry registry;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Set<ObjectName> bound = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lakehub-kafka-lag");
        t.setDaemon(true);
        return t;
    });

    public KafkaConsumerLagMetrics(MeterRegistry registry) {
        this.registry = registry;
        scanner.scheduleWithFixedDelay(this::bindNew, 1, 10, TimeUnit.SECONDS);
    }

    /** Registers a gauge for each partition MBean not seen before; returns how many are bound in all. */
    int bindNew() {
        try {
            for (ObjectName n : server.queryNames(new ObjectName(PATTERN), null)) {
                if (bound.add(n)) {
                    Gauge.builder("lakehub.events.consumer.lag", n, this::lag)
                            .description("records between the partition's end and the Kafka consumer's position")
                            .tags("client", n.getKeyProperty("client-id"), "topic", n.getKeyProperty("topic"),
                                    "partition", n.getKeyProperty("partition"))
                            .register(registry);
                }
            }
        } catch (MalformedObjectNameException | RuntimeException e) {
            LOG.debug("kafka consumer lag: scan failed: {}", e.toString());
        }
        return bound.size();
    }

    private double lag(ObjectName n) {
        try {
            Object v = server.getAttribute(n, "records-lag");
            return v instanceof Number num ? num.doubleValue() : Double.NaN;
        } catch (Exception gone) {
            return Double.NaN;
        }
    }

    /** The gauges bound so far, by MBean name (for tests). */
    Map<String, Double> current() {
        Map<String, Double> out = new ConcurrentHashMap<>();
        bound.forEach(n -> out.put(n.toString(), lag(n)));
        return out;
    }

    @PreDestroy
    void stop() {
        scanner.shutdownNow();
    }
}
