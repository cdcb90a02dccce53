package io.lakehub.events;

import io.lakehub.events.EventsProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.stereotype.Component;

/**
 * Instantiates the route template {@code events-compact} (routes/events.camel.yaml) as route
 * {@code events-compact-<hub>} when both {@code lakehub.events.enabled} and
 * {@code lakehub.events.compaction.enabled} are true, after the Camel context has loaded the YAML
 * routes. Not in {@code --once} mode. The compaction also runs on request: {@code POST /api/flows/events/compact}.
 */
@Component
public class EventsMaintenanceRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EventsMaintenanceRoutes.class);

    private final EventsProperties events;
    private final CompactionProperties compaction;
    private final boolean once;

    public EventsMaintenanceRoutes(EventsProperties events, CompactionProperties compaction, ApplicationArguments args) {
        this.events = events;
        this.compaction = compaction;
        this.once = args.containsOption("once");
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (once || !events.isEnabled() || !compaction.isEnabled()) {
            return;
        }
        String routeId = TemplatedRouteBuilder.builder(camelContext, "events-compact")
                .routeId("events-compact-" + events.getHub())
                .parameter("hub", events.getHub())
                .parameter("delay", Long.toString(compaction.getEvery().toMillis()))
                .parameter("initialDelay", Long.toString(compaction.getInitialDelay().toMillis()))
                .add();
        LOG.info("events {}: compacting closed bronze minute folders (grace {}) every {}, first in {} (route {})",
                events.getHub(), compaction.getGrace(), compaction.getEvery(), compaction.getInitialDelay(), routeId);
    }
}
