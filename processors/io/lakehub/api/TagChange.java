package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The answer to {@code POST /api/tables/{name}/tags} (201).
 *
 * @param table           the table name
 * @param tag             the tag set
 * @param version         the version it names now
 * @param timestamp       that version's commit time, ISO-8601 UTC, or null
 * @param previousVersion the version the tag named before ({@code force=true}), or null for a new tag
 * @param tableVersion    the table version of the tag's own metadata commit
 */
@Schema(description = "A tag set on a table version")
public record TagChange(String table, String tag, long version, @Schema(nullable = true) String timestamp,
                        @Schema(nullable = true) Long previousVersion, long tableVersion) {
}
