package io.lakehub.api;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One version of a table ({@code GET /api/tables/{name}}): the summary fields of {@link TableSummary}, then its
 * commit time, tags, readability, columns and table properties. Every field is present.
 *
 * @param name       the table name
 * @param path       {@code silver/<name>}
 * @param version    the version described
 * @param files      data files of the version
 * @param rows       rows from the file statistics; -1 when unknown without reading
 * @param bytes      size of the data files, bytes
 * @param protocol   the Delta protocol the version needs
 * @param timestamp  commit time, ISO-8601 UTC, or null when the commit file is gone
 * @param tags       the tags naming this version
 * @param readable   whether its data files can still be read (false after VACUUM removed some)
 * @param columns    the schema, top-level columns in order
 * @param properties table properties ({@code delta.*}, {@code lakehub.*}, watermarks as JSON text)
 */
@Schema(description = "One version of a table with its schema and properties")
public record TableVersionView(String name, String path, long version, int files, long rows, long bytes,
                               TableProtocol protocol, @Schema(nullable = true) String timestamp, List<String> tags,
                               boolean readable, List<ColumnView> columns, Map<String, String> properties) {

    /**
     * A column.
     *
     * @param name     the column name
     * @param type     the Delta type in its simple form ({@code string}, {@code bigint}, {@code decimal(10,2)},
     *                 {@code struct<...>})
     * @param nullable whether it may hold null
     */
    public record ColumnView(String name, String type, boolean nullable) {
    }
}
