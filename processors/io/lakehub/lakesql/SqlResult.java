package io.lakehub.lakesql;

import java.util.List;
import java.util.Map;

/**
 * The JSON answer of {@code POST /api/sql}, streamed in this field order.
 *
 * @param versions  each table read ({@code loans}, {@code gold.<name>}) to the version read
 * @param columns   the result's columns
 * @param rows      the rows, each an array in column order: numbers as JSON numbers (decimals exact),
 *                  dates {@code 2015-12-01}, timestamps ISO-8601 instants in UTC, lists as arrays, other
 *                  values in DuckDB's text form
 * @param rowCount  rows returned
 * @param truncated true when the result had more rows than the limit
 */
public record SqlResult(Map<String, Long> versions, List<Column> columns, List<List<Object>> rows, long rowCount,
                        boolean truncated) {

    /**
     * One column of the result.
     *
     * @param name the column name
     * @param type its DuckDB type, e.g. {@code BIGINT}, {@code VARCHAR}, {@code DECIMAL(10,2)}
     */
    public record Column(String name, String type) {
    }
}
