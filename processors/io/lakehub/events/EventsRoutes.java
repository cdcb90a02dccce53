package io.lakehub.events;

import io.lakehub.config.EventsProperties;
import io.lakehub.events.eventhubs.EventHubsTransport;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Instantiates the route template {@code events-consume-<transport>} (routes/events.camel.yaml) as route
 * {@code events-consume-<hub>} when {@code lakehub.events.enabled} is true, after the Camel context
 * has loaded the YAML routes. When disabled no Kafka consumer exists, so the hub starts without a broker.
 */
@Component
public class EventsRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EventsRoutes.class);

    private final EventsProperties props;
    private final ObjectProvider<EventHubsTransport> eventHubs;

    public EventsRoutes(EventsProperties props, ObjectProvider<EventHubsTransport> eventHubs) {
        this.props = props;
        this.eventHubs = eventHubs;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (!props.isEnabled()) {
            LOG.info("events: disabled (lakehub.events.enabled=false)");
            return;
        }
        String routeId;
        try {
            TemplatedRouteBuilder route = TemplatedRouteBuilder.builder(camelContext, "events-consume-" + props.getTransport())
                    .routeId("events-consume-" + props.getHub())
                    .parameter("hub", props.getHub());
            switch (props.getTransport()) {
                case "kafka" -> route
                        .parameter("topic", props.getTopic())
                        .parameter("brokers", props.getBootstrapServers())
                        .parameter("groupId", props.getConsumerGroup())
                        .parameter("autoOffsetReset", props.getAutoOffsetReset())
                        .parameter("maxPollRecords", Integer.toString(props.getMaxPollRecords()))
                        .parameter("pollTimeoutMs", Long.toString(props.getPollTimeout().toMillis()));
                case "eventhubs" -> eventHubs.getObject().configure(camelContext, route);
                default -> throw new IllegalArgumentException("lakehub.events.transport: unknown transport '"
                        + props.getTransport() + "' (expected kafka or eventhubs)");
            }
            routeId = route.add();
        } catch (RuntimeException e) {
            throw new IllegalStateException("events: cannot create the consumer route: " + e.getMessage(), e);
        }
        if (props.getTransport().equals("eventhubs")) {
            LOG.info("events {}: consuming {} into bronze/events/{}, quarantine/events/{}, silver/events_{} (route {})", props.getHub(),
                    EventHubsTransport.loggableEndpoint(camelContext, routeId), props.getHub(), props.getHub(), props.getHub(), routeId);
            return;
        }
        LOG.info("events {}: consuming topic {} as group {} into bronze/events/{}, quarantine/events/{}, silver/events_{} (route {})",
                props.getHub(), props.getTopic(), props.getConsumerGroup(), props.getHub(), props.getHub(), props.getHub(),
                routeId);
    }
}
