package io.lakehub.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;

/**
 * The commit history of one table ({@link DeltaTable#historyEntries}, {@link DeltaTable#history}): the
 * {@code commitInfo} action of each commit file still in {@code _delta_log}, newest first, stopping where
 * older commit files were cleaned up after a checkpoint. A maintenance commit logged as
 * {@code Manual Update} is named by its {@code operationParameters.operation} (OPTIMIZE, VACUUM START/END);
 * {@code userMetadata} is parsed as JSON when it is JSON, else kept as text. Thread-safe: reads the log
 * on each call.
 */
final class TableHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeltaTable table;

    TableHistory(DeltaTable table) {
        this.table = table;
    }

    /** {@link DeltaTable#historyEntries}: same limit, order and errors. */
    List<HistoryEntry> entries(int limit) {
        java.util.NavigableMap<Long, java.time.Instant> commits = new TableVersions(table).commitTimestamps();
        List<HistoryEntry> out = new ArrayList<>();
        Long v = commits.isEmpty() ? null : commits.lastKey();
        while (v != null && out.size() < limit) {
            out.add(commitInfo(v));
            Long before = commits.lowerKey(v);
            if (before == null || before != v - 1) {
                break; // older log files were cleaned up after a checkpoint
            }
            v = before;
        }
        return out;
    }

    private HistoryEntry commitInfo(long version) {
        Path file = new Path(new Path(table.path(), "_delta_log"), String.format("%020d.json", version));
        JsonNode info = null;
        try {
            org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(table.lake().conf());
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(file),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && info == null) {
                    if (line.contains("\"commitInfo\"")) {
                        JsonNode action = JSON.readTree(line);
                        if (action.has("commitInfo")) {
                            info = action.get("commitInfo");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read commit " + version + " of " + table.name() + ": " + e.getMessage(), e);
        }
        if (info == null) {
            return new HistoryEntry(version, null, null, null, Map.of(), Map.of(), null, null, null);
        }
        Map<String, String> params = textMap(info.get("operationParameters"));
        String logOperation = info.hasNonNull("operation") ? info.get("operation").asText() : null;
        // maintenance commits are named "Manual Update" (as delta-standalone had to); their real name
        // (OPTIMIZE, VACUUM START/END) is in operationParameters.operation
        String named = params.get("operation");
        return new HistoryEntry(version,
                info.hasNonNull("timestamp") ? info.get("timestamp").asLong() : null,
                "Manual Update".equals(logOperation) && named != null ? named : logOperation,
                logOperation, params, textMap(info.get("operationMetrics")),
                info.hasNonNull("userMetadata") ? parseJsonOrText(info.get("userMetadata").asText()) : null,
                info.hasNonNull("readVersion") ? info.get("readVersion").asLong() : null,
                info.hasNonNull("engineInfo") ? info.get("engineInfo").asText() : null);
    }

    private static Map<String, String> textMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(),
                    e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        return out;
    }

    private static Object parseJsonOrText(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }
}
