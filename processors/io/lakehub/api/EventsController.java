package io.lakehub.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lakehub.events.EventsProperties;
import io.lakehub.events.EventCounters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The events flow.
 *
 * <ul>
 *   <li>{@code GET /api/flows/events}: settings (no credentials) and the counters of each hub since start:
 *       bronze, valid (silver), quarantined, replayedSkipped, batches, failedBatches, lastSilverVersion,
 *       lastBatchAt, lastError</li>
 * </ul>
 */
@RestController
@RequestMapping("/api")
public class EventsController {

    private final EventsProperties props;
    private final EventCounters counters;

    public EventsController(EventsProperties props, EventCounters counters) {
        this.props = props;
        this.counters = counters;
    }

    /** Settings and counters of the events flow. */
    @GetMapping("/flows/events")
    public Map<String, Object> events() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", props.isEnabled());
        m.put("hub", props.getHub());
        m.put("transport", props.getTransport());
        m.put("topic", props.getTopic());
        m.put("consumerGroup", props.getConsumerGroup());
        m.put("maxPollRecords", props.getMaxPollRecords());
        m.put("pollTimeout", props.getPollTimeout().toString());
        m.put("silverTable", "events_" + props.getHub());
        m.put("eventTypes", props.getRules().keySet());
        m.put("counters", props.isEnabled() ? counters.hub(props.getHub()).snapshot() : Map.of());
        m.put("hubs", counters.all());
        return m;
    }
}
