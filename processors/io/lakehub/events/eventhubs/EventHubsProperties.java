package io.lakehub.events.eventhubs;

import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lakehub.events.eventhubs.*} settings of the Azure Event Hubs (AMQP) transport, used when
 * {@code lakehub.events.transport=eventhubs}; each key is documented with its default in
 * {@code application.yaml}.
 *
 * <p>Secrets ({@link #getConnectionString()}, {@link #getBlobConnectionString()}) are meant to come from
 * the environment ({@code EVENTHUBS_CONNECTION_STRING}, {@code EVENTHUBS_CHECKPOINT_BLOB_CONNECTION_STRING});
 * {@link #toString()} masks them, and they are set on the Camel component, never in an endpoint URI.
 */
@ConfigurationProperties(prefix = "lakehub.events.eventhubs")
public class EventHubsProperties {

    /** Host suffix of an Event Hubs namespace (https://learn.microsoft.com/azure/event-hubs/event-hubs-get-connection-string). */
    public static final String SERVICE_SUFFIX = ".servicebus.windows.net";

    /** Event Hubs namespace, the {@code <namespace>} of {@code <namespace>.servicebus.windows.net}. */
    private String namespace = "";
    /** Event hub (entity) name within the namespace. */
    private String eventHubName = "events";
    /** {@code connection-string} (SAS, {@link #connectionString}) or {@code azure-identity} (DefaultAzureCredential). */
    private String credentialType = "connection-string";
    /** SAS connection string of the namespace or the event hub; secret, from the environment. */
    private String connectionString = "";
    /** Consumer group; hub instances in one group split the partitions through the ownership blobs. */
    private String consumerGroup = "$Default";
    /** Blob container holding the ownership and checkpoint blobs (created when missing). */
    private String blobContainer = "lakehub-eventhubs-checkpoints";
    /** Blob connection string (account key or SAS) for the checkpoint store; secret, from the environment. */
    private String blobConnectionString = "";
    /** Storage account name; with azure identity the endpoint is {@code https://<account>.blob.core.windows.net}. */
    private String blobAccount = "";
    /** Blob service endpoint URL overriding the one derived from {@link #blobAccount} (azure identity only). */
    private String blobEndpoint = "";
    /** Most events per landed batch of one partition, i.e. per silver commit and per bronze file of a minute. */
    private int batchSize = 500;
    /** Longest time the first event of a partition's batch waits before a smaller batch is landed. */
    private Duration batchLatency = Duration.ofSeconds(5);
    /** Events the AMQP link prefetches per partition. */
    private int prefetch = 500;
    /** Where a partition with nothing committed in the lake starts: {@code earliest} or {@code latest}. */
    private String initialPosition = "earliest";
    /** Wait before landing a failed batch again (the partition is held meanwhile, nothing is checkpointed). */
    private Duration retryBackoff = Duration.ofSeconds(5);
    /** Longest wait for one checkpoint write to the Blob service. */
    private Duration checkpointTimeout = Duration.ofSeconds(30);

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getEventHubName() {
        return eventHubName;
    }

    public void setEventHubName(String eventHubName) {
        this.eventHubName = eventHubName;
    }

    public String getCredentialType() {
        return credentialType;
    }

    /** @throws IllegalArgumentException unless {@code connection-string} or {@code azure-identity} */
    public void setCredentialType(String credentialType) {
        String t = credentialType == null ? "" : credentialType.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("connection-string") && !t.equals("azure-identity")) {
            throw new IllegalArgumentException("lakehub.events.eventhubs.credential-type must be connection-string or azure-identity: "
                    + credentialType);
        }
        this.credentialType = t;
    }

    public String getConnectionString() {
        return connectionString;
    }

    public void setConnectionString(String connectionString) {
        this.connectionString = connectionString == null ? "" : connectionString.trim();
    }

    public String getConsumerGroup() {
        return consumerGroup;
    }

    public void setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
    }

    public String getBlobContainer() {
        return blobContainer;
    }

    public void setBlobContainer(String blobContainer) {
        this.blobContainer = blobContainer;
    }

    public String getBlobConnectionString() {
        return blobConnectionString;
    }

    public void setBlobConnectionString(String blobConnectionString) {
        this.blobConnectionString = blobConnectionString == null ? "" : blobConnectionString.trim();
    }

    public String getBlobAccount() {
        return blobAccount;
    }

    public void setBlobAccount(String blobAccount) {
        this.blobAccount = blobAccount;
    }

    public String getBlobEndpoint() {
        return blobEndpoint;
    }

    public void setBlobEndpoint(String blobEndpoint) {
        this.blobEndpoint = blobEndpoint;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** @throws IllegalArgumentException if below 1 */
    public void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("lakehub.events.eventhubs.batch-size must be at least 1: " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public Duration getBatchLatency() {
        return batchLatency;
    }

    public void setBatchLatency(Duration batchLatency) {
        this.batchLatency = batchLatency;
    }

    public int getPrefetch() {
        return prefetch;
    }

    public void setPrefetch(int prefetch) {
        this.prefetch = prefetch;
    }

    public String getInitialPosition() {
        return initialPosition;
    }

    /** @throws IllegalArgumentException unless {@code earliest} or {@code latest} */
    public void setInitialPosition(String initialPosition) {
        String p = initialPosition == null ? "" : initialPosition.trim().toLowerCase(Locale.ROOT);
        if (!p.equals("earliest") && !p.equals("latest")) {
            throw new IllegalArgumentException("lakehub.events.eventhubs.initial-position must be earliest or latest: " + initialPosition);
        }
        this.initialPosition = p;
    }

    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    public void setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
    }

    public Duration getCheckpointTimeout() {
        return checkpointTimeout;
    }

    public void setCheckpointTimeout(Duration checkpointTimeout) {
        this.checkpointTimeout = checkpointTimeout;
    }

    /** True when the AMQP side authenticates with {@link #getConnectionString()}. */
    public boolean usesConnectionString() {
        return credentialType.equals("connection-string");
    }

    /**
     * The fully qualified namespace the Event Hubs SDK records in ownership and checkpoint blob names:
     * the host of the connection string's {@code Endpoint=sb://<host>/}, else {@code <namespace>.servicebus.windows.net}.
     *
     * @throws IllegalStateException if neither gives a namespace
     */
    public String fullyQualifiedNamespace() {
        if (usesConnectionString()) {
            String endpoint = connectionStringPart(connectionString, "Endpoint");
            if (endpoint != null) {
                String host = endpoint.replaceFirst("^[a-zA-Z]+://", "");
                int slash = host.indexOf('/');
                return slash < 0 ? host : host.substring(0, slash);
            }
        }
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalStateException("lakehub.events.eventhubs.namespace is not set (nor an Endpoint in the connection string)");
        }
        return namespace.contains(".") ? namespace : namespace + SERVICE_SUFFIX;
    }

    /**
     * The event hub the SDK consumes: the connection string's {@code EntityPath} when it has one, else
     * {@link #getEventHubName()}.
     */
    public String effectiveEventHubName() {
        String entity = usesConnectionString() ? connectionStringPart(connectionString, "EntityPath") : null;
        return entity != null ? entity : eventHubName;
    }

    /**
     * The connection string handed to the SDK: the configured one with {@code ;EntityPath=<event hub>}
     * appended when it is a namespace-level string (the processor client needs the entity, see
     * https://learn.microsoft.com/java/api/com.azure.messaging.eventhubs.eventprocessorclientbuilder#method-details).
     *
     * @throws IllegalStateException if credential type is {@code connection-string} and none is set
     */
    public String entityConnectionString() {
        if (connectionString.isEmpty()) {
            throw new IllegalStateException("lakehub.events.eventhubs.credential-type=connection-string but no connection string is set "
                    + "(environment variable EVENTHUBS_CONNECTION_STRING)");
        }
        if (connectionStringPart(connectionString, "EntityPath") != null) {
            return connectionString;
        }
        return connectionString.replaceFirst(";*$", "") + ";EntityPath=" + eventHubName;
    }

    /** The value of {@code name=} in a {@code key=value;...} connection string (case-insensitive name), or null. */
    static String connectionStringPart(String connection, String name) {
        if (connection == null) {
            return null;
        }
        for (String part : connection.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = part.substring(eq + 1).trim();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    /**
     * The {@code <namespace>} part of the endpoint URI {@code azure-eventhubs:<namespace>/<event hub>}:
     * {@link #getNamespace()}, else the first label of {@link #fullyQualifiedNamespace()}.
     */
    public String namespaceName() {
        if (namespace != null && !namespace.isBlank()) {
            return namespace.contains(".") ? namespace.substring(0, namespace.indexOf('.')) : namespace;
        }
        String fq = fullyQualifiedNamespace();
        return fq.contains(".") ? fq.substring(0, fq.indexOf('.')) : fq;
    }

    /** The settings with both connection strings masked ({@code ***} when set, empty when not). */
    @Override
    public String toString() {
        return "EventHubsProperties{namespace=" + namespace + ", eventHubName=" + eventHubName + ", credentialType=" + credentialType
                + ", connectionString=" + mask(connectionString) + ", consumerGroup=" + consumerGroup
                + ", blobContainer=" + blobContainer + ", blobConnectionString=" + mask(blobConnectionString)
                + ", blobAccount=" + blobAccount + ", blobEndpoint=" + blobEndpoint + ", batchSize=" + batchSize
                + ", batchLatency=" + batchLatency + ", prefetch=" + prefetch + ", initialPosition=" + initialPosition + ", retryBackoff=" + retryBackoff
                + ", checkpointTimeout=" + checkpointTimeout + "}";
    }

    private static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "" : "***";
    }
}
