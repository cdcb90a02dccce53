package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A named version ({@code GET /api/tables/{name}/tags[/{tag}]}).
 *
 * @param tag       the name
 * @param version   the version it names
 * @param timestamp that version's commit time, ISO-8601 UTC, or null when the commit file is gone (always present)
 */
@Schema(description = "A tag: a named table version")
public record TableTag(String tag, long version,
                       @Schema(nullable = true) String timestamp) {
}
