package io.lakehub.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.lakehub.files.FilesProperties;
import io.lakehub.delta.LakeStorage;
import io.lakehub.files.ConvertToBronze;
import io.lakehub.files.DeclaredSchema;
import org.apache.hadoop.conf.Configuration;

/**
 * Step 1 of files-ingest at dump scale: converts a generated {@code title.basics.tsv.gz} of
 * {@code -Dbench.imdbRows} rows (default 5,000,000) to one bronze Parquet file, with the declared
 * title.basics schema's header and type checks, as the flow does, and prints rows/s and peak heap.
 *
 * <p>The input repeats the real sample rows (../shared/data/imdb/dump2025_head/title.basics.tsv.gz,
 * 40,000 rows, or the 3,000-row test copy when the shared folder is absent) with the tconst made
 * unique per copy ({@code tt} + 8 digits, as IMDB's); it is written once to
 * {@code target/bench/title.basics.<rows>.tsv.gz} and reused. A 500,000-row conversion warms the JIT
 * first and is not reported. Peak heap is reported two ways: the largest used heap seen by a 10 ms
 * sampler, and the sum of each heap pool's peak (an upper bound, as the other benchmarks report).
 * The process CPU time and the system load average are printed too: on a shared machine the wall
 * time measures the neighbours as much as the conversion.
 *
 * <p>Run: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.ImdbIngestBenchmark -Dbench.xmx=256m}.
 */
public final class ImdbIngestBenchmark {

    private ImdbIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.imdbRows", 5_000_000L);
        long rowGroup = Long.getLong("bench.rowGroupBytes", 32L * 1024 * 1024);
        Path shared = Path.of("../shared/data/imdb/dump2025_head/title.basics.tsv.gz");
        Path sample = Files.exists(shared) ? shared : Path.of("tests/resources/imdb/dump2025/title.basics.tsv.gz");
        Path dir = Files.createDirectories(Path.of("target/bench"));
        Path big = dir.resolve("title.basics." + rows + ".tsv.gz");
        Path warm = dir.resolve("title.basics.500000.tsv.gz");
        generate(sample, warm, 500_000);
        generate(sample, big, rows);

        DeclaredSchema schema = new DeclaredSchema(titleBasics());
        Configuration conf = LakeStorage.hadoopConfiguration();
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.toAbsolutePath().resolve("bronze.parquet").toUri());

        convert(warm, schema, out, conf, rowGroup);
        System.gc();
        SqlIncrementalBenchmark.resetPeaks();
        HeapSampler sampler = HeapSampler.start(10);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        ConvertToBronze.Result r = convert(big, schema, out, conf, rowGroup);
        double sec = (System.nanoTime() - t0) / 1e9;
        double cpuSec = (os.getProcessCpuTime() - cpu0) / 1e9;
        double load = os.getSystemLoadAverage();
        sampler.close();
        long poolPeak = SqlIncrementalBenchmark.peakHeapMb();
        long maxHeap = Runtime.getRuntime().maxMemory() >> 20;
        long inBytes = Files.size(big);
        long outBytes = Files.size(Path.of(out.toUri()));
        System.out.printf("title.basics: %,d rows (%,d MB gzip) to bronze Parquet (%,d MB, row groups of %d MB) in %.1f s = %,.0f rows/s, "
                        + "peak heap %d MB sampled / %d MB sum of pool peaks, -Xmx %d MB%n",
                r.rows(), inBytes >> 20, outBytes >> 20, rowGroup >> 20, sec, r.rows() / sec, sampler.peakBytes() >> 20, poolPeak, maxHeap);
        System.out.printf("process CPU %.1f s (%,.0f rows per CPU second) on %d cores, system load average %.1f during the run%n",
                cpuSec, r.rows() / cpuSec, os.getAvailableProcessors(), load);
        System.out.printf("README | %,d | %.1f s | %,.0f rows/s | %.1f s | %d MB | %d MB | %d MB | %.1f |%n", r.rows(), sec,
                r.rows() / sec, cpuSec, sampler.peakBytes() >> 20, poolPeak, maxHeap, load);
    }

    static ConvertToBronze.Result convert(Path in, DeclaredSchema schema, org.apache.hadoop.fs.Path out, Configuration conf,
                                          long rowGroup) throws IOException {
        out.getFileSystem(conf).delete(out, false);
        return ConvertToBronze.convert(in, "title.basics.tsv.gz", schema, out, conf, rowGroup);
    }

    /** The title.basics kind as application.yaml declares it. */
    static FilesProperties.FileKind titleBasics() {
        FilesProperties.FileKind k = new FilesProperties.FileKind();
        k.setName("title.basics");
        k.setTable("imdb_title_basics");
        k.setKey("tconst");
        k.setColumns(List.of("tconst", "titleType", "primaryTitle", "originalTitle", "isAdult boolean", "startYear int",
                "endYear int", "runtimeMinutes int"));
        FilesProperties.ArrayColumn genres = new FilesProperties.ArrayColumn();
        genres.setColumn("genres");
        genres.setTable("imdb_title_genres");
        genres.setElement("genre");
        k.setArrays(List.of(genres));
        return k;
    }

    /** Writes {@code rows} rows that repeat the sample's, each with a unique tconst; skipped if the file exists. */
    static void generate(Path sample, Path target, long rows) throws IOException {
        if (Files.exists(target)) {
            return;
        }
        List<String> lines = new ArrayList<>();
        String header;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(sample)),
                StandardCharsets.UTF_8))) {
            header = r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line.substring(line.indexOf('\t')));
            }
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (Writer w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16)) {
            w.write(header);
            w.write('\n');
            for (long i = 0; i < rows; i++) {
                w.write(String.format("tt%08d", i + 1));
                w.write(lines.get((int) (i % lines.size())));
                w.write('\n');
            }
        }
        Files.move(tmp, target);
        System.out.printf("generated %s: %,d rows from %s%n", target, rows, sample);
    }
}
