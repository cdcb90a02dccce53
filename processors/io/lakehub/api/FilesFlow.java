package io.lakehub.api;

import java.util.List;
import java.util.Map;

import io.lakehub.run.RunHistory;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The files-ingest flow ({@code GET /api/flows/files-ingest}): settings, declared kinds, counters, last run and
 * recent files. Every field is present.
 *
 * @param enabled      whether the flow runs
 * @param landing      the landing folder (local path or blob URL)
 * @param archive      the archive folder
 * @param pollDelay    time between polls of the landing folder, ISO-8601 duration
 * @param rowGroupSize Parquet row group size of bronze files, with its unit ({@code 128MB})
 * @param kinds        the declared file kinds
 * @param counters     counters kept across restarts
 * @param lastRun      the latest file run, or null
 * @param files        the most recent files, newest first
 */
@Schema(description = "The files-ingest flow: settings, kinds, counters, recent files")
public record FilesFlow(boolean enabled, String landing, String archive,
                        @Schema(description = "ISO-8601 duration") String pollDelay,
                        @Schema(description = "data size with unit", example = "128MB") String rowGroupSize,
                        List<FileKindView> kinds, Counters counters, @Schema(nullable = true) RunHistory.Run lastRun,
                        List<FileOutcome> files) {

    /**
     * A declared file kind.
     *
     * @param kind         the kind (file base name)
     * @param table        {@code silver/<table>}
     * @param key          the declared key, or null
     * @param keys         the row key columns MERGE matches on
     * @param minRowsRatio the smallest share of the previous row count a full file may have before it is held
     * @param allowEmpty   whether an empty file is accepted
     * @param bridges      the bridge tables it also writes, {@code silver/<table>}
     */
    public record FileKindView(String kind, String table, @Schema(nullable = true) String key, List<String> keys,
                               double minRowsRatio, boolean allowEmpty, List<String> bridges) {
    }

    /**
     * Counters, kept across restarts.
     *
     * @param files       files ingested
     * @param rows        rows of ingested files
     * @param quarantined files quarantined
     * @param failed      failed attempts (the file stays in the landing folder)
     */
    @Schema(name = "FilesCounters")
    public record Counters(long files, long rows, long quarantined, long failed) {

        static Counters of(Map<String, Object> m) {
            return new Counters(Views.longOf(m.get("files")), Views.longOf(m.get("rows")),
                    Views.longOf(m.get("quarantined")), Views.longOf(m.get("failed")));
        }
    }

    /**
     * The outcome of one file. Every field is present.
     *
     * @param runId          the run id
     * @param file           the file name
     * @param kind           its kind, or null
     * @param status         SUCCEEDED, QUARANTINED or FAILED
     * @param start          when its run started, ISO-8601 UTC
     * @param end            when it ended, ISO-8601 UTC
     * @param bytes          its size, bytes
     * @param rows           rows read
     * @param bronze         the bronze file written, or null
     * @param replayed       whether bronze already held it (a replay after a crash)
     * @param silverVersions silver table to the version written
     * @param silverRows     silver table to the rows MERGEd
     * @param movedTo        the archive or quarantine path, or null
     * @param error          the reason of a quarantine or failure, or null
     * @param line           the line of the reason, or null
     */
    public record FileOutcome(String runId, String file, @Schema(nullable = true) String kind, String status,
                              String start, String end, @Schema(description = "bytes", nullable = true) Long bytes,
                              long rows, @Schema(nullable = true) String bronze, @Schema(nullable = true) Boolean replayed,
                              @Schema(nullable = true) Map<String, Long> silverVersions,
                              @Schema(nullable = true) Map<String, Long> silverRows,
                              @Schema(nullable = true) String movedTo, @Schema(nullable = true) String error,
                              @Schema(nullable = true) Long line) {

        static FileOutcome of(Map<String, Object> m) {
            return new FileOutcome(Views.text(m.get("runId")), Views.text(m.get("file")), Views.text(m.get("kind")),
                    Views.text(m.get("status")), Views.text(m.get("start")), Views.text(m.get("end")),
                    Views.longOrNull(m.get("bytes")), Views.longOf(m.get("rows")), Views.text(m.get("bronze")),
                    (Boolean) m.get("replayed"), Views.longs(m.get("silverVersions")), Views.longs(m.get("silverRows")),
                    Views.text(m.get("movedTo")), Views.text(m.get("error")), Views.longOrNull(m.get("line")));
        }
    }
}
