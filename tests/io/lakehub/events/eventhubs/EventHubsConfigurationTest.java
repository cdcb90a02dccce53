package io.lakehub.events.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.lakehub.events.EventsProperties;
import io.lakehub.events.consumer.EventsRoutes;
import io.lakehub.events.inprocess.InProcessProperties;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.azure.eventhubs.CredentialType;
import org.apache.camel.component.azure.eventhubs.EventHubsConfiguration;
import org.apache.camel.component.azure.eventhubs.EventHubsEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.DefaultApplicationArguments;

/**
 * The Event Hubs consumer endpoint as {@link EventsRoutes} builds it from {@code lakehub.events.eventhubs.*}
 * and the template {@code events-consume-eventhubs} of routes/events.camel.yaml (the context does not
 * start routes: there is no Event Hubs service here), and that no secret reaches a log line, an
 * endpoint URI or a {@code toString}.
 */
class EventHubsConfigurationTest {

    static final String SAS_KEY = "c2VjcmV0LXNhcy1rZXktdmFsdWU9PQ==";
    static final String BLOB_KEY = "YmxvYi1hY2NvdW50LWtleS1zZWNyZXQ=";
    static final String CONNECTION = "Endpoint=sb://lakehub-test.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey="
            + SAS_KEY;
    static final String BLOB_CONNECTION = "DefaultEndpointsProtocol=https;AccountName=lakehubckpt;AccountKey=" + BLOB_KEY
            + ";EndpointSuffix=core.windows.net";

    @TempDir
    Path dir;

    final DefaultCamelContext camel = new DefaultCamelContext();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    EventHubsProperties props;
    GatedCheckpointStore store;
    BatchEventHubsEvents batcher;

    @BeforeEach
    void setUp() throws Exception {
        logs.start();
        root.addAppender(logs);
        props = new EventHubsProperties();
        props.setConnectionString(CONNECTION);
        props.setEventHubName("events");
        props.setConsumerGroup("lakehub");
        props.setPrefetch(250);
        props.setBlobConnectionString(BLOB_CONNECTION);
        TestLake lake = new TestLake(dir);
        // a Blob client is built without contacting the service; nothing here talks to Azure
        store = EventHubsTransport.checkpointStore(props, new BlobContainerClientBuilder().connectionString(BLOB_CONNECTION)
                .containerName(props.getBlobContainer()).buildAsyncClient(), p -> -1);
        batcher = new BatchEventHubsEvents(lake.lander, store, 10, Duration.ofSeconds(1), Duration.ofSeconds(1));
        camel.getRegistry().bind(EventHubsTransport.CHECKPOINT_STORE_BEAN, store);
        camel.getRegistry().bind("batchEventHubsEvents", batcher);
        camel.setAutoStartup(false);
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                PluginHelper.getResourceLoader(camel).resolveResource("classpath:routes/events.camel.yaml"));
        camel.start();
    }

    @AfterEach
    void tearDown() {
        root.detachAppender(logs);
        batcher.close();
        camel.stop();
    }

    /** The route EventsRoutes creates for {@code lakehub.events.transport=eventhubs}, hub {@code t}. */
    EventHubsEndpoint consumerEndpoint() {
        EventsProperties events = new EventsProperties();
        events.setEnabled(true);
        events.setHub("t");
        events.setTransport("eventhubs");
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("eventHubsTransport", new EventHubsTransport(props));
        new EventsRoutes(events, new InProcessProperties(), beans.getBeanProvider(EventHubsTransport.class),
                new DefaultApplicationArguments()).afterApplicationStart(camel);
        assertThat(camel.getRouteController().getRouteStatus("events-consume-t")).isNotEqualTo(ServiceStatus.Started);
        return (EventHubsEndpoint) camel.getRoute("events-consume-t").getEndpoint();
    }

    @Test
    void theEndpointCarriesHubConsumerGroupPrefetchAndTheGatedCheckpointStore() {
        EventHubsEndpoint endpoint = consumerEndpoint();
        EventHubsConfiguration conf = endpoint.getConfiguration();

        assertThat(endpoint.getEndpointUri()).startsWith("azure-eventhubs://lakehub-test/events?")
                .contains("consumerGroupName=lakehub").contains("prefetchCount=250");
        assertThat(conf.getConsumerGroupName()).isEqualTo("lakehub");
        assertThat(conf.getPrefetchCount()).isEqualTo(250);
        assertThat(conf.getCheckpointStore()).isSameAs(store);
        assertThat(conf.getCredentialType()).isEqualTo(CredentialType.CONNECTION_STRING);
        assertThat(conf.getConnectionString()).as("the SDK gets the entity path it needs")
                .isEqualTo(CONNECTION + ";EntityPath=events");
        assertThat(conf.getEventPosition().get("0")).hasToString(EventPosition.earliest().toString());
        assertThat(conf.getEventPosition()).hasSize(1024);
        assertThat(camel.getRoute("events-consume-t").getProcessor()).isNotNull();

        assertThat(store.fullyQualifiedNamespace()).isEqualTo("lakehub-test.servicebus.windows.net");
        assertThat(store.eventHubName()).isEqualTo("events");
        assertThat(store.consumerGroup()).isEqualTo("lakehub");
    }

    @Test
    void noSecretInTheEndpointUriTheLogOrToString() {
        EventHubsEndpoint endpoint = consumerEndpoint();

        assertThat(endpoint.getEndpointUri()).doesNotContain(SAS_KEY).doesNotContain("SharedAccessKey");
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("events t: consuming azure-eventhubs://lakehub-test/events"));
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(SAS_KEY).doesNotContain(BLOB_KEY));
        assertThat(props.toString()).contains("connectionString=***").contains("blobConnectionString=***")
                .doesNotContain(SAS_KEY).doesNotContain(BLOB_KEY);
        assertThat(endpoint.getConfiguration().toString()).doesNotContain(SAS_KEY);

        // had someone put the connection string into a URI, Camel masks it wherever it prints one
        assertThat(URISupport.sanitizeUri("azure-eventhubs:lakehub-test/events?connectionString=RAW(" + CONNECTION + ")"))
                .doesNotContain(SAS_KEY);
        assertThat(URISupport.sanitizeUri("azure-eventhubs:lakehub-test/events?sharedAccessName=listen&sharedAccessKey=" + SAS_KEY))
                .doesNotContain(SAS_KEY);
    }

    @Test
    void azureIdentityUsesTheNamespaceAndNoConnectionString() {
        props.setConnectionString("");
        props.setCredentialType("azure-identity");
        props.setNamespace("lakehub-prod");
        props.setEventHubName("clicks");
        props.setInitialPosition("latest");

        EventHubsConfiguration conf = consumerEndpoint().getConfiguration();
        assertThat(conf.getCredentialType()).isEqualTo(CredentialType.AZURE_IDENTITY);
        assertThat(conf.getConnectionString()).isNull();
        assertThat(conf.getNamespace()).isEqualTo("lakehub-prod");
        assertThat(conf.getEventHubName()).isEqualTo("clicks");
        assertThat(conf.getEventPosition().get("7")).hasToString(EventPosition.latest().toString());
        assertThat(props.fullyQualifiedNamespace()).isEqualTo("lakehub-prod.servicebus.windows.net");
    }

    @Test
    void propertiesDeriveTheNamesTheSdkUsesAndRejectBadValues() {
        assertThat(props.fullyQualifiedNamespace()).isEqualTo("lakehub-test.servicebus.windows.net");
        assertThat(props.namespaceName()).isEqualTo("lakehub-test");
        assertThat(props.effectiveEventHubName()).isEqualTo("events");

        props.setConnectionString(CONNECTION + ";EntityPath=orders");
        assertThat(props.effectiveEventHubName()).as("the connection string's entity wins").isEqualTo("orders");
        assertThat(props.entityConnectionString()).isEqualTo(CONNECTION + ";EntityPath=orders");

        props.setConnectionString("");
        assertThatThrownBy(props::entityConnectionString).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EVENTHUBS_CONNECTION_STRING");
        assertThatThrownBy(props::fullyQualifiedNamespace).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lakehub.events.eventhubs.namespace");
        assertThatThrownBy(() -> props.setCredentialType("sas")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> props.setInitialPosition("newest")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> props.setBatchSize(0)).isInstanceOf(IllegalArgumentException.class);

        EventHubsProperties none = new EventHubsProperties();
        none.setNamespace("ns");
        assertThatThrownBy(() -> EventHubsTransport.blobContainer(none)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EVENTHUBS_CHECKPOINT_BLOB_CONNECTION_STRING");
    }
}
