package io.lakehub.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Rows inserted, updated and deleted from one version to another ({@code GET /api/tables/{name}/diff},
 * {@link io.lakehub.delta.VersionDiff}).
 *
 * @param table      the table name
 * @param from       the older version
 * @param to         the newer version
 * @param keyColumns the columns rows were matched by
 * @param inserted   rows whose key is only in {@code to}
 * @param updated    rows whose key is in both with other values
 * @param deleted    rows whose key is only in {@code from}
 * @param copied     rows in files both versions share, not compared one by one
 * @param filesRead  data files read of each side
 * @param keys       the keys of the changed rows; absent unless {@code keys=true}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Changes between two versions of a table, matched by key")
public record TableDiff(String table, long from, long to, List<String> keyColumns, long inserted, long updated,
                        long deleted, long copied, FilesRead filesRead, Keys keys) {

    /**
     * Data files read.
     *
     * @param from files read of the older version
     * @param to   files read of the newer version
     */
    @Schema(name = "DiffFilesRead")
    public record FilesRead(int from, int to) {
    }

    /**
     * Keys of the changed rows: each a value, or a list of values for a composite key.
     *
     * @param inserted  keys of inserted rows
     * @param updated   keys of updated rows
     * @param deleted   keys of deleted rows
     * @param truncated whether a list was cut at its limit
     */
    @Schema(name = "DiffKeys")
    public record Keys(List<Object> inserted, List<Object> updated, List<Object> deleted, boolean truncated) {
    }
}
