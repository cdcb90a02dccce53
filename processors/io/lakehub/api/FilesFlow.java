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
 * @param maxBadRows   the default limit of records a file may have rejected one by one before the whole file is
 *                     quarantined ({@code lakehub.files.max-bad-rows}: a count or a share)
 * @param kinds        the declared file kinds
 * @param counters     counters kept across restarts
 * @param lastRun      the latest file run, or null
 * @param files        the most recent files, newest first
 */
@Schema(description = "The files-ingest flow: settings, kinds, counters, recent files")
public record FilesFlow(boolean enabled, String landing, String archive,
                        @Schema(description = "ISO-8601 duration") String pollDelay,
                        @Schema(description = "data size with unit", example = "128MB") String rowGroupSize,
                        String maxBadRows,
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
     * @param pattern      the file name pattern (regular expression) of the kind, or null for its base name
     * @param format       the declared file format ({@code tsv}, {@code csv}, {@code jsonl}, {@code json}), or null to detect it
     * @param mode         the write mode into silver: {@code merge} (upsert by key) or {@code overwrite} (a full snapshot)
     * @param rescue       whether fields the schema does not declare are kept in a rescue column
     * @param maxBadRows   this kind's limit of records rejected one by one before the whole file is quarantined
     * @param bridges      the bridge tables it also writes, {@code silver/<table>}
     */
    public record FileKindView(String kind, String table, @Schema(nullable = true) String key, List<String> keys,
                               double minRowsRatio, boolean allowEmpty, @Schema(nullable = true) String pattern,
                               @Schema(nullable = true) String format, String mode, boolean rescue, String maxBadRows,
                               List<String> bridges) {
    }

    /**
     * Counters, kept across restarts.
     *
     * @param files       files ingested
     * @param rows        rows of ingested files
     * @param quarantined files quarantined
     * @param failed       failed attempts (the file stays in the landing folder)
     * @param rejectedRows records of ingested files rejected one by one (to their rejects file)
     */
    @Schema(name = "FilesCounters")
    public record Counters(long files, long rows, long quarantined, long failed, long rejectedRows) {

        static Counters of(Map<String, Object> m) {
            return new Counters(Views.longOf(m.get("files")), Views.longOf(m.get("rows")),
                    Views.longOf(m.get("quarantined")), Views.longOf(m.get("failed")), Views.longOf(m.get("rejectedRows")));
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
     * @param bronzeFiles    every bronze file of the file (a large file lands in parts), or null for a run recorded
     *                       before parts were
     * @param rowsRead       records read, or null
     * @param rowsLanded     records landed, or null
     * @param rowsRejected   records rejected one by one, or null
     * @param rejects        their rejects file in the lake ({@code quarantine/files/...rejects.jsonl}), or null
     * @param replayed       whether bronze already held it (a replay after a crash)
     * @param silverVersions silver table to the version written
     * @param silverRows     silver table to the rows MERGEd
     * @param movedTo        the archive or quarantine path, or null
     * @param error          the reason of a quarantine or failure, or null
     * @param line           the line of the reason, or null
     */
    public record FileOutcome(String runId, String file, @Schema(nullable = true) String kind, String status,
                              String start, String end, @Schema(description = "bytes", nullable = true) Long bytes,
                              long rows, @Schema(nullable = true) String bronze,
                              @Schema(nullable = true) List<String> bronzeFiles, @Schema(nullable = true) Long rowsRead,
                              @Schema(nullable = true) Long rowsLanded, @Schema(nullable = true) Long rowsRejected,
                              @Schema(nullable = true) String rejects, @Schema(nullable = true) Boolean replayed,
                              @Schema(nullable = true) Map<String, Long> silverVersions,
                              @Schema(nullable = true) Map<String, Long> silverRows,
                              @Schema(nullable = true) String movedTo, @Schema(nullable = true) String error,
                              @Schema(nullable = true) Long line) {

        static FileOutcome of(Map<String, Object> m) {
            return new FileOutcome(Views.text(m.get("runId")), Views.text(m.get("file")), Views.text(m.get("kind")),
                    Views.text(m.get("status")), Views.text(m.get("start")), Views.text(m.get("end")),
                    Views.longOrNull(m.get("bytes")), Views.longOf(m.get("rows")), Views.text(m.get("bronze")),
                    texts(m.get("bronzeFiles")), Views.longOrNull(m.get("rowsRead")), Views.longOrNull(m.get("rowsLanded")),
                    Views.longOrNull(m.get("rowsRejected")), Views.text(m.get("rejects")), (Boolean) m.get("replayed"), Views.longs(m.get("silverVersions")), Views.longs(m.get("silverRows")),
                    Views.text(m.get("movedTo")), Views.text(m.get("error")), Views.longOrNull(m.get("line")));
        }

        private static List<String> texts(Object v) {
            return v == null ? null : ((List<?>) v).stream().map(Views::text).toList();
        }
    }
}
