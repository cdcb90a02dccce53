package io.lakehub.events.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.azure.storage.blob.BlobContainerClientBuilder;
import io.lakehub.testsupport.Azurite;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.azure.eventhubs.EventHubsEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hub started with {@code lakehub.events.transport=eventhubs}: the beans the template refers to
 * exist, the checkpoint container is created on a real Blob API (Azurite; skipped without it, failing
 * with CI=true) and the consumer route is built on them. Routes are not started
 * ({@code camel.main.auto-startup=false}): there is no Event Hubs service to connect to.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
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
    }

    @Autowired
    CamelContext camel;

    @Autowired
    GatedCheckpointStore eventHubsCheckpointStore;

    @Autowired
    BatchEventHubsEvents batchEventHubsEvents;

    @Test
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
