package io.lakehub.events.eventhubs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.events.EventCounters;
import io.lakehub.events.EventRecord;
import io.lakehub.events.LandEventBatch;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * A temporary lake with the events flow of hub {@code t} (type {@code click} requires {@code page}), and
 * the reads a user would do on it: silver rows, txn versions, bronze positions, quarantine lines.
 */
final class TestLake {

    static final String HUB = "t";
    static final Instant ENQUEUED = Instant.parse("2026-11-21T06:30:00Z");

    final Path dir;
    final LakeStorage lake;
    final EventCounters counters = new EventCounters(new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class));
    final LandEventBatch lander;
    final DeltaTable silver;

    TestLake(Path dir) {
        this.dir = dir;
        this.lake = new LakeStorage(dir.resolve("lake").toString());
        EventsProperties props = new EventsProperties();
        props.setHub(HUB);
        props.getRules().put("click", new EventsProperties.TypeRules());
        props.getRules().get("click").setRequired(List.of("page"));
        this.lander = new LandEventBatch(lake, props, counters);
        this.silver = new DeltaTable(lake, "events_" + HUB);
    }

    /** A valid click event unless {@code position % 4 == 3} (no page: quarantined by rule required). */
    static String body(long position) {
        return position % 4 == 3 ? "{\"type\":\"click\"}" : "{\"type\":\"click\",\"page\":\"/" + position + "\"}";
    }

    /** Events of a partition, positions {@code from..to}, one second apart. */
    static List<EventRecord> records(int partition, long from, long to) {
        List<EventRecord> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(new EventRecord("ns.servicebus.windows.net/events", partition, s, ENQUEUED.plusSeconds(s), "k" + s, body(s)));
        }
        return out;
    }

    long committed(int partition) {
        return silver.txnVersion(LandEventBatch.appId(HUB, partition));
    }

    /** (partition, position) of every silver row, as "p@s". */
    List<String> silverRows() throws IOException {
        List<String> out = new ArrayList<>();
        if (!silver.exists()) {
            return out;
        }
        try (DeltaTable.RowIterator rows = silver.rows(silver.latest())) {
            while (rows.hasNext()) {
                Object[] r = rows.next();
                out.add(r[0] + "@" + r[1]);
            }
        }
        return out;
    }

    /** (partition, position) of every bronze row, as "p@s". */
    List<String> bronzeRows() throws IOException {
        Path bronze = dir.resolve("lake/bronze/events/" + HUB);
        List<String> out = new ArrayList<>();
        if (!Files.exists(bronze)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(bronze)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".parquet"))
                    .filter(f -> !bronze.relativize(f).toString().startsWith("_")).toList()) {
                try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(f.toUri()),
                        LakeStorage.hadoopConfiguration(), LandEventBatch.BRONZE_SCHEMA)) {
                    Object[] row;
                    while ((row = reader.next()) != null) {
                        out.add(row[0] + "@" + row[1]);
                    }
                }
            }
        }
        return out;
    }

    /** Bronze files, relative to the hub's bronze folder. */
    List<String> bronzeFiles() throws IOException {
        Path bronze = dir.resolve("lake/bronze/events/" + HUB);
        try (Stream<Path> files = Files.walk(bronze)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).map(f -> bronze.relativize(f).toString())
                    .filter(f -> !f.startsWith("_")).sorted().toList();
        }
    }

    /** Every quarantine line of the hub. */
    List<String> quarantineLines() throws IOException {
        Path q = dir.resolve("lake/quarantine/events/" + HUB);
        List<String> out = new ArrayList<>();
        if (!Files.exists(q)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(q)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl"))
                    .filter(f -> !q.relativize(f).toString().startsWith("_")).toList()) {
                out.addAll(Files.readAllLines(f));
            }
        }
        return out;
    }

    /** Makes the lake unreadable and unwritable (a file where the silver Delta log folder is) until {@link #unblock()}. */
    void block() throws IOException {
        Path log = dir.resolve("lake/silver/events_" + HUB + "/_delta_log");
        Files.createDirectories(log.getParent());
        if (Files.isDirectory(log)) {
            Files.move(log, log.resolveSibling("_delta_log.held"));
        }
        Files.writeString(log, "blocked");
    }

    void unblock() throws IOException {
        Path log = dir.resolve("lake/silver/events_" + HUB + "/_delta_log");
        Files.delete(log);
        if (Files.isDirectory(log.resolveSibling("_delta_log.held"))) {
            Files.move(log.resolveSibling("_delta_log.held"), log);
        }
    }
}
