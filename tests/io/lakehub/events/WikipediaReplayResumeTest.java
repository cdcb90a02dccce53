package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.LakehubApplication;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.generator.EventGenerator;
import io.lakehub.events.generator.ReplayFile;
import io.lakehub.events.inprocess.InProcessEventLog;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A replay of the real Wikipedia edit stream (2,500 edits) stopped in the middle of the file by stopping
 * the hub, then started again by a new hub on the same lake (issue 12, defect 4): the second run resumes
 * after what silver's {@code txn} actions say was committed, so silver/events_wiki and quarantine hold
 * every line of the file exactly once. The in-process transport loses the events published and not yet
 * landed when the hub stops; the resumed run publishes exactly those again. Each hub is a real Spring
 * Boot application on the same lake folder, started one after the other.
 */
class WikipediaReplayResumeTest {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext hub(String name) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        p.put("lakehub.lake.root", dir.resolve("lake").toString());
        p.put("spring.datasource.url", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        p.put("lakehub.sql.tables[0].name", "loans");
        p.put("lakehub.sql.tables[0].table", "loans");
        p.put("lakehub.sql.tables[0].keys[0]", "id");
        p.put("lakehub.sql.tables[0].watermark-column", "updated_at");
        p.put("lakehub.sql.tables[0].enabled", "false");
        WikipediaReplaySupport.rules((key, value) -> p.put(key, value.get()));
        p.put("lakehub.events.transport", "in-process");
        p.put("lakehub.events.in-process.partitions", "3");
        p.put("lakehub.events.in-process.capacity", "300");
        p.put("lakehub.events.in-process.batch-size", "100");
        p.put("lakehub.events.in-process.batch-latency", "200ms");
        p.put("lakehub.events.in-process.poll-period", "50ms");
        p.put("lakehub.events.generator.enabled", "false");
        p.put("lakehub.events.generator.transport", "in-process");
        // as command-line arguments: they override application.yaml (default properties would not)
        return new SpringApplicationBuilder(LakehubApplication.class)
                .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private long landed(DeltaTable silver) throws Exception {
        return WikipediaReplaySupport.silverCount(silver) + WikipediaReplaySupport.quarantine(dir.resolve("lake"), "wiki").size();
    }

    @Test
    void aReplayStoppedMidFileAndStartedAgainLandsEveryLineOnce() throws Exception {
        List<String> lines = WikipediaReplaySupport.lines();
        long landedBeforeStop;
        try (ConfigurableApplicationContext hub = hub("replay-resume-1")) {
            EventGenerator generator = hub.getBean(EventGenerator.class);
            DeltaTable silver = new DeltaTable(hub.getBean(LakeStorage.class), "events_wiki");
            generator.start("replay", 250.0, null);
            await().atMost(Duration.ofSeconds(60)).until(() -> landed(silver) >= 400);
            // the operator stops the replay (POST /api/flows/events/generator?action=stop) and the hub
            // stops; the consumer is stopped with it, so what the log still holds is lost with the process
            Map<String, Object> stopped = generator.stop();
            hub.getBean(CamelContext.class).getRouteController().stopRoute("events-consume-wiki");
            assertThat(((Number) stopped.get("published")).longValue()).as("stopped in the middle of the file")
                    .isLessThan(lines.size());
            landedBeforeStop = landed(silver);
        }

        try (ConfigurableApplicationContext hub = hub("replay-resume-2")) {
            EventGenerator generator = hub.getBean(EventGenerator.class);
            InProcessEventLog log = hub.getBean(InProcessEventLog.class);
            DeltaTable silver = new DeltaTable(hub.getBean(LakeStorage.class), "events_wiki");
            assertThat(landed(silver)).as("what the first hub committed").isGreaterThanOrEqualTo(landedBeforeStop)
                    .isLessThan(lines.size());
            generator.start("replay", 0.0, null);
            await().atMost(Duration.ofSeconds(90)).until(() -> Boolean.FALSE.equals(generator.status().get("running")));
            Map<String, Object> status = generator.status();
            assertThat(status).containsEntry("error", null).containsEntry("replay", ReplayFile.id(WikipediaReplaySupport.file()));
            long skipped = ((Number) status.get("skippedAsCommitted")).longValue();
            long published = ((Number) status.get("published")).longValue();
            assertThat(skipped).as("lines the first hub committed are not published again").isGreaterThanOrEqualTo(landedBeforeStop);
            assertThat(skipped + published).as("every line is either committed or published").isEqualTo(lines.size());
            await().atMost(Duration.ofSeconds(90)).until(() -> log.size(0) + log.size(1) + log.size(2) == 0);

            WikipediaReplaySupport.assertReplayLanded(silver, dir.resolve("lake"), "wiki");
            assertThat(landed(silver)).isEqualTo(lines.size());

            // a third start of the finished replay publishes nothing
            generator.start("replay", 0.0, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.FALSE.equals(generator.status().get("running")));
            assertThat(generator.status()).containsEntry("published", 0L)
                    .containsEntry("skippedAsCommitted", (long) lines.size());
        }
    }
}
