package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A batch that fails before its Delta commit is not acknowledged: while the silver table cannot be
 * written (its {@code _delta_log} is a plain file) the consumer group commits no offset and the batch
 * is redelivered; once the cause is gone every event lands in silver exactly once.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class EventsRedeliveryTest {

    static final String TOPIC = "click-events";
    static final String GROUP = "lakehub-events-redelivery";
    static final EmbeddedKafkaKraftBroker BROKER = new EmbeddedKafkaKraftBroker(1, 3, TOPIC);

    static {
        BROKER.afterPropertiesSet();
    }

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:events-redelivery;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("lakehub.events.enabled", () -> "true");
        registry.add("lakehub.events.transport", () -> "kafka");
        registry.add("lakehub.events.hub", () -> "clicks");
        registry.add("lakehub.events.topic", () -> TOPIC);
        registry.add("lakehub.events.bootstrap-servers", BROKER::getBrokersAsString);
        registry.add("lakehub.events.consumer-group", () -> GROUP);
        registry.add("lakehub.events.max-poll-records", () -> "5");
        registry.add("lakehub.events.poll-timeout", () -> "300ms");
        registry.add("lakehub.events.rules.click.required", () -> "page");
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @Autowired
    LakeStorage lake;

    @Autowired
    EventCounters counters;

    @Test
    void aFailedBatchIsRedeliveredAndLandsOnceWhenTheCauseIsGone() throws Exception {
        Path deltaLog = dir.resolve("lake/silver/events_clicks/_delta_log");
        Files.createDirectories(deltaLog.getParent());
        Files.writeString(deltaLog, "not a folder");

        List<String> payloads = new ArrayList<>();
        Map<String, Object> props = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString()));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 12; i++) {
                String payload = "{\"type\":\"click\",\"page\":\"/p" + i + "\",\"timestamp\":\"" + Instant.now() + "\"}";
                producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, payload)).get();
                payloads.add(payload);
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> (Long) counters.hub("clicks").snapshot().get("failedBatches") >= 3);
        assertThat(committedOffsets()).as("nothing acknowledged while the lake cannot be written").isEmpty();
        assertThat(counters.hub("clicks").snapshot().get("lastError")).isNotNull();

        Files.delete(deltaLog);
        DeltaTable silver = new DeltaTable(lake, "events_clicks");
        await().atMost(Duration.ofSeconds(60)).until(() -> committedOffsets().values().stream().mapToLong(o -> o).sum() == 12);

        List<String> landed = new ArrayList<>();
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                landed.add((String) rows.next()[5]);
            }
        }
        assertThat(landed).containsExactlyInAnyOrderElementsOf(payloads);
        assertThat(bronzePositions()).as("failed attempts left no second copy in bronze").hasSize(12).doesNotHaveDuplicates();
    }

    private List<String> bronzePositions() throws IOException {
        Path bronze = dir.resolve("lake/bronze/events/clicks");
        List<String> out = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.walk(bronze)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet"))
                    .filter(f -> !bronze.relativize(f).toString().startsWith("_")).toList()) {
                try (io.lakehub.delta.ParquetRowReader reader = new io.lakehub.delta.ParquetRowReader(
                        new org.apache.hadoop.fs.Path(f.toUri()), lake.conf(), LandEventBatch.BRONZE_SCHEMA)) {
                    Object[] row;
                    while ((row = reader.next()) != null) {
                        out.add(row[0] + "/" + row[1]);
                    }
                }
            }
        }
        return out;
    }

    private Map<Integer, Long> committedOffsets() {
        return BROKER.doWithAdminFunction(admin -> {
            try {
                Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                Map<Integer, Long> out = new HashMap<>();
                m.forEach((tp, o) -> {
                    if (o != null) {
                        out.put(tp.partition(), o.offset());
                    }
                });
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
