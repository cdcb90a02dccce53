package io.lakehub.api;

import io.lakehub.events.generator.EventGenerator;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The event generator (issue 4, part 6).
 *
 * <ul>
 *   <li>{@code GET /api/flows/events/generator}: running, mode, transport, rate, and of the current or
 *       last run: limit, published, bad (per defect), startedAt, endedAt, error</li>
 *   <li>{@code POST /api/flows/events/generator?action=start[&mode=watch|replay][&rate=<events/s>][&count=<events>]}:
 *       starts a run (202); settings not given come from {@code lakehub.events.generator.*}; {@code count}
 *       publishes that many events and stops. 409 if a run is going on or nothing consumes the in-process
 *       transport, 400 for a bad mode, rate or replay file.</li>
 *   <li>{@code POST /api/flows/events/generator?action=stop}: stops the run (200).</li>
 * </ul>
 */
@RestController
@RequestMapping("/api")
public class EventGeneratorController {

    private final EventGenerator generator;

    /** @param generator the hub's event generator */
    public EventGeneratorController(EventGenerator generator) {
        this.generator = generator;
    }

    /** The generator's status. */
    @GetMapping("/flows/events/generator")
    public GeneratorStatus status() {
        return GeneratorStatus.of(generator.status());
    }

    /**
     * Starts or stops the generator.
     *
     * @throws IllegalArgumentException if the action is not start or stop (400)
     */
    @PostMapping("/flows/events/generator")
    @ApiResponse(responseCode = "202", description = "a run started: its status",
            content = @Content(schema = @Schema(implementation = GeneratorStatus.class)))
    @ApiResponse(responseCode = "200", description = "the run stopped: the status of the stopped (or last) run",
            content = @Content(schema = @Schema(implementation = GeneratorStatus.class)))
    public ResponseEntity<GeneratorStatus> control(@RequestParam String action,
                                                       @RequestParam(required = false) String mode,
                                                       @RequestParam(required = false) Double rate,
                                                       @RequestParam(required = false) Long count) throws InterruptedException {
        return switch (action) {
            case "start" -> ResponseEntity.status(HttpStatus.ACCEPTED).body(GeneratorStatus.of(generator.start(mode, rate, count)));
            case "stop" -> ResponseEntity.ok(GeneratorStatus.of(generator.stop()));
            default -> throw new IllegalArgumentException("action must be start or stop: " + action);
        };
    }
}
