package io.lakehub.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The events flow ({@code GET /api/flows/events}): settings (no credentials) and counters since start. Every
 * field is present.
 *
 * @param enabled        whether the flow consumes
 * @param hub            the hub (event stream) name
 * @param transport      {@code in-process}, {@code kafka} or {@code eventhubs}
 * @param topic          the topic or event hub read
 * @param consumerGroup  the consumer group
 * @param maxPollRecords most events one batch takes
 * @param pollTimeout    longest wait of one poll, ISO-8601 duration
 * @param silverTable    the silver table, {@code events_<hub>}
 * @param eventTypes     the event types with validation rules
 * @param counters       the counters of this hub; an empty object when the flow is off
 * @param hubs           the counters of every hub seen since start, by hub
 */
@Schema(description = "The events flow: settings and counters")
public record EventsFlow(boolean enabled, String hub, String transport, String topic, String consumerGroup,
                         int maxPollRecords, @Schema(description = "ISO-8601 duration") String pollTimeout,
                         String silverTable, Set<String> eventTypes,
                         @Schema(description = "this hub's counters; {} when the flow is off") HubCounters counters,
                         Map<String, HubCounters> hubs) {

    /**
     * The counters of one hub since start ({@link io.lakehub.events.EventCounters}). {@link #EMPTY} (the flow is
     * off) is written as {@code {}}: its fields are null and left out, while {@code lastBatchAt} and
     * {@code lastError} of a real hub are an {@link Optional} so that "none yet" is written as {@code null}.
     *
     * @param bronze            events landed in bronze
     * @param valid             events appended to silver
     * @param quarantined       events quarantined
     * @param replayedSkipped   events skipped as already committed (a redelivery after a crash)
     * @param batches           batches committed
     * @param failedBatches     batches that failed (redelivered)
     * @param lastSilverVersion the silver version written last, -1 before the first
     * @param lastBatchAt       when the last batch committed, ISO-8601 UTC, or null
     * @param lastError         the last batch failure ({@code <exception>: <message>}), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HubCounters(Long bronze, Long valid, Long quarantined, Long replayedSkipped, Long batches,
                              Long failedBatches, Long lastSilverVersion,
                              @Schema(type = "string", nullable = true) Optional<String> lastBatchAt,
                              @Schema(type = "string", nullable = true) Optional<String> lastError) {

        /** No counters: written as {@code {}}. */
        public static final HubCounters EMPTY = new HubCounters(null, null, null, null, null, null, null, null, null);

        static HubCounters of(Map<String, Object> m) {
            return new HubCounters(Views.longOrNull(m.get("bronze")), Views.longOrNull(m.get("valid")),
                    Views.longOrNull(m.get("quarantined")), Views.longOrNull(m.get("replayedSkipped")),
                    Views.longOrNull(m.get("batches")), Views.longOrNull(m.get("failedBatches")),
                    Views.longOrNull(m.get("lastSilverVersion")), Optional.ofNullable(Views.text(m.get("lastBatchAt"))),
                    Optional.ofNullable(Views.text(m.get("lastError"))));
        }

        static Map<String, HubCounters> all(Map<String, Map<String, Object>> hubs) {
            Map<String, HubCounters> out = new LinkedHashMap<>();
            hubs.forEach((k, v) -> out.put(k, of(v)));
            return out;
        }
    }
}
