package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real Wikipedia edit stream of tests/resources/events (2,500 edits of 2015-09-12, 00:47 to 02:59 UTC)
 * and the checks of its replay through the events flow, shared by the in-process and Kafka replay tests.
 *
 * <p>Rules of the Wikipedia edit type, chosen for the test: the payload has no type field, so
 * {@code default-type: edit}; event time is field {@code time}; required: time, channel, page, user,
 * namespace, delta, added, deleted; typed: booleans for the is* flags, integers for the sizes;
 * {@code added} and {@code deleted} at least 0, and {@code delta} at most 10,000 characters (an edit that
 * large is held for review). In this stream only the size rule fails, for a few real edits.
 */
final class WikipediaReplaySupport {

    static final String RESOURCE = "/events/wikipedia_edits_2015-09-12_first2500.jsonl.gz";
    static final int MAX_DELTA = 10_000;
    static final ObjectMapper JSON = new ObjectMapper();

    private WikipediaReplaySupport() {
    }

    static Path file() {
        try {
            return Path.of(WikipediaReplaySupport.class.getResource(RESOURCE).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The events settings of hub {@code wiki} with the edit rules above. */
    static void rules(DynamicPropertyRegistry registry) {
        registry.add("lakehub.events.enabled", () -> "true");
        registry.add("lakehub.events.hub", () -> "wiki");
        registry.add("lakehub.events.time-field", () -> "time");
        registry.add("lakehub.events.default-type", () -> "edit");
        registry.add("lakehub.events.rules.edit.required", () -> "time,channel,page,user,namespace,delta,added,deleted");
        registry.add("lakehub.events.rules.edit.fields.time.type", () -> "timestamp");
        registry.add("lakehub.events.rules.edit.fields.channel.type", () -> "string");
        registry.add("lakehub.events.rules.edit.fields.page.type", () -> "string");
        registry.add("lakehub.events.rules.edit.fields.user.type", () -> "string");
        registry.add("lakehub.events.rules.edit.fields.namespace.type", () -> "string");
        for (String flag : List.of("isRobot", "isAnonymous", "isMinor", "isNew", "isUnpatrolled")) {
            registry.add("lakehub.events.rules.edit.fields." + flag + ".type", () -> "boolean");
        }
        registry.add("lakehub.events.rules.edit.fields.delta.type", () -> "integer");
        registry.add("lakehub.events.rules.edit.fields.delta.max", () -> Integer.toString(MAX_DELTA));
        registry.add("lakehub.events.rules.edit.fields.added.type", () -> "integer");
        registry.add("lakehub.events.rules.edit.fields.added.min", () -> "0");
        registry.add("lakehub.events.rules.edit.fields.deleted.type", () -> "integer");
        registry.add("lakehub.events.rules.edit.fields.deleted.min", () -> "0");
        registry.add("lakehub.events.generator.mode", () -> "replay");
        registry.add("lakehub.events.generator.file", () -> file().toString());
        registry.add("lakehub.events.generator.rate", () -> "0");
    }

    /** The lines of the file. */
    static List<String> lines() throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(WikipediaReplaySupport.class.getResourceAsStream(RESOURCE)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
        }
        return out;
    }

    /** Whether an edit line passes the rules (computed here from the file, independently of the validator). */
    static boolean valid(String line) throws IOException {
        return JSON.readTree(line).get("delta").asInt() <= MAX_DELTA;
    }

    /** Events per minute of event time ({@code time} truncated to the minute, e.g. {@code 2015-09-12T00:47:00Z}). */
    static Map<String, Integer> perMinute(List<String> lines) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (String l : lines) {
            out.merge(Instant.parse(JSON.readTree(l).get("time").asText()).truncatedTo(ChronoUnit.MINUTES).toString(), 1,
                    Integer::sum);
        }
        return out;
    }

    /** Rows of the silver table: payloads, rows per minute of event_time, and distinct (partition, offset). */
    record Silver(List<String> payloads, Map<String, Integer> perMinute, Set<String> positions) {
    }

    static Silver silver(DeltaTable table) throws IOException {
        List<String> payloads = new ArrayList<>();
        Map<String, Integer> perMinute = new TreeMap<>();
        Set<String> positions = new HashSet<>();
        try (DeltaTable.RowIterator rows = table.rows(table.latest())) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                positions.add(r[0] + "/" + r[1]);
                assertThat(r[3]).isEqualTo("edit");
                perMinute.merge(((Instant) r[4]).truncatedTo(ChronoUnit.MINUTES).toString(), 1, Integer::sum);
                payloads.add((String) r[5]);
            }
        }
        return new Silver(payloads, perMinute, positions);
    }

    static long silverCount(DeltaTable table) throws IOException {
        if (!table.exists()) {
            return 0;
        }
        long n = 0;
        try (DeltaTable.RowIterator rows = table.rows(table.latest())) {
            while (rows.hasNext()) {
                rows.next();
                n++;
            }
        }
        return n;
    }

    /** The quarantine lines of a hub (JSON), staging files excluded. */
    static List<JsonNode> quarantine(Path lakeRoot, String hub) throws IOException {
        Path q = lakeRoot.resolve("quarantine/events/" + hub);
        if (!Files.exists(q)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(q)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl"))
                    .filter(f -> !q.relativize(f).toString().startsWith("_")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /**
     * The checks a user makes after the replay: silver holds every valid edit exactly once with the
     * file's count per minute of event time, quarantine holds exactly the invalid ones with rule max on
     * field delta, per minute too.
     */
    static void assertReplayLanded(DeltaTable table, Path lakeRoot, String hub) throws IOException {
        List<String> lines = lines();
        List<String> good = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String l : lines) {
            (valid(l) ? good : bad).add(l);
        }
        assertThat(bad).as("the stream has edits over the size rule").isNotEmpty();
        Map<String, Integer> expected = perMinute(good);
        assertThat(expected.size()).as("minutes covered").isGreaterThan(100);

        Silver s = silver(table);
        assertThat(s.perMinute()).as("silver rows per minute of event time").isEqualTo(expected);
        assertThat(s.payloads()).containsExactlyInAnyOrderElementsOf(good);
        assertThat(s.positions()).as("each event once").hasSize(good.size());

        List<JsonNode> q = quarantine(lakeRoot, hub);
        List<String> quarantined = new ArrayList<>();
        for (JsonNode line : q) {
            quarantined.add(line.get("payload").asText());
            assertThat(line.get("eventType").asText()).isEqualTo("edit");
            assertThat(line.get("failedRules")).hasSize(1);
            assertThat(line.get("failedRules").get(0).get("rule").asText()).isEqualTo("max");
            assertThat(line.get("failedRules").get(0).get("field").asText()).isEqualTo("delta");
            assertThat(line.get("source").has("offset")).isTrue();
        }
        assertThat(quarantined).containsExactlyInAnyOrderElementsOf(bad);
        assertThat(perMinute(quarantined)).isEqualTo(perMinute(bad));
    }
}
