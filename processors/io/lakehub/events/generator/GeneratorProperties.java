package io.lakehub.events.generator;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.events.generator.*} settings of the event generator (issue 4, part 6); each key is
 * documented with its default in {@code application.yaml}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.events.generator")
public class GeneratorProperties {

    /** What the generator publishes. */
    public enum Mode {
        /** Generated watch events ({@code seed}, {@code users}, {@code titles}, {@code bad-share}). */
        WATCH,
        /** The lines of {@code file}, in order. */
        REPLAY;

        /** The name as configured and as the admin API shows it: {@code watch}, {@code replay}. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * The mode a request names.
         *
         * @throws IllegalArgumentException for another name than watch or replay
         */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.value().equalsIgnoreCase(name == null ? "" : name.strip())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("generator mode must be watch or replay: " + name);
        }
    }

    /** Where the generator publishes. */
    public enum Transport {
        /** The hub's own in-process log. */
        IN_PROCESS,
        /** A Kafka topic. */
        KAFKA;

        /** The name as configured and as the admin API shows it: {@code in-process}, {@code kafka}. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Start publishing when the hub has started (not in {@code --once}); the admin API starts it on request too. */
    private boolean enabled = false;
    /** {@code watch} (generated watch events) or {@code replay} (the lines of {@link #file}). */
    @NotNull
    private Mode mode = Mode.WATCH;
    /**
     * Where to publish: {@code in-process} (the hub's own log; used only when {@code lakehub.events.transport}
     * is {@code in-process}) or {@code kafka} ({@code lakehub.events.bootstrap-servers}, {@code lakehub.events.topic}).
     * Publishing to a broker is never a default, so a hub switched to Kafka does not write test events there.
     */
    @NotNull
    private Transport transport = Transport.IN_PROCESS;
    /** Events per second; 0 publishes as fast as the transport accepts. */
    @PositiveOrZero
    private double rate = 20;
    /** Share of deliberately bad watch events, 0 to 1. */
    @DecimalMin("0") @DecimalMax("1")
    private double badShare = 0.05;
    /** Seed of the watch events: the same seed gives the same users, titles, actions and bad ones. */
    private long seed = 42;
    /** Distinct users of the watch events. */
    @Positive
    private int users = 1_000;
    /** Distinct titles of the watch events. */
    @Positive
    private int titles = 500;
    /** Replay file: JSON lines, plain or gzip ({@code .gz}); one event per line. */
    private String file;
    /** Replay: start the file over at its end instead of stopping. */
    private boolean loop = false;
    /** Most events per run; 0: no limit (watch runs until stopped, replay until the file ends). */
    @PositiveOrZero
    private long limit = 0;
    /** Extra Kafka producer properties (e.g. {@code security.protocol}); secrets from the environment. */
    private Map<String, String> kafka = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public double getRate() {
        return rate;
    }

    public void setRate(double rate) {
        this.rate = rate;
    }

    public double getBadShare() {
        return badShare;
    }

    public void setBadShare(double badShare) {
        this.badShare = badShare;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public int getUsers() {
        return users;
    }

    public void setUsers(int users) {
        this.users = users;
    }

    public int getTitles() {
        return titles;
    }

    public void setTitles(int titles) {
        this.titles = titles;
    }

    public String getFile() {
        return file;
    }

    public void setFile(String file) {
        this.file = file;
    }

    public boolean isLoop() {
        return loop;
    }

    public void setLoop(boolean loop) {
        this.loop = loop;
    }

    public long getLimit() {
        return limit;
    }

    public void setLimit(long limit) {
        this.limit = limit;
    }

    public Map<String, String> getKafka() {
        return kafka;
    }

    public void setKafka(Map<String, String> kafka) {
        this.kafka = kafka;
    }
}
