package io.lakehub.bench;

import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DataFile;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.replication.ReplicaTargets;
import io.lakehub.replication.Replication;
import io.lakehub.replication.ReplicationProperties;
import io.lakehub.replication.ReplicationStore;
import io.lakehub.replication.RunReplication;
import io.lakehub.sample.InsuranceComplaintsSample;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Replication throughput and memory: builds a silver table of {@code bench.rows} rows (default 1,000,000)
 * by repeating the shipped insurance complaints sample (each copy with its own file_no), then replicates
 * it to a local folder target as Parquet (all rows), CSV (one company, filter evaluated on every row)
 * and Delta (all rows), each copy validated by re-reading it. Run with the {@code bench} profile (-Xmx512m):
 * {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.ReplicationBenchmark}.
 */
public final class ReplicationBenchmark {

    private ReplicationBenchmark() {
    }

    /** Runs the benchmark and prints one README table row per replication. */
    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000L);
        Path dir = Files.createTempDirectory("lakehub-repl-bench-");
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        List<Object[]> sample = sample();
        DeltaTable table = new DeltaTable(lake, "complaints_bench");
        long t0 = System.nanoTime();
        List<DataFile> files = new ArrayList<>();
        ParquetRowWriter writer = null;
        for (long i = 0; i < rows; i++) {
            if (writer == null) {
                writer = new ParquetRowWriter(table.path(), lake.conf(), InsuranceComplaintsSample.SCHEMA);
            }
            Object[] row = sample.get((int) (i % sample.size())).clone();
            row[1] = i;
            writer.write(row);
            if (writer.rows() == 250_000) {
                files.add(writer.finish());
                writer = null;
            }
        }
        if (writer != null) {
            files.add(writer.finish());
        }
        table.commitAppend(files, rows, InsuranceComplaintsSample.SCHEMA, Map.of("bench", 0L), null);
        System.out.printf("table of %,d rows in %d files built in %.1f s%n", rows, files.size(), (System.nanoTime() - t0) / 1e9);

        ReplicationProperties props = new ReplicationProperties();
        ReplicationProperties.Target local = new ReplicationProperties.Target();
        local.setRoot(dir.resolve("replicas").toString());
        props.getTargets().put("replicas", local);
        ReplicationStore store = new ReplicationStore(lake);
        RunReplication runner = new RunReplication(lake, store, new ReplicaTargets(props), props);
        List<String> columns = InsuranceComplaintsSample.SCHEMA.names();

        String[][] runs = {
            {"warm-up", "parquet", "company = 'Anthem Health Plans, Inc'"},
            {"all rows", "parquet", ""},
            {"one company", "csv", "company = 'Anthem Health Plans, Inc'"},
            {"all rows", "delta", ""},
        };
        for (int i = 0; i < runs.length; i++) {
            Replication r = new Replication();
            r.id = "bench-" + i;
            r.requestId = r.id;
            r.requestedBy = "bench";
            r.status = Replication.QUEUED;
            r.table = table.name();
            r.sourceVersion = 0L;
            r.columns = columns;
            r.filter = runs[i][2];
            r.format = runs[i][1];
            r.target = "replicas";
            r.targetType = "local";
            r.destination = "bench/" + r.id;
            r.createdAt = Instant.now().toString();
            store.create(r);
            System.gc();
            SqlIncrementalBenchmark.resetPeaks();
            long t = System.nanoTime();
            DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.getMessage().setBody(r.id);
            runner.process(exchange);
            double sec = (System.nanoTime() - t) / 1e9;
            long peak = SqlIncrementalBenchmark.peakHeapMb();
            Replication done = store.get(r.id);
            long bytes = done.files == null ? 0 : done.files.stream().mapToLong(f -> ((Number) f.get("size")).longValue()).sum();
            System.out.printf("README | %s | %s | %,d | %,d | %.1f MB | %.2f s | %,.0f | %s | %d MB |%n", runs[i][0], runs[i][1],
                    rows, done.rowsWritten, bytes / 1e6, sec, rows / sec,
                    done.validation == null ? done.error : done.validation.get("status"), peak);
        }
    }

    private static List<Object[]> sample() throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (var in = ReplicationBenchmark.class.getClassLoader().getResourceAsStream(InsuranceComplaintsSample.RESOURCE)) {
            for (CSVRecord r : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                out.add(new Object[] {empty(r.get(0)), Long.valueOf(r.get(1)), LocalDate.parse(r.get(2)), LocalDate.parse(r.get(3)),
                    empty(r.get(4)), empty(r.get(5)), empty(r.get(6)), empty(r.get(7)), empty(r.get(8)), empty(r.get(9)),
                    new BigDecimal(r.get(10)).setScale(2), empty(r.get(11))});
            }
        }
        return out;
    }

    private static String empty(String v) {
        return v.isEmpty() ? null : v;
    }
}
