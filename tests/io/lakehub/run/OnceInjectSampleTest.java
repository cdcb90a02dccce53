package io.lakehub.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lakehub.LakehubApplication;
import io.lakehub.sample.LendingClubSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --once --inject-sample=<year>} for a year the bundled sample does not hold, run as a process (the hub's
 * main class on the build's class path, from an empty working directory, so ./data and ./lake are its own): the
 * process exits non-zero and says which years exist, and the source and the lake get nothing. The same case
 * against the packaged jar is in {@code PackagedJarIT}.
 */
class OnceInjectSampleTest {

    @TempDir
    Path work;

    @Test
    @Timeout(180)
    void aYearTheSampleDoesNotHaveFailsTheRunNamingTheYearsThatExist() throws Exception {
        List<Integer> years = List.copyOf(LendingClubSample.countByIssueYear(LendingClubSample.load()).keySet());
        int missing = years.get(years.size() - 1) + 1;
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", classPath, LakehubApplication.class.getName(), "--once", "--inject-sample=" + missing,
                "--lakehub.events.enabled=false"));
        Path log = work.resolve("hub.log");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();

        assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("finished; log:\n%s", Files.readString(log)).isTrue();

        String output = Files.readString(log);
        assertThat(p.exitValue()).as("exit code; log:\n%s", output).isNotZero();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("--inject-sample=" + missing + ": the LendingClub sample has no loans issued in " + missing
                        + "; its issue years are " + years.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        assertThat(work.resolve("lake/silver/loans")).as("no load ran").doesNotExist();
    }
}
