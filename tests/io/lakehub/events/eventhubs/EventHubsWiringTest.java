package io.lakehub.events.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.LandEventBatch;
import io.lakehub.testsupport.Azurite;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.azure.eventhubs.EventHubsConstants;
import org.apache.camel.component.azure.eventhubs.EventHubsEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hub started with {@code lakehub.events.transport=eventhubs}: the beans the template refers to
 * exist, the checkpoint container is created on a real Blob API (Azurite; skipped without it, failing
 * with CI=true) and the consumer route is built on them. Routes are not started
 * ({@code camel.main.auto-startup=false}): there is no Event Hubs service to connect to; the second test
 * replaces only the route's Event Hubs endpoint and runs events through the rest of it.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventHubsWiringTest {

    static String blob;

    @TempDir
    static Path dir;

    @BeforeAll
    static void azurite() {
        blob = Azurite.blobConnectionString();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lakehub.lake.root", () -> dir.resolve("lake").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:events-eventhubs;DB_CLOSE_DELAY=-1");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> "loans");
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].enabled", () -> "false");
        registry.add("camel.main.auto-startup", () -> "false");
        registry.add("lakehub.events.enabled", () -> "true");
        registry.add("lakehub.events.hub", () -> "clicks");
        registry.add("lakehub.events.transport", () -> "eventhubs");
        registry.add("lakehub.events.eventhubs.connection-string",
                () -> "Endpoint=sb://lakehub-wiring.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=bm90LWEta2V5");
        registry.add("lakehub.events.eventhubs.event-hub-name", () -> "clicks");
        registry.add("lakehub.events.eventhubs.blob-connection-string", () -> blob);
        registry.add("lakehub.events.eventhubs.blob-container", () -> "wiring-checkpoints");
        registry.add("lakehub.events.eventhubs.batch-size", () -> "4");
        registry.add("lakehub.events.eventhubs.batch-latency", () -> "300ms");
        registry.add("lakehub.events.rules.click.required", () -> "page");
    }

    @Autowired
    CamelContext camel;

    @Autowired
    GatedCheckpointStore eventHubsCheckpointStore;

    @Autowired
    BatchEventHubsEvents batchEventHubsEvents;

    @Autowired
    LakeStorage lake;

    @Autowired
    MeterRegistry meters;

    /**
     * The route with only its external endpoint replaced (Event Hubs by {@code direct:}), fed exchanges
     * shaped like EventHubsConsumer's: the events land in silver and the checkpoint reaches the Blob
     * container, at the committed position. Runs after the wiring test (it restarts the route).
     */
    @Test
    @Order(2)
    void eventsThroughTheRouteLandAndTheirCheckpointReachesTheBlobContainer() throws Exception {
        AdviceWith.adviceWith(camel, "events-consume-clicks",
                a -> a.replaceFromWith("direct:eventhubs"));
        camel.getRouteController().startRoute("events-consume-clicks");
        ProducerTemplate producer = camel.createProducerTemplate();
        for (long s = 0; s < 6; s++) {
            Map<String, Object> headers = new HashMap<>();
            headers.put(EventHubsConstants.PARTITION_ID, "1");
            headers.put(EventHubsConstants.SEQUENCE_NUMBER, 100 + s);
            headers.put(EventHubsConstants.OFFSET, 4096 * s);
            headers.put(EventHubsConstants.ENQUEUED_TIME,
                    Instant.parse("2026-11-21T07:15:00Z").plusSeconds(s));
            String body = s == 2 ? "{\"type\":\"click\"}" : "{\"type\":\"click\",\"page\":\"/p" + s + "\"}";
            producer.sendBodyAndHeaders("direct:eventhubs", body.getBytes(StandardCharsets.UTF_8), headers);
        }
        DeltaTable silver = new DeltaTable(lake, "events_clicks");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> silver.exists() && silver.txnVersion(LandEventBatch.appId("clicks", 1)) == 105);
        List<Long> positions = new ArrayList<>();
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                positions.add((Long) rows.next()[1]);
            }
        }
        assertThat(positions).containsExactlyInAnyOrder(100L, 101L, 103L, 104L, 105L);
        BlobCheckpointStore stored =
                new BlobCheckpointStore(
                        new BlobContainerClientBuilder().connectionString(blob).containerName("wiring-checkpoints").buildAsyncClient());
        await().atMost(Duration.ofSeconds(30)).until(() -> stored
                .listCheckpoints("lakehub-wiring.servicebus.windows.net", "clicks", "$Default").collectList().block().stream()
                .anyMatch(c -> "1".equals(c.getPartitionId()) && Long.valueOf(105).equals(c.getSequenceNumber())));
        assertThat(stored.listCheckpoints("lakehub-wiring.servicebus.windows.net", "clicks", "$Default").collectList().block())
                .singleElement().satisfies(c -> assertThat(c.getOffsetString()).isEqualTo(Long.toString(4096 * 5)));
        assertThat(meters.get("lakehub.events.checkpoints").tags("hub", "clicks", "outcome", "written").functionCounter().count())
                .as("6 events in batches of at most 4").isGreaterThanOrEqualTo(2.0);
    }

    @Test
    @Order(1)
    void theConsumerRouteIsBuiltOnTheGatedBlobCheckpointStore() {
        assertThat(camel.getRoute("events-consume-clicks")).isNotNull();
        assertThat(camel.getRouteController().getRouteStatus("events-consume-clicks")).isNotEqualTo(ServiceStatus.Started);
        EventHubsEndpoint endpoint = (EventHubsEndpoint) camel.getRoute("events-consume-clicks").getEndpoint();
        assertThat(endpoint.getConfiguration().getCheckpointStore()).isSameAs(eventHubsCheckpointStore);
        assertThat(endpoint.getConfiguration().getConsumerGroupName()).isEqualTo("$Default");
        assertThat(eventHubsCheckpointStore.fullyQualifiedNamespace()).isEqualTo("lakehub-wiring.servicebus.windows.net");
        assertThat(eventHubsCheckpointStore.eventHubName()).isEqualTo("clicks");
        assertThat(new BlobContainerClientBuilder().connectionString(blob).containerName("wiring-checkpoints").buildClient().exists())
                .as("the checkpoint container was created").isTrue();
        assertThat(batchEventHubsEvents.buffered()).isZero();
    }
}
