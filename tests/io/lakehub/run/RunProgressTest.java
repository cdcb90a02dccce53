package io.lakehub.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A run in progress is logged at the interval with its rows, rows/s and elapsed time, is listed by
 * {@link RunProgress#active()}, and leaves the list when its run is recorded.
 */
@ExtendWith(OutputCaptureExtension.class)
class RunProgressTest {

    @Test
    void aLongRunIsLoggedAndListedUntilItIsRecorded(CapturedOutput output) {
        RunHistory history = new RunHistory();
        RunProgress progress = new RunProgress(history, Duration.ofMillis(200));
        try {
            RunProgress.Active run = progress.start("run-1", "replication", "insurance_complaints");
            run.rows().set(123_456);
            await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("replication insurance_complaints run run-1: 123456 rows"));
            assertThat(output.getOut()).containsPattern("run-1: 123456 rows, \\d+ rows/s, elapsed \\d+\\.\\d s");
            assertThat(progress.active()).singleElement()
                    .satisfies(m -> assertThat(m).containsEntry("runId", "run-1").containsEntry("rows", 123_456L));

            Instant now = Instant.now();
            history.record(new RunHistory.Run("run-1", "replication", "insurance_complaints", now, now, "SUCCEEDED",
                    123_456, 0, 0, 0, null, null));
            assertThat(progress.active()).isEmpty();
        } finally {
            progress.stop();
        }
    }
}
