package io.lakehub.events.eventhubs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.lakehub.events.EventsProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.LandEventBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.azure.eventhubs.CredentialType;
import org.apache.camel.component.azure.eventhubs.EventHubsComponent;
import org.apache.camel.component.azure.eventhubs.EventHubsConfiguration;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Azure Event Hubs (AMQP) transport of the events flow ({@code lakehub.events.transport=eventhubs}):
 * the beans the route template {@code events-consume-eventhubs} refers to, and the settings of the
 * camel-azure-eventhubs component. Created only when the events flow is enabled with this transport, so
 * the embedded default opens no Blob or AMQP client.
 *
 * <ul>
 *   <li>{@code eventHubsCheckpointStore}: a {@link GatedCheckpointStore} around the SDK's
 *       {@link BlobCheckpointStore} on container {@code blob-container} (created when missing), the
 *       endpoint's {@code checkpointStore}. camel-azure-eventhubs builds its own Blob client only for
 *       {@code https://<account>.blob.core.windows.net} with an account key ({@code EventHubsClientFactory}),
 *       so the container client is built here: from {@code blob-connection-string}, else from
 *       {@code blob-endpoint} (or {@code blob-account}) with {@code DefaultAzureCredential}. Its
 *       counts are the Micrometer counter {@code lakehub.events.checkpoints{hub, outcome=held|passed|written}}.</li>
 *   <li>{@code batchEventHubsEvents}: the {@link BatchEventHubsEvents} processor of the route.</li>
 *   <li>{@link #configure}: sets the connection string (or azure identity) and the initial position on
 *       the component, so no secret appears in an endpoint URI, and fills the template parameters.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${lakehub.events.enabled:false} and '${lakehub.events.transport:kafka}' == 'eventhubs'")
public class EventHubsTransport {

    private static final Logger LOG = LoggerFactory.getLogger(EventHubsTransport.class);
    /** Partition ids given the initial position: Event Hubs allows up to 1,024 partitions (dedicated tier). */
    static final int MAX_PARTITIONS = 1024;
    /** The bean name the route template's {@code checkpointStore} option refers to. */
    public static final String CHECKPOINT_STORE_BEAN = "eventHubsCheckpointStore";

    private final EventHubsProperties props;

    /** @param props the {@code lakehub.events.eventhubs.*} settings */
    public EventHubsTransport(EventHubsProperties props) {
        this.props = props;
    }

    /**
     * The gated Blob checkpoint store of the consumer endpoint.
     *
     * @throws IllegalStateException if no Blob connection string, endpoint or account is configured, or
     *                               the container can neither be found nor created
     */
    @Bean(CHECKPOINT_STORE_BEAN)
    public GatedCheckpointStore eventHubsCheckpointStore(LakeStorage lake, EventsProperties events,
                                                         ObjectProvider<MeterRegistry> meters) {
        GatedCheckpointStore store = checkpointStore(props, blobContainer(props),
                GatedCheckpointStore.committedInSilver(lake, events.getHub()));
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            counter(registry, events.getHub(), "held", store, GatedCheckpointStore::held);
            counter(registry, events.getHub(), "passed", store, GatedCheckpointStore::passed);
            counter(registry, events.getHub(), "written", store, GatedCheckpointStore::landedWrites);
        }
        return store;
    }

    /**
     * Counter {@code lakehub.events.checkpoints{hub, outcome}}: component checkpoint requests held
     * (beyond the committed position) or passed, and checkpoints written after a land.
     */
    private static void counter(MeterRegistry registry, String hub, String outcome, GatedCheckpointStore store,
                                ToDoubleFunction<GatedCheckpointStore> value) {
        FunctionCounter.builder("lakehub.events.checkpoints", store, value)
                .description("Event Hubs checkpoints of the events flow by outcome since start")
                .tags("hub", hub, "outcome", outcome).register(registry);
    }

    /** The batching processor of the route; closed (its flush thread stopped) with the application. */
    @Bean(destroyMethod = "close")
    public BatchEventHubsEvents batchEventHubsEvents(LandEventBatch landEventBatch, GatedCheckpointStore eventHubsCheckpointStore) {
        return new BatchEventHubsEvents(landEventBatch, eventHubsCheckpointStore, props.getBatchSize(), props.getBatchLatency(),
                props.getRetryBackoff());
    }

    /**
     * A gated store over a {@link BlobCheckpointStore} on {@code container}, named for the configured
     * namespace, event hub and consumer group.
     */
    public static GatedCheckpointStore checkpointStore(EventHubsProperties props, BlobContainerAsyncClient container,
                                                       GatedCheckpointStore.CommittedPositions committed) {
        return new GatedCheckpointStore(new BlobCheckpointStore(container), committed, props.fullyQualifiedNamespace(),
                props.effectiveEventHubName(), props.getConsumerGroup(), props.getCheckpointTimeout());
    }

    /**
     * The Blob container client of the checkpoint store, the container created when it does not exist.
     *
     * @throws IllegalStateException if nothing says where the Blob service is, or the container is unusable
     *                               (the message names the container, never a credential)
     */
    public static BlobContainerAsyncClient blobContainer(EventHubsProperties props) {
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder().containerName(props.getBlobContainer());
        String where;
        if (!props.getBlobConnectionString().isEmpty()) {
            builder.connectionString(props.getBlobConnectionString());
            where = "the Blob connection string";
        } else {
            String endpoint = props.getBlobEndpoint() != null && !props.getBlobEndpoint().isBlank() ? props.getBlobEndpoint()
                    : props.getBlobAccount() != null && !props.getBlobAccount().isBlank()
                    ? "https://" + props.getBlobAccount() + ".blob.core.windows.net" : null;
            if (endpoint == null) {
                throw new IllegalStateException("events eventhubs: no checkpoint store: set EVENTHUBS_CHECKPOINT_BLOB_CONNECTION_STRING "
                        + "or lakehub.events.eventhubs.blob-account (or blob-endpoint) for azure identity");
            }
            builder.endpoint(endpoint).credential(new DefaultAzureCredentialBuilder().build());
            where = endpoint;
        }
        BlobContainerAsyncClient container = builder.buildAsyncClient();
        try {
            if (!Boolean.TRUE.equals(container.exists().block(props.getCheckpointTimeout()))) {
                container.createIfNotExists().block(props.getCheckpointTimeout());
                LOG.info("events eventhubs: created checkpoint container {} at {}", props.getBlobContainer(), container.getAccountUrl());
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("events eventhubs: checkpoint container '" + props.getBlobContainer() + "' at " + where
                    + " cannot be read or created: " + e.getClass().getSimpleName(), e);
        }
        return container;
    }

    /**
     * Sets the component-level connection settings and the template parameters of {@code events-consume-eventhubs}.
     *
     * @param camel the context the route is added to
     * @param route the template builder of {@code events-consume-eventhubs}
     * @throws IllegalStateException if the credential type is connection-string and none is set
     */
    public void configure(CamelContext camel, TemplatedRouteBuilder route) {
        configureComponent(camel, props);
        route.parameter("namespace", props.namespaceName())
                .parameter("eventHubName", props.effectiveEventHubName())
                .parameter("consumerGroup", props.getConsumerGroup())
                .parameter("prefetch", Integer.toString(props.getPrefetch()));
    }

    /**
     * The camel-azure-eventhubs component settings from {@code lakehub.events.eventhubs.*}: credential
     * type, connection string ({@link EventHubsProperties#entityConnectionString()}), initial position of
     * partitions without a checkpoint.
     */
    static void configureComponent(CamelContext camel, EventHubsProperties props) {
        EventHubsConfiguration conf = camel.getComponent("azure-eventhubs", EventHubsComponent.class).getConfiguration();
        if (props.usesConnectionString()) {
            conf.setCredentialType(CredentialType.CONNECTION_STRING);
            conf.setConnectionString(props.entityConnectionString());
        } else {
            conf.setCredentialType(CredentialType.AZURE_IDENTITY);
            conf.setConnectionString(null);
        }
        // the SDK starts a partition without checkpoint at latest unless its id is in this map
        // (PartitionPumpManager.getInitialEventPosition)
        Map<String, EventPosition> initial = new LinkedHashMap<>();
        EventPosition position = props.getInitialPosition().equals("latest") ? EventPosition.latest() : EventPosition.earliest();
        for (int p = 0; p < MAX_PARTITIONS; p++) {
            initial.put(Integer.toString(p), position);
        }
        conf.setEventPosition(initial);
    }

    /** The consumer endpoint of a route as it may be logged (secrets masked by {@link URISupport#sanitizeUri}). */
    public static String loggableEndpoint(CamelContext camel, String routeId) {
        Route r = camel.getRoute(routeId);
        Endpoint e = r == null ? null : r.getEndpoint();
        return e == null ? "(no route " + routeId + ")" : URISupport.sanitizeUri(e.getEndpointUri());
    }
}
