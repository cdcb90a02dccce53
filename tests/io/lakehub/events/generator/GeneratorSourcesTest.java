package io.lakehub.events.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.lakehub.events.EventsProperties;
import io.lakehub.events.EventValidator;
import org.junit.jupiter.api.Test;

/**
 * The generator's sources: watch events are deterministic for a seed, about the configured share is
 * bad, and each defect is caught by the validation rule a data engineer expects (with the watch rules
 * of application.yaml); a replay streams the real Wikipedia file line by line, and loops when asked.
 */
class GeneratorSourcesTest {

    static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

    @Test
    void watchEventsAreDeterministicAndEachDefectFailsItsRule() throws Exception {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        try (WatchEvents x = new WatchEvents(7, 100, 50, 0.05, () -> NOW); WatchEvents y = new WatchEvents(7, 100, 50, 0.05, () -> NOW)) {
            for (int i = 0; i < 1000; i++) {
                a.add(x.next().payload());
                b.add(y.next().payload());
            }
        }
        assertThat(a).isEqualTo(b);

        EventsProperties props = new EventsProperties();
        EventsProperties.TypeRules watch = new EventsProperties.TypeRules();
        watch.setRequired(List.of("user", "title", "action", "timestamp"));
        watch.getFields().put("user", field("string", List.of()));
        watch.getFields().put("title", field("string", List.of()));
        watch.getFields().put("action", field("string", List.of("start", "finish")));
        watch.getFields().put("timestamp", field("timestamp", List.of()));
        props.getRules().put("watch", watch);
        EventValidator validator = new EventValidator(props);
        Map<String, String> expectedRule = Map.of("missing-field", "required", "bad-enum", "enum",
                "future-timestamp", "future-timestamp", "malformed-json", "well-formed-json", "unknown-type", "unknown-type");

        int total = 20_000;
        Map<String, Integer> bad = new TreeMap<>();
        try (WatchEvents events = new WatchEvents(42, 1000, 500, 0.05, () -> NOW)) {
            for (int i = 0; i < total; i++) {
                GeneratedEvent e = events.next();
                EventValidator.Result r = validator.validate(e.payload(), NOW);
                if (e.bad() == null) {
                    assertThat(r.violations()).as(e.payload()).isEmpty();
                    assertThat(r.eventTime()).isBetween(NOW.minusSeconds(2), NOW);
                } else {
                    bad.merge(e.bad(), 1, Integer::sum);
                    assertThat(r.violations()).as(e.payload()).hasSize(1);
                    assertThat(r.violations().get(0).rule()).as(e.payload()).isEqualTo(expectedRule.get(e.bad()));
                }
                assertThat(e.key()).startsWith("u");
            }
        }
        int badCount = bad.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(badCount).isBetween((int) (total * 0.04), (int) (total * 0.06));
        assertThat(bad.keySet()).containsExactlyInAnyOrder(WatchEvents.DEFECTS);
    }

    @Test
    void aReplayStreamsTheFileAndLoopsWhenAsked() throws Exception {
        Path file = Path.of(getClass().getResource("/events/wikipedia_edits_2015-09-12_first2500.jsonl.gz").toURI());
        int n = 0;
        String first = null;
        try (ReplayFile replay = new ReplayFile(file, false)) {
            GeneratedEvent e;
            while ((e = replay.next()) != null) {
                if (first == null) {
                    first = e.payload();
                }
                assertThat(e.key()).isNull();
                n++;
            }
        }
        assertThat(n).isEqualTo(2500);
        assertThat(first).startsWith("{\"time\":\"2015-09-12T00:47:35.776Z\",\"channel\":\"#vi.wikipedia\"");
        try (ReplayFile looped = new ReplayFile(file, true)) {
            for (int i = 0; i < 2500; i++) {
                looped.next();
            }
            assertThat(looped.next().payload()).isEqualTo(first);
        }
        assertThatThrownBy(() -> new ReplayFile(Path.of("no-such-file.jsonl"), false)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aReplayHasStablePositionsAndResumesAfterEachPartitionsCommittedLine() throws Exception {
        Path file = Path.of(getClass().getResource("/events/wikipedia_edits_2015-09-12_first2500.jsonl.gz").toURI());
        List<GeneratedEvent> all = new ArrayList<>();
        try (ReplayFile replay = new ReplayFile(file, false, 3, p -> -1L)) {
            GeneratedEvent e;
            while ((e = replay.next()) != null) {
                all.add(e);
            }
        }
        assertThat(all).hasSize(2500);
        for (int i = 0; i < all.size(); i++) {
            // line i + 1 of the file, always in the same partition
            assertThat(all.get(i).replayed().position()).isEqualTo(i + 1);
            assertThat(all.get(i).partition()).isEqualTo(i % 3);
            assertThat(all.get(i).replayed().replay()).isEqualTo("wikipedia_edits_2015-09-12_first2500.jsonl.gz");
        }

        // committed up to line 301 in partition 0, 152 in partition 1, nothing in partition 2
        long[] committed = {301, 152, -1};
        List<GeneratedEvent> resumed = new ArrayList<>();
        long skipped;
        try (ReplayFile replay = new ReplayFile(file, false, 3, p -> committed[p])) {
            GeneratedEvent e;
            while ((e = replay.next()) != null) {
                resumed.add(e);
            }
            skipped = replay.skipped();
        }
        List<GeneratedEvent> expected = all.stream()
                .filter(e -> e.replayed().position() > committed[e.partition()]).toList();
        assertThat(resumed).containsExactlyElementsOf(expected);
        assertThat(skipped).isEqualTo(101 + 51).isEqualTo(all.size() - resumed.size());

        // a looping replay resumes in the pass it was in: pass 1, line 10 of partition 0 committed
        long loopCommitted = 1L << 32 | 10;
        try (ReplayFile replay = new ReplayFile(file, true, 1, p -> loopCommitted)) {
            GeneratedEvent first = replay.next();
            assertThat(first.replayed().position()).isEqualTo(1L << 32 | 11);
            assertThat(first.payload()).isEqualTo(all.get(10).payload());
        }
    }

    private static EventsProperties.FieldRule field(String type, List<String> values) {
        EventsProperties.FieldRule f = new EventsProperties.FieldRule();
        f.setType(type);
        f.setValues(values);
        return f;
    }
}
