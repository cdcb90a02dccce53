package io.lakehub.events;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.events.aggregates.*} settings: event-time tumbling-window counts per event type in
 * {@code silver/events_<hub>_agg}, maintained by {@link EventAggregator} after each silver commit of the
 * events flow (active only when {@code lakehub.events.enabled} is true). Documented in {@code application.yaml}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.events.aggregates")
public class AggregatesProperties {

    /** Maintain the windowed counts (false: no aggregate table, no alerts). */
    private boolean enabled = true;
    /** Tumbling window size; windows are aligned to the epoch (UTC), like Stream Analytics' TumblingWindow. */
    @NotNull
    private Duration windowSize = Duration.ofMinutes(5);
    /**
     * How long after its end a window still accepts events: an event whose window ended more than this
     * before the watermark (largest event time already aggregated) is counted as late and not added.
     */
    @NotNull
    private Duration allowedLateness = Duration.ofMinutes(5);
    /** Most rows per data file of the aggregate table (a commit rewrites only the files holding its windows). */
    @Positive
    private int rowsPerFile = 10_000;
    /** Camel endpoint each raised alert is sent to, as a JSON String body. */
    @NotBlank
    private String alertEndpoint = "direct:events-alert";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getWindowSize() {
        return windowSize;
    }

    /** @throws IllegalArgumentException unless a whole number of seconds, at least one */
    public void setWindowSize(Duration windowSize) {
        if (windowSize == null || windowSize.toMillis() < 1000 || windowSize.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("lakehub.events.aggregates.window-size must be whole seconds, 1s or more: "
                    + windowSize);
        }
        this.windowSize = windowSize;
    }

    public Duration getAllowedLateness() {
        return allowedLateness;
    }

    /** @throws IllegalArgumentException if negative */
    public void setAllowedLateness(Duration allowedLateness) {
        if (allowedLateness == null || allowedLateness.isNegative()) {
            throw new IllegalArgumentException("lakehub.events.aggregates.allowed-lateness must be zero or more: "
                    + allowedLateness);
        }
        this.allowedLateness = allowedLateness;
    }

    public int getRowsPerFile() {
        return rowsPerFile;
    }

    public void setRowsPerFile(int rowsPerFile) {
        this.rowsPerFile = Math.max(1, rowsPerFile);
    }

    public String getAlertEndpoint() {
        return alertEndpoint;
    }

    public void setAlertEndpoint(String alertEndpoint) {
        this.alertEndpoint = alertEndpoint;
    }
}
