package io.lakehub.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lakehub.events.*} settings of the events flow (Kafka transport); each key is documented
 * with its default in {@code application.yaml}. Off by default: the embedded default needs no broker.
 */
@ConfigurationProperties(prefix = "lakehub.events")
public class EventsProperties {

    /** Consume events (false: no route, no Kafka connection). */
    private boolean enabled = false;
    /** Hub name: {@code bronze/events/<hub>/}, {@code quarantine/events/<hub>/}, {@code silver/events_<hub>}, txn app ids. */
    private String hub = "default";
    /**
     * How events arrive: {@code kafka} (any Kafka cluster, or the Kafka endpoint of Azure Event Hubs).
     * Each transport is one route template {@code events-consume-<transport>} in routes/events.camel.yaml.
     */
    private String transport = "kafka";
    /** Kafka topic to consume. */
    private String topic = "events";
    /** Kafka bootstrap servers, {@code host:port[,host:port]}. */
    private String bootstrapServers = "localhost:9092";
    /** Kafka consumer group (instances in one group split the partitions). */
    private String consumerGroup = "lakehub-events";
    /** Where a group with no committed offset starts: {@code earliest} or {@code latest}. */
    private String autoOffsetReset = "earliest";
    /** Most records per batch, i.e. per Delta commit. */
    private int maxPollRecords = 500;
    /** Longest wait for a batch to fill before a smaller batch is processed. */
    private Duration pollTimeout = Duration.ofSeconds(5);
    /** JSON field holding the event type. */
    private String typeField = "type";
    /** JSON field holding the event time (ISO-8601). */
    private String timeField = "timestamp";
    /** Event type of a payload without a type field (a stream of one type, e.g. Wikipedia edits); null: none. */
    private String defaultType;
    /** How far in the future (against the hub clock) a timestamp field may be. */
    private Duration maxFutureSkew = Duration.ofMinutes(5);
    /** Declared rules per event type; an event of a type not listed fails rule {@code unknown-type}. */
    private Map<String, TypeRules> rules = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHub() {
        return hub;
    }

    /** @throws IllegalArgumentException if the name is not {@code [A-Za-z0-9_]+} (it names a Delta table) */
    public void setHub(String hub) {
        if (hub == null || !hub.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("lakehub.events.hub must match [A-Za-z0-9_]+: " + hub);
        }
        this.hub = hub;
    }

    public String getTransport() {
        return transport;
    }

    public void setTransport(String transport) {
        this.transport = transport;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getConsumerGroup() {
        return consumerGroup;
    }

    public void setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
    }

    public String getAutoOffsetReset() {
        return autoOffsetReset;
    }

    public void setAutoOffsetReset(String autoOffsetReset) {
        this.autoOffsetReset = autoOffsetReset;
    }

    public int getMaxPollRecords() {
        return maxPollRecords;
    }

    public void setMaxPollRecords(int maxPollRecords) {
        this.maxPollRecords = maxPollRecords;
    }

    public Duration getPollTimeout() {
        return pollTimeout;
    }

    public void setPollTimeout(Duration pollTimeout) {
        this.pollTimeout = pollTimeout;
    }

    public String getTypeField() {
        return typeField;
    }

    public void setTypeField(String typeField) {
        this.typeField = typeField;
    }

    public String getTimeField() {
        return timeField;
    }

    public void setTimeField(String timeField) {
        this.timeField = timeField;
    }

    public String getDefaultType() {
        return defaultType;
    }

    public void setDefaultType(String defaultType) {
        this.defaultType = defaultType;
    }

    public Duration getMaxFutureSkew() {
        return maxFutureSkew;
    }

    public void setMaxFutureSkew(Duration maxFutureSkew) {
        this.maxFutureSkew = maxFutureSkew;
    }

    public Map<String, TypeRules> getRules() {
        return rules;
    }

    public void setRules(Map<String, TypeRules> rules) {
        this.rules = rules;
    }

    /** {@code lakehub.events.rules.<type>}: the rules of one event type. */
    public static class TypeRules {
        /** Fields that must be present and not null (rule {@code required}). */
        private List<String> required = new ArrayList<>();
        /** Per-field checks, applied when the field is present. */
        private Map<String, FieldRule> fields = new LinkedHashMap<>();

        public List<String> getRequired() {
            return required;
        }

        public void setRequired(List<String> required) {
            this.required = required;
        }

        public Map<String, FieldRule> getFields() {
            return fields;
        }

        public void setFields(Map<String, FieldRule> fields) {
            this.fields = fields;
        }
    }

    /** {@code lakehub.events.rules.<type>.fields.<field>}: checks of one field. */
    public static class FieldRule {
        /** string, integer, number, boolean or timestamp (ISO-8601) (rule {@code type}). */
        private String type;
        /** Allowed values, compared as text (rule {@code enum}). */
        private List<String> values = new ArrayList<>();
        /** Smallest allowed number (rule {@code min}). */
        private Double min;
        /** Largest allowed number (rule {@code max}). */
        private Double max;

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public List<String> getValues() {
            return values;
        }

        public void setValues(List<String> values) {
            this.values = values;
        }

        public Double getMin() {
            return min;
        }

        public void setMin(Double min) {
            this.min = min;
        }

        public Double getMax() {
            return max;
        }

        public void setMax(Double max) {
            this.max = max;
        }
    }
}
