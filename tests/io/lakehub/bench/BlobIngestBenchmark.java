package io.lakehub.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.lakehub.LakehubApplication;
import io.lakehub.files.FilesIngestStatus;
import io.lakehub.testsupport.Azurite;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * files-ingest from an Azure Blob container at dump scale: generates a {@code title.basics.tsv.gz} of
 * {@code -Dbench.imdbRows} lines (default 5,000,000; as {@link ImdbIngestBenchmark} does), uploads it to
 * Azurite, starts the hub with a blob landing on that container, and times the file from the first poll
 * to its archive move (stream read from the Blob service, bronze Parquet, silver main and bridge tables),
 * printing rows/s and peak heap (largest used heap seen by a 10 ms sampler, and the sum of pool peaks).
 *
 * <p>Run: {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=io.lakehub.bench.BlobIngestBenchmark}
 * (the profile's {@code -Xmx512m}).
 */
public final class BlobIngestBenchmark {

    private BlobIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean jsonl = "jsonl".equalsIgnoreCase(System.getProperty("bench.shape", "tsv"));
        long rows = jsonl ? Long.getLong("bench.jsonlRows", 1_000_000L) : Long.getLong("bench.imdbRows", 5_000_000L);
        Path dir = Files.createDirectories(Path.of("target/bench"));
        Path big;
        String blobName;
        if (jsonl) {
            Path shared = Path.of("../shared/data/events/github_events_2021-07-21_h06-08.jsonl");
            Path sample = Files.exists(shared) ? shared : Path.of("tests/resources/files/github_events_2021-07-21_h06_head200.jsonl");
            big = dir.resolve("github_events." + rows + ".jsonl.gz");
            generateEvents(sample, big, rows);
            blobName = "incoming/github_events-bench.jsonl.gz";
        } else {
            Path shared = Path.of("../shared/data/imdb/dump2025_head/title.basics.tsv.gz");
            Path sample = Files.exists(shared) ? shared : Path.of("tests/resources/imdb/dump2025/title.basics.tsv.gz");
            big = dir.resolve("title.basics." + rows + ".tsv.gz");
            ImdbIngestBenchmark.generate(sample, big, rows);
            blobName = "incoming/title.basics.tsv.gz";
        }
        String container = "bench-" + System.currentTimeMillis();
        BlobContainerClient c = new BlobServiceClientBuilder().connectionString(Azurite.blobConnectionString()).buildClient()
                .getBlobContainerClient(container);
        c.create();
        long u0 = System.nanoTime();
        c.getBlobClient(blobName).uploadFromFile(big.toString(), true);
        System.out.printf("uploaded %,d MB to Azurite in %.1f s%n", Files.size(big) >> 20, (System.nanoTime() - u0) / 1e9);
        Path work = Files.createTempDirectory(dir, "blob-");
        System.gc();
        SqlIncrementalBenchmark.resetPeaks();
        HeapSampler sampler = HeapSampler.start(10);
        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(LakehubApplication.class).run(
                "--server.port=0",
                "--lakehub.lake.root=" + work.resolve("lake").toAbsolutePath(),
                "--spring.datasource.url=jdbc:h2:mem:blob-bench;DB_CLOSE_DELAY=-1",
                "--lakehub.sql.tables[0].name=loans", "--lakehub.sql.tables[0].table=loans",
                "--lakehub.sql.tables[0].keys[0]=id", "--lakehub.sql.tables[0].watermark-column=updated_at",
                "--lakehub.sql.tables[0].enabled=false",
                "--lakehub.events.enabled=false",
                "--lakehub.files.landings[0].name=bench",
                "--lakehub.files.landings[0].type=blob",
                "--lakehub.files.landings[0].container=" + container,
                "--lakehub.files.landings[0].prefix=incoming",
                "--lakehub.files.landings[0].archive-prefix=archive",
                "--lakehub.files.landings[0].connection-string=" + Azurite.blobConnectionString(),
                "--lakehub.files.landings[0].poll-delay=100ms",
                "--lakehub.files.landings[0].settle-time=0s")) {
            FilesIngestStatus status = hub.getBean(FilesIngestStatus.class);
            long t0 = System.nanoTime();
            while (c.listBlobs(new ListBlobsOptions().setPrefix("incoming/"), null).iterator().hasNext()) {
                if (((Number) status.counters().get("failed")).longValue() > 0 || ((Number) status.counters().get("quarantined")).longValue() > 0) {
                    throw new IllegalStateException("the benchmark file did not land: " + status.counters());
                }
                Thread.sleep(100);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            sampler.close();
            long landed = ((Number) status.counters().get("rows")).longValue();
            System.out.printf("blob landing: %,d rows (%,d MB gzip) from Azurite to bronze and silver (%s), "
                            + "archived, in %.1f s = %,.0f rows/s, peak heap %d MB sampled / %d MB sum of pool peaks, -Xmx %d MB%n",
                    landed, Files.size(big) >> 20, jsonl ? "github_events JSON lines, MERGE by id, payload rescued"
                            : "title.basics + genres bridge", sec, landed / sec, sampler.peakBytes() >> 20, SqlIncrementalBenchmark.peakHeapMb(),
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    /**
     * Writes {@code rows} GH Archive events as gzip JSON lines, cycling the real sample's lines and giving
     * each a unique {@code id} (the github_events kind MERGEs by id), so the records keep their real shapes
     * and sizes (nested actor, repo and payload objects).
     */
    static void generateEvents(Path sample, Path target, long rows) throws java.io.IOException {
        if (Files.exists(target)) {
            return;
        }
        java.util.List<String> lines = Files.readAllLines(sample).stream().filter(l -> l.startsWith("{\"id\":\"")).toList();
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try (java.io.Writer w = new java.io.OutputStreamWriter(new java.util.zip.GZIPOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), 1 << 16), java.nio.charset.StandardCharsets.UTF_8)) {
            for (long i = 0; i < rows; i++) {
                String l = lines.get((int) (i % lines.size()));
                int end = l.indexOf('"', 7);
                w.write("{\"id\":\"" + (90_000_000_000L + i) + l.substring(end));
                w.write('\n');
            }
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
