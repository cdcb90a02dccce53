package io.lakehub.api;

import java.util.List;
import java.util.Map;

import io.lakehub.delta.HistoryEntry;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One commit of a table's history ({@code GET /api/tables/{name}/history}), from its {@code commitInfo}
 * ({@link HistoryEntry}), with the replications that copied the version. Every field is present.
 *
 * @param version             the version the commit made
 * @param timestamp           {@code commitInfo.timestamp}, milliseconds since the epoch, or null
 * @param operation           the operation (for a maintenance commit, OPTIMIZE, VACUUM START/END)
 * @param logOperation        the operation as written in the log
 * @param operationParameters parameters, values as text
 * @param operationMetrics    metrics, values as text (numbers in decimal)
 * @param userMetadata        {@code commitInfo.userMetadata}: parsed JSON when it is JSON, else its text, or null
 * @param readVersion         the version the writer read, or null
 * @param engineInfo          the writer, or null
 * @param replications        the replications that copied this version, newest first
 */
@Schema(description = "A commit of a table's history")
public record TableCommit(long version, @Schema(description = "ms since the epoch", nullable = true) Long timestamp,
                          String operation, String logOperation, Map<String, String> operationParameters,
                          Map<String, String> operationMetrics,
                          @Schema(description = "JSON value or text", nullable = true) Object userMetadata,
                          @Schema(nullable = true) Long readVersion, @Schema(nullable = true) String engineInfo,
                          List<ReplicationLink> replications) {

    static TableCommit of(HistoryEntry e, List<ReplicationLink> replications) {
        return new TableCommit(e.version(), e.timestamp(), e.operation(), e.logOperation(), e.operationParameters(),
                e.operationMetrics(), e.userMetadata(), e.readVersion(), e.engineInfo(), replications);
    }

    /**
     * A replication that copied the version.
     *
     * @param id          the replication id
     * @param status      QUEUED, RUNNING, SUCCEEDED or FAILED
     * @param target      the target name
     * @param destination the folder written
     * @param location    the copy's URL or path
     * @param finishedAt  when it ended, ISO-8601 UTC, or null
     */
    public record ReplicationLink(String id, String status, String target, String destination, String location,
                                  String finishedAt) {

        static ReplicationLink of(Map<String, Object> m) {
            return new ReplicationLink((String) m.get("id"), (String) m.get("status"), (String) m.get("target"),
                    (String) m.get("destination"), (String) m.get("location"), (String) m.get("finishedAt"));
        }
    }
}
