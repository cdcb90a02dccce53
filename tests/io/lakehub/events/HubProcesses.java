package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Support of the crash and scale-out tests: hub processes started from the packaged jar (as a user
 * runs it) against a broker of the test, the events they are fed, and an audit of what the lake holds
 * per (partition, offset) in bronze, quarantine and silver.
 */
final class HubProcesses {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String JAR = System.getProperty("lakehub.jar", "target/lakehub.jar");

    private final Path work;
    private final String hub;
    private final String topic;
    private final String group;
    private final String brokers;
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(30, ChronoUnit.MINUTES);

    HubProcesses(Path work, String hub, String topic, String group, String brokers) {
        this.work = work;
        this.hub = hub;
        this.topic = topic;
        this.group = group;
        this.brokers = brokers;
    }

    Path lake() {
        return work.resolve("lake");
    }

    /**
     * Starts {@code java -jar lakehub.jar} with the events flow on; its output goes to {@code <name>.log}.
     *
     * @param name       instance name: log file, Kafka client id, H2 database
     * @param jvmOptions extra JVM options, e.g. {@code -D} test hooks
     */
    Process start(String name, List<String> jvmOptions) throws IOException {
        File jar = new File(JAR);
        assertThat(jar).as("the packaged jar (run this test in the failsafe phase, after package)").exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.getAbsolutePath(),
                "--server.port=0",
                "--lakehub.lake.root=" + lake(),
                "--spring.datasource.url=jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
                "--lakehub.sample.lendingclub.enabled=false",
                "--lakehub.sql.tables[0].name=loans", "--lakehub.sql.tables[0].table=loans",
                "--lakehub.sql.tables[0].keys=id", "--lakehub.sql.tables[0].watermark-column=updated_at",
                "--lakehub.sql.tables[0].enabled=false",
                "--lakehub.events.enabled=true",
                "--lakehub.events.transport=kafka",
                "--lakehub.events.hub=" + hub,
                "--lakehub.events.topic=" + topic,
                "--lakehub.events.bootstrap-servers=" + brokers,
                "--lakehub.events.consumer-group=" + group,
                "--lakehub.events.max-poll-records=500",
                "--lakehub.events.poll-timeout=300ms",
                "--lakehub.events.rules.click.required=page,timestamp",
                "--lakehub.events.rules.click.fields.page.type=string",
                "--lakehub.events.rules.click.fields.timestamp.type=timestamp",
                // a killed member is dropped from the group after this, so a survivor or a restart takes
                // its partitions over within seconds rather than Kafka's default 45 s
                "--camel.component.kafka.session-timeout-ms=8000",
                "--camel.component.kafka.heartbeat-interval-ms=2000",
                "--camel.component.kafka.client-id=" + name));
        return new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile())).start();
    }

    String log(String name) throws IOException {
        Path log = work.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGKILL: no shutdown hook, no offset commit, no file closed. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Publishes {@code count} click events round-robin over {@code partitions}, enqueued 25 ms apart
     * (several minute folders); every 40th has no {@code page} (rule required).
     *
     * @return (partition/offset) of every event to whether it is valid
     */
    Map<String, Boolean> publish(int count, int partitions) throws Exception {
        return publish(0, count, partitions);
    }

    /** As {@link #publish(int, int)}, for events {@code from} to {@code from + count - 1} of the sequence. */
    Map<String, Boolean> publish(int from, int count, int partitions) throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.ACKS_CONFIG, "all"));
        Map<String, Boolean> sent = new TreeMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
            List<Boolean> valid = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                Instant enqueued = base.plusMillis(25L * i);
                boolean good = i % 40 != 7;
                String payload = good
                        ? "{\"type\":\"click\",\"page\":\"/p" + i + "\",\"timestamp\":\"" + enqueued + "\"}"
                        : "{\"type\":\"click\",\"timestamp\":\"" + enqueued + "\"}";
                acks.add(producer.send(new ProducerRecord<>(topic, i % partitions, enqueued.toEpochMilli(), "k" + i, payload)));
                valid.add(good);
            }
            for (int i = 0; i < acks.size(); i++) {
                var md = acks.get(i).get(60, TimeUnit.SECONDS);
                sent.put(md.partition() + "/" + md.offset(), valid.get(i));
            }
        }
        return sent;
    }

    /** The consumer group's committed offset per partition (absent: none). */
    Map<Integer, Long> committedOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<Integer, Long> out = new TreeMap<>();
        m.forEach((tp, o) -> {
            if (o != null && tp.topic().equals(topic)) {
                out.put(tp.partition(), o.offset());
            }
        });
        return out;
    }

    /** The end offset of each partition. */
    Map<Integer, Long> endOffsets(Admin admin, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            q.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new TreeMap<>();
        admin.listOffsets(q).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    DeltaTable silver() {
        return new DeltaTable(new LakeStorage(lake().toString()), "events_" + hub);
    }

    /** (partition/offset) of every silver row, repeats included. */
    List<String> silverPositions() throws IOException {
        DeltaTable silver = silver();
        List<String> out = new ArrayList<>();
        if (!silver.exists()) {
            return out;
        }
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                out.add(r[0] + "/" + r[1]);
            }
        }
        return out;
    }

    /** (partition/offset) of every bronze row, repeats included; files being staged are not bronze yet. */
    List<String> bronzePositions() throws IOException {
        Path bronze = lake().resolve("bronze/events/" + hub);
        List<String> out = new ArrayList<>();
        if (!Files.exists(bronze)) {
            return out;
        }
        LakeStorage lake = new LakeStorage(lake().toString());
        try (Stream<Path> files = Files.walk(bronze)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet"))
                    .filter(f -> !bronze.relativize(f).toString().startsWith("_")).toList()) {
                try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(f.toUri()), lake.conf(),
                        LandEventBatch.BRONZE_SCHEMA)) {
                    Object[] row;
                    while ((row = reader.next()) != null) {
                        out.add(row[0] + "/" + row[1]);
                    }
                }
            }
        }
        return out;
    }

    /** (partition/offset) of every quarantine line, repeats included; each line names its failed rule. */
    List<String> quarantinePositions() throws IOException {
        Path q = lake().resolve("quarantine/events/" + hub);
        List<String> out = new ArrayList<>();
        if (!Files.exists(q)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(q)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl"))
                    .filter(f -> !q.relativize(f).toString().startsWith("_")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode l = JSON.readTree(line);
                    assertThat(l.get("failedRules").get(0).get("rule").asText()).isEqualTo("required");
                    out.add(l.get("source").get("partition").asInt() + "/" + l.get("source").get("offset").asLong());
                }
            }
        }
        return out;
    }
}
