package io.lakehub.events;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.events.compaction.*} settings of {@link CompactBronzeEvents}, the compaction of closed
 * bronze minute folders (scheduled only when {@code lakehub.events.enabled} is true). Documented in
 * {@code application.yaml}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.events.compaction")
public class CompactionProperties {

    /** Run the compaction on a schedule (the admin API can run it either way). */
    private boolean enabled = true;
    /** Pause from the end of one scheduled run to the start of the next. */
    @NotNull
    private Duration every = Duration.ofMinutes(5);
    /** Delay from start to the first scheduled run. */
    @NotNull
    private Duration initialDelay = Duration.ofMinutes(5);
    /**
     * How long after its end a minute folder is closed: longer than a batch can take from the broker's
     * enqueue time to its silver commit (poll timeout, retries), so no batch still writes into it.
     */
    @NotNull
    private Duration grace = Duration.ofMinutes(10);
    /** Only minute folders younger than this are looked at (older ones were compacted by earlier runs). */
    @NotNull
    private Duration lookback = Duration.ofHours(48);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getEvery() {
        return every;
    }

    public void setEvery(Duration every) {
        this.every = every;
    }

    public Duration getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }

    public Duration getGrace() {
        return grace;
    }

    /** @throws IllegalArgumentException if negative */
    public void setGrace(Duration grace) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("lakehub.events.compaction.grace must be zero or more: " + grace);
        }
        this.grace = grace;
    }

    public Duration getLookback() {
        return lookback;
    }

    public void setLookback(Duration lookback) {
        this.lookback = lookback;
    }
}
