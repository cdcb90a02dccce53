package io.lakehub.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.lakehub.delta.LakeStorage;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSourceTable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Benchmark of the sql-incremental flow against the real PostgreSQL server: a full load of a
 * {@code -Dbench.rows} (default 1,000,000) row table, then a MERGE of {@code -Dbench.changed}
 * (default 10,000) changed rows (random existing keys, the worst case for copy-on-write: they hit
 * every data file). Prints rows/s, wall time, the time of each step and peak heap of each phase. Not
 * a test: run it with {@code ./mvnw -q -Pbench test-compile exec:exec} (a JVM with {@code -Xmx512m}).
 *
 * <p>A running hub loads with a warmed-up JIT, so a {@code -Dbench.warmup} (default 200,000) row load
 * of another table runs first in the same JVM; its cold-JVM rate is printed too. Other settings:
 * {@code bench.url} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}),
 * {@code bench.rowsPerFile} (default 250,000).
 */
public final class SqlIncrementalBenchmark {

    private SqlIncrementalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // without Spring Boot's logging setup logback logs at DEBUG (Kernel's metrics JSON per snapshot, Parquet per
        // block), which would dominate the figures; the hub itself logs these libraries at WARN (application.yaml)
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String url = System.getProperty("bench.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        int changed = Integer.getInteger("bench.changed", 10_000);
        int rowsPerFile = Integer.getInteger("bench.rowsPerFile", 250_000);
        int warmup = Integer.getInteger("bench.warmup", 200_000);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        Path lakeDir = Files.createTempDirectory("lakehub-bench-");

        if (warmup > 0) {
            createTable(ds, warmup);
            long t = System.nanoTime();
            SqlIncrementalLoader.LoadResult r = loader(ds, lakeDir.resolve("warmup"), warmup, rowsPerFile).loadOnce();
            double sec = (System.nanoTime() - t) / 1e9;
            System.out.printf("warm-up load (cold JVM): %,d rows in %.2f s = %,.0f rows/s%n", r.rows(), sec, r.rows() / sec);
        }

        createTable(ds, rows);
        SqlIncrementalLoader loader = loader(ds, lakeDir.resolve("lake"), rows, rowsPerFile);
        System.gc();
        resetPeaks();
        long t1 = System.nanoTime();
        SqlIncrementalLoader.LoadResult full = timedLoad(loader);
        double fullSec = (System.nanoTime() - t1) / 1e9;
        long fullPeak = peakHeapMb();
        System.out.printf("full load: %,d rows in %.2f s = %,.0f rows/s, peak heap %d MB, Delta version %d (%s)%n",
                full.rows(), fullSec, full.rows() / fullSec, fullPeak, full.tableVersion(), full.operation());

        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("UPDATE bench_loans SET loan_status = 'Current', int_rate = int_rate + 0.01, updated_at = TIMESTAMP '2021-01-01'"
                    + " + (id || ' microseconds')::interval WHERE id IN (SELECT id FROM bench_loans ORDER BY random() LIMIT " + changed + ")");
        }
        System.gc();
        resetPeaks();
        long t2 = System.nanoTime();
        SqlIncrementalLoader.LoadResult merge = timedLoad(loader);
        double mergeSec = (System.nanoTime() - t2) / 1e9;
        long mergePeak = peakHeapMb();
        Object metrics = loader.table().history(1).get(0).get("operationMetrics");
        System.out.printf("merge: %,d changed rows in %.2f s (%,d updated, %,d inserted), peak heap %d MB, version %d (%s), metrics %s%n",
                merge.rows(), mergeSec, merge.updated(), merge.inserted(), mergePeak, merge.tableVersion(), merge.operation(),
                metrics);
        System.out.printf("README | %,d-row full load | %.1f s | %,.0f rows/s | %d MB | %,d-row MERGE | %.2f s | %d MB |%n",
                rows, fullSec, full.rows() / fullSec, fullPeak, changed, mergeSec, mergePeak);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE bench_loans");
        }
    }

    static void createTable(PGSimpleDataSource ds, int rows) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_loans");
            st.execute("CREATE TABLE bench_loans (id BIGINT PRIMARY KEY, member_id BIGINT, loan_amnt NUMERIC(15,2),"
                    + " int_rate NUMERIC(6,2), term_months INTEGER, grade VARCHAR(2), emp_title VARCHAR(100), issue_d DATE,"
                    + " annual_inc NUMERIC(15,2), loan_status VARCHAR(40), dti DOUBLE PRECISION, updated_at TIMESTAMP(6) NOT NULL)");
            long t0 = System.nanoTime();
            st.execute("INSERT INTO bench_loans SELECT g, g * 7, (1000 + g % 34000)::numeric(15,2), (5 + (g % 2000) / 100.0)::numeric(6,2),"
                    + " CASE WHEN g % 3 = 0 THEN 60 ELSE 36 END, chr(65 + (g % 7)::int), 'employer ' || (g % 5000),"
                    + " DATE '2007-06-01' + (g % 3500)::int, (20000 + g % 180000)::numeric(15,2),"
                    + " CASE WHEN g % 5 = 0 THEN 'Charged Off' ELSE 'Fully Paid' END, (g % 4000) / 100.0,"
                    + " TIMESTAMP '2020-01-01' + (g || ' milliseconds')::interval FROM generate_series(1, " + rows + ") g");
            st.execute("CREATE INDEX bench_loans_wm ON bench_loans (updated_at, id)");
            st.execute("ANALYZE bench_loans");
            System.out.printf("source: %,d rows created in PostgreSQL in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
        }
    }

    static SqlIncrementalLoader loader(PGSimpleDataSource ds, Path lake, int rows, int rowsPerFile) {
        SqlSourceTable src = new SqlSourceTable();
        src.setName("bench_loans");
        src.setTable("bench_loans");
        src.setKeys(List.of("id"));
        src.setWatermarkColumn("updated_at");
        src.setLag(Duration.ZERO);
        src.setBatchSize(Math.min(Math.max(rows, 1_000_000), 1_000_000));
        src.setRowsPerFile(rowsPerFile);
        src.setFetchSize(Integer.getInteger("bench.fetchSize", 10_000));
        return new SqlIncrementalLoader(src, ds, new LakeStorage(lake.toString()));
    }

    /** One load, printing the time of each step (plan, extract, commit). */
    static SqlIncrementalLoader.LoadResult timedLoad(SqlIncrementalLoader loader) throws Exception {
        long t0 = System.nanoTime();
        SqlIncrementalLoader.LoadPlan plan = loader.plan();
        long t1 = System.nanoTime();
        SqlIncrementalLoader.Extract extract = loader.extract(plan);
        long t2 = System.nanoTime();
        SqlIncrementalLoader.LoadResult result = loader.commit(plan, extract);
        long t3 = System.nanoTime();
        System.out.printf("  steps: plan %.2f s, extract %.2f s, commit %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9);
        return result;
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / (1024 * 1024);
    }
}
