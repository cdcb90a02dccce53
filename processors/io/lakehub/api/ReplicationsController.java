package io.lakehub.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.lakehub.replication.ReplicaTargets;
import io.lakehub.replication.Replication;
import io.lakehub.replication.ReplicationService;
import io.lakehub.replication.ReplicationStore;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The replication flow.
 *
 * <ul>
 *   <li>{@code POST /api/replications} with a {@link ReplicationService.Request} as JSON: 202 Accepted with
 *   {@code {"id","status","location"}} and a {@code Location} header; a request id seen before answers
 *   200 with the first replication and {@code "duplicate": true}; a bad request 400 (a filter error
 *   names its position), an unknown table/version/tag 404, an existing destination 409.</li>
 *   <li>{@code GET /api/replications/{id}}: the record ({@link Replication}); 404 if unknown.</li>
 *   <li>{@code GET /api/replications?table=&limit=}: records, newest first.</li>
 *   <li>{@code GET /api/replications/targets}: configured target names and types.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/replications")
public class ReplicationsController {

    private final ReplicationService service;
    private final ReplicationStore store;
    private final ReplicaTargets targets;

    public ReplicationsController(ReplicationService service, ReplicationStore store, ReplicaTargets targets) {
        this.service = service;
        this.store = store;
        this.targets = targets;
    }

    /**
     * Accepts a replication request (see the class comment for the answers). With authentication on, the
     * requester recorded in the lineage is the authenticated user or token, not what the body claims.
     */
    @PostMapping
    @ApiResponse(responseCode = "202", description = "accepted; Location names the replication",
            content = @Content(schema = @Schema(implementation = ReplicationAccepted.class)))
    @ApiResponse(responseCode = "200", description = "a request id seen before: the first replication, duplicate true",
            content = @Content(schema = @Schema(implementation = ReplicationAccepted.class)))
    public ResponseEntity<ReplicationAccepted> request(@RequestBody ReplicationService.Request request,
                                                       org.springframework.security.core.Authentication who) {
        if (who != null && who.isAuthenticated() && request != null) {
            request = new ReplicationService.Request(request.requestId(), request.table(), request.version(), request.tag(),
                    request.columns(), request.filter(), request.target(), request.path(), request.format(),
                    request.recipients(), who.getName());
        }
        ReplicationService.Accepted accepted = service.accept(request);
        Replication r = accepted.replication();
        ReplicationAccepted body = new ReplicationAccepted(r.id, r.requestId, accepted.status(), r.sourceVersion,
                r.location, accepted.duplicate());
        URI self = URI.create("/api/replications/" + r.id);
        return ResponseEntity.status(accepted.duplicate() ? HttpStatus.OK : HttpStatus.ACCEPTED).location(self).body(body);
    }

    /** One replication. */
    @GetMapping("/{id}")
    public Replication get(@PathVariable String id) {
        return store.get(id);
    }

    /** Replications, newest first. */
    @GetMapping
    public List<Replication> list(@RequestParam(required = false) String table, @RequestParam(defaultValue = "100") int limit) {
        return store.list(table, Math.max(1, limit));
    }

    /** Configured targets: name to type ({@code local}, {@code blob}, {@code sftp}...). */
    @GetMapping("/targets")
    public Map<String, String> targets() {
        return targets.describe();
    }
}
