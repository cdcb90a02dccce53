package io.lakehub.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.lakehub.LakehubApplication;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.events.EventCounters;
import io.lakehub.events.LandEventBatch;
import io.lakehub.events.generator.EventGenerator;
import io.lakehub.testsupport.DeltaLogReader;
import org.apache.hadoop.conf.Configuration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * End-to-end benchmark of the events flow: the hub (Spring Boot, Camel routes, the real
 * {@code LandEventBatch}) with the watch generator publishing {@code bench.events} events (5% bad) as
 * fast as the transport accepts them; reports events/s from the generator's start to the last silver
 * commit, p50/p99/max latency from enqueue to the silver commit that holds the event, and peak heap.
 *
 * <p>Latency: each silver row carries its enqueued time (the in-process log's clock, or the Kafka record
 * timestamp); its commit time is the modification time of the {@code _delta_log/<version>.json} that
 * added its file, i.e. when the batch became durable and visible. Quarantined events are not in silver
 * and not in the latency figures. Peak heap: the highest heap use sampled every 50 ms, and the sum of
 * the heap pools' peaks (an upper bound).
 *
 * <p>Run: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.EventsBenchmark
 * [-Dbench.events=1000000] [-Dbench.transport=in-process|kafka] [-Dbench.batch=20000] [-Dbench.rate=0]} (heap -Xmx512m
 * from the profile; {@code bench.rate} events/s, 0 = as fast as the transport accepts). With
 * {@code kafka} an embedded KRaft broker (spring-kafka-test) runs in the same JVM and shares its heap and
 * its 2 cores with the hub.
 */
public final class EventsBenchmark {

    private EventsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long events = Long.parseLong(prop("bench.events", "1000000"));
        String transport = prop("bench.transport", "in-process");
        Path dir = Files.createTempDirectory("lakehub-events-bench");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.main.web-application-type", "none");
        p.put("lakehub.lake.root", dir.resolve("lake").toString());
        p.put("spring.datasource.url", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
        p.put("lakehub.sample.lendingclub.enabled", "false");
        p.put("lakehub.sql.tables[0].name", "loans");
        p.put("lakehub.sql.tables[0].table", "loans");
        p.put("lakehub.sql.tables[0].keys[0]", "id");
        p.put("lakehub.sql.tables[0].watermark-column", "updated_at");
        p.put("lakehub.sql.tables[0].enabled", "false");
        p.put("lakehub.events.enabled", "true");
        p.put("lakehub.events.hub", "bench");
        p.put("lakehub.events.generator.enabled", "false");
        p.put("lakehub.events.generator.mode", "watch");
        p.put("lakehub.events.generator.rate", "0");
        p.put("lakehub.events.generator.bad-share", "0.05");
        p.put("lakehub.events.generator.users", "100000");
        p.put("lakehub.events.generator.titles", "20000");
        EmbeddedKafkaKraftBroker broker = null;
        if (transport.equals("kafka")) {
            broker = new EmbeddedKafkaKraftBroker(1, 4, "bench-events");
            broker.afterPropertiesSet();
            p.put("lakehub.events.transport", "kafka");
            p.put("lakehub.events.topic", "bench-events");
            p.put("lakehub.events.bootstrap-servers", broker.getBrokersAsString());
            p.put("lakehub.events.consumer-group", "bench");
            p.put("lakehub.events.max-poll-records", prop("bench.batch", "20000"));
            p.put("lakehub.events.poll-timeout", "1s");
            p.put("lakehub.events.generator.transport", "kafka");
            p.put("camel.component.kafka.max-partition-fetch-bytes", "8388608");
            p.put("camel.component.kafka.fetch-min-bytes", "1048576");
        } else {
            p.put("lakehub.events.transport", "in-process");
            p.put("lakehub.events.in-process.partitions", "4");
            p.put("lakehub.events.in-process.capacity", prop("bench.capacity", "10000"));
            p.put("lakehub.events.in-process.batch-size", prop("bench.batch", "20000"));
            p.put("lakehub.events.in-process.batch-latency", "1s");
            p.put("lakehub.events.in-process.poll-period", "20ms");
        }

        AtomicLong peakUsed = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Runtime rt = Runtime.getRuntime();
                peakUsed.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        // as command-line arguments: they must win over application.yaml, as a user's would
        String[] hubArgs = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext hub = new SpringApplicationBuilder(LakehubApplication.class).run(hubArgs);
        try {
            EventCounters counters = hub.getBean(EventCounters.class);
            EventGenerator generator = hub.getBean(EventGenerator.class);
            LakeStorage lake = hub.getBean(LakeStorage.class);
            // warm-up: JIT, Hadoop and Delta initialisation, the silver table's first commits
            long warmup = Long.parseLong(prop("bench.warmup", "100000"));
            generator.start("watch", 0.0, warmup);
            while (bronze(counters) < warmup) {
                Thread.sleep(100);
            }
            generator.stop();
            long base = bronze(counters);
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            peakUsed.set(0);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            long started = System.currentTimeMillis();
            double rate = Double.parseDouble(prop("bench.rate", "0"));
            generator.start("watch", rate, events);
            long lastReport = started;
            while (bronze(counters) - base < events) {
                Thread.sleep(100);
                long now = System.currentTimeMillis();
                if (now - lastReport >= 5_000) {
                    System.out.printf("  %,d events landed after %.1f s (generator: %,d published)%n", bronze(counters) - base,
                            (now - started) / 1000.0, (Number) generator.status().get("published"));
                    lastReport = now;
                }
                Object error = counters.hub("bench").snapshot().get("lastError");
                if (error != null) {
                    System.out.println("  batch failed (retried): " + error);
                }
            }
            long cpu = os.getProcessCpuTime() - cpuStart;
            double load = os.getSystemLoadAverage();
            long heapPools = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools += pool.getPeakUsage().getUsed();
                }
            }
            long peak = peakUsed.get();
            Map<String, Object> c = counters.hub("bench").snapshot();
            long[] latencies = latencies(lake, ((Number) c.get("valid")).longValue(), started);
            long lastCommit = latencies[latencies.length - 1];
            Arrays.sort(latencies, 0, latencies.length - 1);
            int n = latencies.length - 1;
            double seconds = (lastCommit - started) / 1000.0;
            System.out.printf("%nevents benchmark, transport %s, %,d events (%s bad) at %s after a warm-up of %,d, %d cores, max heap %d MiB%n",
                    transport, events, "5%", rate == 0 ? "full speed" : rate + " events/s", base, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("landed in all: %,d in bronze, %,d valid in silver, %,d quarantined, %d batches (silver versions 0..%s)%n",
                    ((Number) c.get("bronze")).longValue(), ((Number) c.get("valid")).longValue(),
                    ((Number) c.get("quarantined")).longValue(), ((Number) c.get("batches")).longValue(), c.get("lastSilverVersion"));
            System.out.printf("throughput: %,.0f events/s end to end (generator start to last silver commit, %.1f s)%n",
                    events / seconds, seconds);
            System.out.printf("latency enqueue -> silver commit: p50 %d ms, p99 %d ms, max %d ms (%,d silver rows)%n",
                    latencies[n / 2], latencies[(int) Math.min(n - 1, (long) (n * 0.99))], latencies[n - 1], n);
            System.out.printf("CPU: %.1f s of process CPU time for the measured events, i.e. %,.0f events per CPU-second "
                    + "(system load average at the end %.1f on %d cores: other processes compete)%n", cpu / 1e9,
                    events / (cpu / 1e9), load, Runtime.getRuntime().availableProcessors());
            System.out.printf("peak heap: %d MiB sampled every 50 ms, %d MiB sum of heap pool peaks%n", peak >> 20,
                    heapPools >> 20);
        } finally {
            sampler.interrupt();
            hub.close();
            if (broker != null) {
                broker.destroy();
            }
        }
    }

    private static long bronze(EventCounters counters) {
        return ((Number) counters.hub("bench").snapshot().get("bronze")).longValue();
    }

    /**
     * Enqueue-to-commit latency in ms of every silver row enqueued at or after {@code since} (epoch ms);
     * the last element is the time of the last commit (epoch ms).
     */
    private static long[] latencies(LakeStorage lake, long rows, long since) throws Exception {
        Configuration conf = lake.conf();
        org.apache.hadoop.fs.Path table = lake.silverTable("events_bench");
        DeltaLogReader log = DeltaLogReader.forTable(conf, table);
        Map<String, Long> committedAt = new HashMap<>();
        long lastCommit = 0;
        for (long v = 0, latest = log.latestVersion(); v <= latest; v++) {
            long mtime = log.commitFileTime(v);
            lastCommit = Math.max(lastCommit, mtime);
            for (com.fasterxml.jackson.databind.JsonNode a : log.commitActions(v)) {
                if (a.has("add")) {
                    committedAt.put(a.get("add").get("path").asText(), mtime);
                }
            }
        }
        long[] out = new long[(int) rows + 1];
        int i = 0;
        int total = 0;
        for (Map.Entry<String, Long> f : committedAt.entrySet()) {
            try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(table, f.getKey()), conf,
                    LandEventBatch.SILVER_SCHEMA)) {
                Object[] row;
                while ((row = reader.next()) != null) {
                    total++;
                    long enqueued = ((Instant) row[2]).toEpochMilli();
                    if (enqueued >= since) {
                        out[i++] = f.getValue() - enqueued;
                    }
                }
            }
        }
        if (total != rows) {
            throw new IllegalStateException("silver holds " + total + " rows, the counters say " + rows);
        }
        out[i] = lastCommit;
        return Arrays.copyOf(out, i + 1);
    }

    private static String prop(String name, String def) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() || v.startsWith("${") ? def : v;
    }
}
