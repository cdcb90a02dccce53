package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The 409 a follower answers to "run now" of a sql-incremental source ({@link io.lakehub.cluster.NotLeaderException}):
 * {@link ApiError}'s fields and who leads.
 *
 * @param status   409
 * @param error    which instance refused and why
 * @param source   the sql-incremental source asked for
 * @param instance this instance's id (the follower)
 * @param leader   the leading instance's id, or null when the lock does not record it (always present)
 */
@Schema(description = "409 of a follower asked to run a source its leader polls")
public record NotLeaderError(int status, String error, String source, String instance,
                             @Schema(nullable = true, description = "the leading instance, null if the lock does not record it")
                             String leader) {
}
