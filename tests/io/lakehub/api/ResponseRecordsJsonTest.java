package io.lakehub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.events.EventCounters;
import io.micrometer.core.instrument.MeterRegistry;
import io.lakehub.sql.Watermark;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/**
 * The typed answers of the admin API write the same JSON text as the maps they replaced (issue 14: same field
 * names, order, nulls and absent keys), with the object mapper Spring Boot's HTTP layer builds
 * ({@link Jackson2ObjectMapperBuilder}: JDK 8 types, records). Each case builds the map the way the service or
 * the old controller code did and compares the two texts.
 */
class ResponseRecordsJsonTest {

    private final ObjectMapper json = Jackson2ObjectMapperBuilder.json().build();

    private void same(Object record, Map<String, Object> map) throws Exception {
        assertThat(json.writeValueAsString(record)).isEqualTo(json.writeValueAsString(map));
    }

    @Test
    void eventCountersOfAHubAndOfNone() throws Exception {
        EventCounters counters = new EventCounters(new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class));
        Map<String, Object> fresh = counters.hub("clicks").snapshot();
        assertThat(fresh).containsEntry("lastError", null).containsEntry("lastBatchAt", null);
        same(EventsFlow.HubCounters.of(fresh), fresh);
        Map<String, Object> busy = new LinkedHashMap<>(fresh);
        busy.put("bronze", 12L);
        busy.put("lastBatchAt", "2026-12-02T10:00:00Z");
        busy.put("lastError", "IllegalStateException: boom");
        same(EventsFlow.HubCounters.of(busy), busy);
        assertThat(json.writeValueAsString(EventsFlow.HubCounters.EMPTY)).as("the flow off").isEqualTo("{}");
    }

    @Test
    void generatorStatusBeforeDuringAndAfterARun() throws Exception {
        Map<String, Object> idle = new LinkedHashMap<>();
        idle.put("running", false);
        idle.put("enabled", true);
        idle.put("transport", "in-process");
        idle.put("mode", "watch");
        idle.put("rate", 50.0);
        same(GeneratorStatus.of(idle), idle);

        Map<String, Object> running = new LinkedHashMap<>(idle);
        running.put("running", true);
        running.put("limit", 0L);
        running.put("published", 120L);
        running.put("bad", new TreeMap<>(Map.of("missing-user", 2L, "bad-json", 1L)));
        running.put("startedAt", Instant.parse("2026-12-02T10:00:00Z").toString());
        running.put("endedAt", null);
        running.put("error", null);
        same(GeneratorStatus.of(running), running);

        Map<String, Object> replayed = new LinkedHashMap<>(running);
        replayed.put("endedAt", "2026-12-02T10:01:00Z");
        replayed.put("replay", "wikipedia-2025.jsonl.gz#12345");
        replayed.put("skippedAsCommitted", 40L);
        same(GeneratorStatus.of(replayed), replayed);
    }

    @Test
    void tableSummaryReadableAndNot() throws Exception {
        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("minReaderVersion", 1);
        protocol.put("minWriterVersion", 2);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", "loans");
        summary.put("path", "silver/loans");
        summary.put("version", 3L);
        summary.put("files", 2);
        summary.put("rows", 10L);
        summary.put("bytes", 2048L);
        summary.put("protocol", protocol);
        same(new TableSummary("loans", "silver/loans", 3L, 2, 10L, 2048L, TableProtocol.of(protocol), null, null, null),
                summary);

        Map<String, Object> features = new LinkedHashMap<>(protocol);
        features.put("minReaderVersion", 3);
        features.put("minWriterVersion", 7);
        features.put("readerFeatures", new java.util.TreeSet<>(List.of("deletionVectors")));
        features.put("writerFeatures", new java.util.TreeSet<>(List.of("deletionVectors", "appendOnly")));
        assertThat(json.writeValueAsString(TableProtocol.of(features))).isEqualTo(json.writeValueAsString(features));

        Map<String, Object> unreadable = new LinkedHashMap<>();
        unreadable.put("name", "foreign");
        unreadable.put("path", "silver/foreign");
        unreadable.put("readable", false);
        unreadable.put("reason", "UNSUPPORTED_FEATURE");
        unreadable.put("error", "table foreign needs reader feature lakehubImaginaryFeature");
        same(new TableSummary("foreign", "silver/foreign", null, null, null, null, null, false, "UNSUPPORTED_FEATURE",
                "table foreign needs reader feature lakehubImaginaryFeature"), unreadable);
    }

    @Test
    void tagsWatermarksAndFileOutcomes() throws Exception {
        Map<String, Object> tag = new LinkedHashMap<>();
        tag.put("tag", "v2015");
        tag.put("version", 3L);
        tag.put("timestamp", null);
        same(new TableTag("v2015", 3, null), tag);

        Watermark w = new Watermark("updated_at", "2016-01-01T00:00:00", null, null);
        assertThat(json.writeValueAsString(WatermarkView.of(w))).isEqualTo(json.writeValueAsString(w.toMap()));

        Map<String, Object> file = new LinkedHashMap<>();
        file.put("runId", "files-1");
        file.put("file", "customers_2024.csv");
        file.put("kind", "customers");
        file.put("status", "QUARANTINED");
        file.put("start", "2026-12-02T10:00:00Z");
        file.put("end", "2026-12-02T10:00:01Z");
        file.put("bytes", 1234L);
        file.put("rows", 0L);
        file.put("bronze", null);
        file.put("bronzeFiles", List.of());
        file.put("rowsRead", 4L);
        file.put("rowsLanded", 0L);
        file.put("rowsRejected", 0L);
        file.put("rejects", null);
        file.put("replayed", false);
        file.put("silverVersions", new LinkedHashMap<>());
        file.put("silverRows", new LinkedHashMap<>());
        file.put("movedTo", "quarantine/customers_2024.csv");
        file.put("error", "line 3: 4 fields, the header has 5");
        file.put("line", 3L);
        same(FilesFlow.FileOutcome.of(file), file);
    }
}
