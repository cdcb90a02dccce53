package io.lakehub.delta;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One commit of a table's history, from the {@code commitInfo} action of its log file (Delta protocol,
 * "Commit Provenance Information"; Spark's {@code DESCRIBE HISTORY} columns).
 *
 * @param version             the version the commit made
 * @param timestamp           {@code commitInfo.timestamp}, milliseconds since the epoch, or null if absent
 * @param operation           the operation; for a maintenance commit the hub wrote as {@code Manual Update}, the
 *                            name in its {@code operationParameters.operation} (OPTIMIZE, VACUUM START/END)
 * @param logOperation        the operation as written in the log
 * @param operationParameters parameters, values as text (JSON text where the writer JSON-encoded them)
 * @param operationMetrics    metrics, values as text (numbers in decimal)
 * @param userMetadata        {@code commitInfo.userMetadata} parsed when it is JSON, else its text, or null
 * @param readVersion         the version the writer read, or null
 * @param engineInfo          the writer, e.g. {@code Apache-Spark/4.1.3 Delta-Lake/4.3.1}, or null
 */
public record HistoryEntry(long version, Long timestamp, String operation, String logOperation,
                           Map<String, String> operationParameters, Map<String, String> operationMetrics,
                           Object userMetadata, Long readVersion, String engineInfo) {

    /** The entry as the history API answers it: a mutable map, keys as the record's components. */
    public Map<String, Object> toMap() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("version", version);
        entry.put("timestamp", timestamp);
        entry.put("operation", operation);
        entry.put("logOperation", logOperation);
        entry.put("operationParameters", operationParameters);
        entry.put("operationMetrics", operationMetrics);
        entry.put("userMetadata", userMetadata);
        entry.put("readVersion", readVersion);
        entry.put("engineInfo", engineInfo);
        return entry;
    }
}
