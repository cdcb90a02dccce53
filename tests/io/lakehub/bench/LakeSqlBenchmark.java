package io.lakehub.bench;

import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DataFile;
import io.lakehub.LakehubApplication;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.sample.InsuranceComplaintsSample;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * SQL over the lake through the running hub: builds a silver table of {@code bench.rows} rows (default
 * 1,000,000; the shipped insurance complaints sample repeated, each row its own {@code file_no}, in files
 * of 250,000 rows), starts the hub on it (flows off, security off) and times {@code POST /api/sql}
 * end to end (HTTP, JSON answer) for a group-by over every row and a selective filter (one
 * {@code file_no}): one cold run, then the median of {@code bench.repeats} warm runs (default 10); rows/s
 * is the table's rows over the wall time; peak heap is the hub JVM's, over the warm runs. Run with the
 * {@code bench} profile (-Xmx512m):
 * {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.LakeSqlBenchmark}.
 */
public final class LakeSqlBenchmark {

    private LakeSqlBenchmark() {
    }

    /** Runs the benchmark and prints one README table row per query. */
    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000L);
        int repeats = Integer.getInteger("bench.repeats", 10);
        Path dir = Files.createTempDirectory("lakehub-sql-bench-");
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        DeltaTable table = new DeltaTable(lake, "complaints_bench");
        List<Object[]> sample = sample();
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

        SpringApplication app = new SpringApplication(LakehubApplication.class);
        try (ConfigurableApplicationContext hub = app.run(
                "--server.port=0", "--lakehub.lake.root=" + dir.resolve("lake"), "--lakehub.security.enabled=false",
                "--spring.datasource.url=jdbc:h2:mem:sql-bench;DB_CLOSE_DELAY=-1",
                "--lakehub.sample.lendingclub.enabled=false", "--lakehub.sample.insurance-complaints.enabled=false",
                "--lakehub.sql.tables[0].name=loans", "--lakehub.sql.tables[0].enabled=false", "--lakehub.sql.tables[0].table=loans",
                "--lakehub.sql.tables[0].keys[0]=id", "--lakehub.sql.tables[0].watermark-column=updated_at",
                "--lakehub.events.enabled=false", "--lakehub.files.enabled=false", "--lakehub.gold.enabled=false",
                "--lakehub.files.landing=" + dir.resolve("landing"), "--lakehub.security.generated-password-file=" + dir.resolve("pw"),
                "--logging.level.root=WARN")) {
            int port = Integer.parseInt(hub.getEnvironment().getProperty("local.server.port"));
            HttpClient http = HttpClient.newHttpClient();
            String[][] queries = {
                {"group by", "select company, count(*) as complaints, sum(recovery) as recovery from complaints_bench"
                        + " group by company order by complaints desc"},
                {"selective filter", "select * from complaints_bench where file_no = " + (rows * 3 / 4 + 17)},
            };
            for (String[] q : queries) {
                String body = "{\"sql\": \"" + q[1] + "\"}";
                long cold = post(http, port, body);
                System.gc();
                SqlIncrementalBenchmark.resetPeaks();
                long[] warm = new long[repeats];
                for (int i = 0; i < repeats; i++) {
                    warm[i] = post(http, port, body);
                }
                long peak = SqlIncrementalBenchmark.peakHeapMb();
                Arrays.sort(warm);
                double median = warm[repeats / 2] / 1e9;
                System.out.printf("README | %s | %,d | %.3f s | %.3f s | %,.0f | %d MB |%n", q[0], rows, cold / 1e9, median,
                        rows / median, peak);
            }
        }
    }

    /** One request; returns its wall time in ns. */
    private static long post(HttpClient http, int port, String body) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sql"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - t;
        if (r.statusCode() != 200 || !r.body().contains("\"rowCount\"")) {
            throw new IllegalStateException("POST /api/sql answered " + r.statusCode() + ": " + r.body());
        }
        return elapsed;
    }

    private static List<Object[]> sample() throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (var in = LakeSqlBenchmark.class.getClassLoader().getResourceAsStream(InsuranceComplaintsSample.RESOURCE)) {
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
