package io.lakehub.api;

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
    public EventsFlow events() {
        return new EventsFlow(props.isEnabled(), props.getHub(), props.getTransport(), props.getTopic(),
                props.getConsumerGroup(), props.getMaxPollRecords(), props.getPollTimeout().toString(),
                "events_" + props.getHub(), props.getRules().keySet(),
                props.isEnabled() ? EventsFlow.HubCounters.of(counters.hub(props.getHub()).snapshot())
                        : EventsFlow.HubCounters.EMPTY, EventsFlow.HubCounters.all(counters.all()));
    }
}
