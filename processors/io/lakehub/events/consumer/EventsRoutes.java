package io.lakehub.events.consumer;

import io.lakehub.events.EventsProperties;
import io.lakehub.events.eventhubs.EventHubsTransport;
import io.lakehub.events.inprocess.InProcessProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.stereotype.Component;

/**
 * Instantiates the route template {@code events-consume-<transport>} (routes/events.camel.yaml) as route
 * {@code events-consume-<hub>} when {@code lakehub.events.enabled} is true, after the Camel context
 * has loaded the YAML routes. When disabled no Kafka consumer exists, so the hub starts without a broker.
 * Not in {@code --once} mode: a stream has no end for {@code --once} to wait for.
 */
@Component
public class EventsRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EventsRoutes.class);

    private final EventsProperties props;
    private final InProcessProperties inProcess;
    private final ObjectProvider<EventHubsTransport> eventHubs;
    private final boolean once;

    public EventsRoutes(EventsProperties props, InProcessProperties inProcess, ObjectProvider<EventHubsTransport> eventHubs,
                        ApplicationArguments args) {
        this.props = props;
        this.eventHubs = eventHubs;
        this.inProcess = inProcess;
        this.once = args.containsOption("once");
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
        if (once) {
            // --once runs the bounded flows and exits; a stream consumer has no last batch to wait for
            LOG.info("events: not consumed in --once mode");
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
                case "in-process" -> route
                        .parameter("pollPeriodMs", Long.toString(inProcess.getPollPeriod().toMillis()));
                case "eventhubs" -> eventHubs.getObject().configure(camelContext, route);
                default -> throw new IllegalArgumentException("lakehub.events.transport: unknown transport '"
                        + props.getTransport() + "' (expected kafka, eventhubs or in-process)");
            }
            routeId = route.add();
        } catch (RuntimeException e) {
            throw new IllegalStateException("events: cannot create the consumer route: " + e.getMessage(), e);
        }
        String from = switch (props.getTransport()) {
            case "in-process" -> "the in-process log";
            case "eventhubs" -> EventHubsTransport.loggableEndpoint(camelContext, routeId);
            default -> "topic " + props.getTopic() + " as group " + props.getConsumerGroup();
        };
        LOG.info("events {}: consuming {} into bronze/events/{}, quarantine/events/{}, silver/events_{} (route {})",
                props.getHub(), from, props.getHub(), props.getHub(), props.getHub(), routeId);
    }
}
