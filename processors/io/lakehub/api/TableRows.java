package io.lakehub.api;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Rows of a version ({@code GET /api/tables/{name}/rows}).
 *
 * @param table   the table name
 * @param version the version read
 * @param count   rows returned (at most the limit)
 * @param rows    the rows in file order, each column name to value (timestamps as ISO-8601 text); the shape is
 *                the table's schema, so it is not fixed here
 */
@Schema(description = "Rows of a table version")
public record TableRows(String table, long version, int count,
                        @Schema(description = "column name to value, per the table's schema") List<Map<String, Object>> rows) {
}
