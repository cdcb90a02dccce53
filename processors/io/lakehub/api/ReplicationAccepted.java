package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The answer to {@code POST /api/replications}: 202 for a new replication, 200 with {@code duplicate: true} for a
 * request id seen before (the first replication's record). Every field is present.
 *
 * @param id            the replication id ({@code GET /api/replications/{id}})
 * @param requestId     the caller's request id
 * @param status        QUEUED, RUNNING, SUCCEEDED or FAILED
 * @param sourceVersion the source table version pinned for the copy, or null before it is pinned
 * @param location      where the copy is (or will be) written, or null
 * @param duplicate     whether the request id was seen before
 */
@Schema(description = "A replication request accepted")
public record ReplicationAccepted(String id, String requestId, String status,
                                  @Schema(nullable = true) Long sourceVersion, @Schema(nullable = true) String location,
                                  boolean duplicate) {
}
