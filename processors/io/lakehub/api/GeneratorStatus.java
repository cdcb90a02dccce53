package io.lakehub.api;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The event generator ({@code GET|POST /api/flows/events/generator},
 * {@link io.lakehub.events.generator.EventGenerator#status()}). {@code running, enabled, transport, mode, rate}
 * are always present; the run fields only once a run started ({@code endedAt} and {@code error} then present,
 * null while running or without error); {@code replay} and {@code skippedAsCommitted} only for a replay.
 *
 * @param running            whether a run publishes now
 * @param enabled            {@code lakehub.events.generator.enabled}
 * @param transport          {@code in-process} or {@code kafka}
 * @param mode               {@code watch} (synthetic events) or {@code replay} (a file)
 * @param rate               events per second; 0 is as fast as possible
 * @param limit              most events of the run; 0 is no limit
 * @param published          events published by the run
 * @param bad                malformed events published on purpose, per defect
 * @param startedAt          when the run started, ISO-8601 UTC
 * @param endedAt            when it ended, or null while running
 * @param error              why it stopped early, or null
 * @param replay             the replay file's identity
 * @param skippedAsCommitted replay lines a commit already held, not published again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "The event generator's status and its current or last run")
public record GeneratorStatus(boolean running, boolean enabled, String transport,
                              @Schema(allowableValues = {"watch", "replay"}) String mode,
                              @Schema(description = "events per second, 0: as fast as possible") double rate,
                              Long limit, Long published, Map<String, Long> bad, String startedAt,
                              @Schema(type = "string", nullable = true) Optional<String> endedAt,
                              @Schema(type = "string", nullable = true) Optional<String> error,
                              String replay, Long skippedAsCommitted) {

    /** From the generator's status map: a key it left out stays absent, a key it holds null is written as null. */
    static GeneratorStatus of(Map<String, Object> m) {
        return new GeneratorStatus(Boolean.TRUE.equals(m.get("running")), Boolean.TRUE.equals(m.get("enabled")),
                Views.text(m.get("transport")), Views.text(m.get("mode")), ((Number) m.get("rate")).doubleValue(),
                Views.longOrNull(m.get("limit")), Views.longOrNull(m.get("published")), Views.longs(m.get("bad")),
                Views.text(m.get("startedAt")), present(m, "endedAt"), present(m, "error"), Views.text(m.get("replay")),
                Views.longOrNull(m.get("skippedAsCommitted")));
    }

    private static Optional<String> present(Map<String, Object> m, String key) {
        return m.containsKey(key) ? Optional.ofNullable(Views.text(m.get(key))) : null;
    }
}
