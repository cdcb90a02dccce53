package io.lakehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, run as a user runs it: {@code java -jar lakehub.jar} from a working directory
 * that holds nothing but what the hub creates (the embedded default packaged in the jar).
 */
class PackagedJarIT {

    private static final String JAR = System.getProperty("lakehub.jar", "target/lakehub.jar");

    /** The table entry in full: a list given on the command line replaces the whole configured list. */
    private static final List<String> NO_LAG_LOANS = List.of(
            "--lakehub.sql.tables[0].name=loans", "--lakehub.sql.tables[0].table=loans",
            "--lakehub.sql.tables[0].keys=id", "--lakehub.sql.tables[0].watermark-column=updated_at",
            "--lakehub.sql.tables[0].lag=0s");

    @TempDir
    Path work;

    private Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-jar", new File(JAR).getAbsolutePath()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("hub.log").toFile())).start();
    }

    private int runOnce(List<String> args) throws Exception {
        Process p = start(args);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("--once finished; log:\n%s", log()).isTrue();
        return p.exitValue();
    }

    private String log() throws IOException {
        Path log = work.resolve("hub.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void onceLoadsTheSampleThenTheInjectedYearAndExitsZero() throws Exception {
        List<String> args = new ArrayList<>(List.of("--once"));
        args.addAll(NO_LAG_LOANS);
        assertThat(runOnce(args)).as("exit code; log:\n%s", log()).isZero();
        Path log0 = work.resolve("lake/silver/loans/_delta_log/00000000000000000000.json");
        assertThat(log0).exists();
        assertThat(Files.readString(log0)).contains("\"numOutputRows\":\"696\"");

        args.add("--inject-sample=2016");
        assertThat(runOnce(args)).as("exit code; log:\n%s", log()).isZero();
        Path log1 = work.resolve("lake/silver/loans/_delta_log/00000000000000000001.json");
        assertThat(Files.readString(log1)).contains("\"operation\":\"MERGE\"").contains("\"numTargetRowsInserted\":\"227\"");
        try (var files = Files.list(work.resolve("lake/bronze/sql/loans/load=000001"))) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .matches("loans-[0-9a-f-]{36}\\.csv");
        }
        try (var files = Files.walk(work.resolve("lake"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".crc"))).isEmpty();
        }
    }

    @Test
    void onceWithASampleYearTheSampleDoesNotHaveExitsNonZeroNamingTheYearsThatExist() throws Exception {
        List<Integer> years = List.copyOf(io.lakehub.sample.LendingClubSample.countByIssueYear(
                io.lakehub.sample.LendingClubSample.load()).keySet());
        int missing = years.get(years.size() - 1) + 1;

        int code = runOnce(List.of("--once", "--inject-sample=" + missing));

        assertThat(code).as("exit code; log:\n%s", log()).isNotZero();
        assertThat(log()).contains("APPLICATION FAILED TO START")
                .contains("the LendingClub sample has no loans issued in " + missing + "; its issue years are "
                        + years.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")));
    }

    @Test
    void onceExitsNonZeroWhenALoadFails() throws Exception {
        int code = runOnce(List.of("--once", "--lakehub.sql.tables[0].name=loans",
                "--lakehub.sql.tables[0].table=no_such_table", "--lakehub.sql.tables[0].keys=id",
                "--lakehub.sql.tables[0].watermark-column=updated_at"));
        assertThat(code).as("exit code; log:\n%s", log()).isEqualTo(1);
        assertThat(log()).contains("load failed, watermark unchanged").containsIgnoringCase("no_such_table");
        assertThat(work.resolve("lake/silver/loans/_delta_log")).doesNotExist();
    }

    @Test
    void serviceStartsAndServesTheHistory() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> args = new ArrayList<>(List.of("--server.port=" + port));
        args.addAll(NO_LAG_LOANS);
        long started = System.nanoTime();
        Process hub = start(args);
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health");
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200);
            System.out.printf("lakehub ready (actuator health 200) %d ms after java -jar%n",
                    (System.nanoTime() - started) / 1_000_000);
            URI history = URI.create("http://127.0.0.1:" + port + "/api/tables/loans/history");
            assertThat(http.send(HttpRequest.newBuilder(history).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("the admin API without credentials").isEqualTo(401);
            // no users configured: the hub generated an operator password into ./data/admin-password
            Path passwordFile = work.resolve("data/admin-password");
            assertThat(Files.getPosixFilePermissions(passwordFile)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String password = Files.readString(passwordFile).strip();
            String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(history).header("Authorization", basic).build(),
                            HttpResponse.BodyHandlers.ofString()).body().contains("\"operation\":\"WRITE\""));
        } finally {
            hub.destroy();
            hub.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(log()).contains("load 0 -> silver/loans version 0 (WRITE): 696 rows")
                .contains("stored in " + work.resolve("data/admin-password").toAbsolutePath())
                .doesNotContain(Files.readString(work.resolve("data/admin-password")).strip());
    }
}
