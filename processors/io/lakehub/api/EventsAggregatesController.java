package io.lakehub.api;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.events.CompactBronzeEvents;
import io.lakehub.events.EventAggregator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bronze compaction, windowed aggregates and alerts of the events flow.
 *
 * <ul>
 *   <li>{@code POST /api/flows/events/compact}: compacts the closed bronze minute folders now, whether or
 *       not the schedule is on; answers {@link CompactBronzeEvents.Result}: hub, filesBefore, filesAfter,
 *       minutesCompacted, rowsRead, rowsWritten, duplicatesDropped, coveredRemoved, uncommittedLeft, durationMs.
 *       The run is also in {@code GET /api/runs}.</li>
 *   <li>{@code GET /api/flows/events/aggregates}: the aggregate table, window size, allowed lateness, rule
 *       names, watermark, counters since start (counted, late, alerts, commits, failures), lastVersion,
 *       lastError, and {@code alerts}: the alerts written most recently (pending and sent), newest first,
 *       at most {@code ?alerts=} (default 100, up to 10,000).</li>
 *   <li>{@code POST /api/flows/events/aggregates/catch-up}: brings the aggregates up to the silver
 *       positions now (reads missing events back from silver); answers {@link EventAggregator.Outcome}.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/flows/events")
public class EventsAggregatesController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompactBronzeEvents compaction;
    private final EventAggregator aggregator;

    public EventsAggregatesController(CompactBronzeEvents compaction, EventAggregator aggregator) {
        this.compaction = compaction;
        this.aggregator = aggregator;
    }

    /** Compacts the closed minute folders of bronze now. */
    @PostMapping("/compact")
    public CompactBronzeEvents.Result compact() throws IOException {
        return compaction.compact(Instant.now());
    }

    /** Aggregator status and the alerts written. */
    @GetMapping("/aggregates")
    public AggregatesStatus aggregates(@RequestParam(defaultValue = "100") int alerts) throws IOException {
        List<JsonNode> recent = new ArrayList<>();
        for (String a : aggregator.outbox().recent(Math.max(0, Math.min(alerts, 10_000)))) {
            recent.add(JSON.readTree(a));
        }
        return AggregatesStatus.of(aggregator.status(), recent);
    }

    /** Catches the aggregates up with silver now. */
    @PostMapping("/aggregates/catch-up")
    public EventAggregator.Outcome catchUp() throws IOException {
        return aggregator.catchUp();
    }
}
