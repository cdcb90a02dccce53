package io.lakehub.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One replication: the request as accepted, its progress and its results. Persisted as JSON under
 * {@code _hub/replications/<id>.json} after every change of state ({@link ReplicationStore}), shown by
 * {@code GET /api/replications/{id}}. Holds no credential.
 *
 * <p>Status: {@code QUEUED} (accepted, 202 returned), {@code RUNNING}, then {@code SUCCEEDED} (copied and
 * validated) or {@code FAILED} (see {@code error}; a replica that failed validation stays at its
 * destination with its {@code _lineage.pending.json} saying so, and never gets a {@code _lineage.json}). Times are ISO-8601 UTC text. Fields are public
 * for Jackson; instances are changed only by the thread running the replication.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Replication {

    /** Terminal and non-terminal states. */
    public static final String QUEUED = "QUEUED";
    /** The copy or validation is under way. */
    public static final String RUNNING = "RUNNING";
    /** Copied, published and validated. */
    public static final String SUCCEEDED = "SUCCEEDED";
    /** Refused at run time, failed, or failed validation. */
    public static final String FAILED = "FAILED";

    /** The hub's id of this replication, {@code rep-<yyyyMMddHHmmss>-<8 hex>}. */
    public String id;
    /** The client's request id; a second request with the same one returns this replication. */
    public String requestId;
    /** Who asked (as the request says; the API has no authentication yet). */
    public String requestedBy;
    /** QUEUED, RUNNING, SUCCEEDED or FAILED. */
    public String status;
    /** Source table (silver table name). */
    public String table;
    /** Version or tag the request asked for (null: latest). */
    public Long requestedVersion;
    /** Tag the request asked for, or null. */
    public String requestedTag;
    /** The source version pinned when the request was accepted; the copy reads exactly this version. */
    public Long sourceVersion;
    /** Columns replicated, in order (all columns of the table when the request named none). */
    public List<String> columns = new ArrayList<>();
    /** The row filter as given (empty: all rows). */
    public String filter = "";
    /** Replica format: csv, parquet or delta. */
    public String format;
    /** Target name. */
    public String target;
    /** Target type: local, blob or adls. */
    public String targetType;
    /** Destination folder, relative to the target. */
    public String destination;
    /** Destination as a URI without credentials. */
    public String location;
    /** Notification recipients. */
    public List<String> notify = new ArrayList<>();
    /** Accepted, started and finished times. */
    public String createdAt;
    /** When the copy started. */
    public String startedAt;
    /** When the replication ended. */
    public String finishedAt;
    /** Rows of the source version read, and rows selected (written to the replica). */
    public Long rowsRead;
    /** Rows written to the replica. */
    public Long rowsWritten;
    /** Files of the replica: name, size (bytes), sha256 (hex). */
    public List<Map<String, Object>> files;
    /** Order-independent per-column checksums of the source selection ({@link ColumnChecksums}). */
    public List<Map<String, Object>> checksums;
    /** Validation: status PASSED or FAILED, and each check with name, passed, expected, actual. */
    public Map<String, Object> validation;
    /** Notification: channel smtp or outbox, status SENT, WRITTEN or FAILED, attempts, error, file. */
    public Map<String, Object> notification = new LinkedHashMap<>();
    /** The failure, or null. */
    public String error;

    /** Whether the replication has ended (SUCCEEDED or FAILED). */
    public boolean finished() {
        return SUCCEEDED.equals(status) || FAILED.equals(status);
    }
}
