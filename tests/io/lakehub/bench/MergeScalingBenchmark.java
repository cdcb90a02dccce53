package io.lakehub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableMaintenance;
import io.lakehub.sql.SqlIncrementalLoader;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Does a MERGE cost scale with the change or with the table? Loads tables of {@code -Dbench.sizes}
 * rows (default 1,000,000 and 10,000,000) from the real PostgreSQL server, then MERGEs the same
 * 10,000-row change into each: 5,000 updates of the most recently changed keys and 5,000 new keys,
 * the shape of an incremental load. Prints the MERGE's wall time, files rewritten (of how many) and
 * peak heap. A 200,000-row table goes through the same steps first, plus a checkpoint, to warm the
 * JIT up as in a running hub; it is not reported. Run with {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.MergeScalingBenchmark}.
 *
 * <p>Only files whose key range (from their statistics) can hold an incoming key are read; with
 * keys that grow with time, the change touches the newest file only. Random old keys would touch
 * every file: that is the copy-on-write worst case, measured by {@link SqlIncrementalBenchmark}.
 */
public final class MergeScalingBenchmark {

    private MergeScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // without Spring Boot's logging setup logback logs at DEBUG (Kernel's metrics JSON per snapshot, Parquet per
        // block), which would dominate the figures; the hub itself logs these libraries at WARN (application.yaml)
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String url = System.getProperty("bench.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        String[] sizes = ("200000," + System.getProperty("bench.sizes", "1000000,10000000")).split(",");
        int rowsPerFile = Integer.getInteger("bench.rowsPerFile", 250_000);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        Path lakeDir = Files.createTempDirectory("lakehub-merge-bench-");
        StringBuilder table = new StringBuilder();
        for (int run = 0; run < sizes.length; run++) {
            int rows = Integer.parseInt(sizes[run].trim());
            boolean warmup = run == 0;
            SqlIncrementalBenchmark.createTable(ds, rows);
            SqlIncrementalLoader loader = SqlIncrementalBenchmark.loader(ds, lakeDir.resolve("t" + rows), rows, rowsPerFile);
            long t0 = System.nanoTime();
            SqlIncrementalLoader.LoadResult r;
            do {
                r = loader.loadOnce();
            } while (r.moreRows());
            System.out.printf("table of %,d rows loaded in %.1f s (%d versions)%n", rows, (System.nanoTime() - t0) / 1e9,
                    loader.table().latest().getVersion() + 1);
            int files = loader.table().latest().getAllFiles().size();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("UPDATE bench_loans SET loan_status = 'Current', updated_at = TIMESTAMP '2025-01-01' + (id || ' microseconds')::interval"
                        + " WHERE id > " + (rows - 5_000));
                st.execute("INSERT INTO bench_loans SELECT g, g * 7, 1000.00, 7.50, 36, 'B', 'new employer', DATE '2024-01-01',"
                        + " 50000.00, 'Current', 12.5, TIMESTAMP '2025-01-02' + (g || ' microseconds')::interval"
                        + " FROM generate_series(" + (rows + 1) + ", " + (rows + 5_000) + ") g");
            }
            System.gc();
            SqlIncrementalBenchmark.resetPeaks();
            long t1 = System.nanoTime();
            SqlIncrementalLoader.LoadResult merge = SqlIncrementalBenchmark.timedLoad(loader);
            double sec = (System.nanoTime() - t1) / 1e9;
            long heap = SqlIncrementalBenchmark.peakHeapMb();
            @SuppressWarnings("unchecked")
            Map<String, String> metrics = (Map<String, String>) loader.table().history(1).get(0).get("operationMetrics");
            System.out.printf("MERGE of %,d rows into %,d rows: %.2f s, %s of %d files rewritten (%s rows copied), %,d updated,"
                            + " %,d inserted, peak heap %d MB%n", merge.rows(), rows, sec, metrics.get("numTargetFilesRemoved"),
                    files, metrics.get("numTargetRowsCopied"), merge.updated(), merge.inserted(), heap);
            if (warmup) {
                // a running hub has written checkpoints before (delta-standalone writes one every 10
                // commits, and the 10,000,000-row MERGE below is such a 10th commit): warm that path too
                new TableMaintenance(new LakeStorage(lakeDir.resolve("t" + rows).toString())).checkpoint("bench_loans");
            } else {
                table.append(String.format("README | %,d | %.2f s | %s of %d | %s | %d MB |%n", rows, sec,
                        metrics.get("numTargetFilesRemoved"), files, metrics.get("numTargetRowsCopied"), heap));
            }
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE bench_loans");
            }
        }
        System.out.print(table);
    }
}
