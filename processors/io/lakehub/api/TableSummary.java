package io.lakehub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A table of {@code GET /api/tables}: either a summary of its latest version ({@code name, path, version, files,
 * rows, bytes, protocol}) or, for a table the hub cannot read, {@code name, path, readable: false, reason, error}.
 * Fields that do not apply are absent.
 *
 * @param name     the table name (folder under {@code silver/})
 * @param path     {@code silver/<name>}
 * @param version  the latest version
 * @param files    data files of the version
 * @param rows     rows of the version from the file statistics; -1 when unknown without reading (a file
 *                 without statistics, or a deletion vector)
 * @param bytes    size of the data files, bytes
 * @param protocol the Delta protocol the version needs
 * @param readable false for a table the hub cannot read (absent otherwise)
 * @param reason   why not: {@code UNSUPPORTED_FEATURE} or {@code BROKEN_LOG}
 * @param error    the message naming the feature or the broken file
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A silver table: its latest version's summary, or why it cannot be read")
public record TableSummary(String name, String path, Long version, Integer files,
                           @Schema(description = "rows; -1 when unknown without reading") Long rows,
                           @Schema(description = "bytes of data files") Long bytes, TableProtocol protocol,
                           Boolean readable,
                           @Schema(allowableValues = {"UNSUPPORTED_FEATURE", "BROKEN_LOG"}) String reason,
                           String error) {
}
