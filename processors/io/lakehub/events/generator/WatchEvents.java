package io.lakehub.events.generator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Watch events of a streaming service: a user starts or finishes watching a title.
 *
 * <p>Shape: {@code {"type":"watch","user":"u000042","title":"tt0000317","action":"start","timestamp":"2026-11-21T07:55:01.123Z"}},
 * the timestamp being the hub clock minus up to 2 s (the time on the device, ahead of the enqueued time).
 * A share {@code badShare} of the events is deliberately bad, each with one defect chosen uniformly:
 * {@code missing-field} (no {@code user}), {@code bad-enum} (action {@code pause}), {@code future-timestamp}
 * (one day ahead), {@code malformed-json} (the text cut short), {@code unknown-type} (type {@code rating}).
 * Deterministic: the same seed gives the same sequence of users, titles, actions and defects (the
 * timestamps follow the clock). Not thread-safe.
 */
public final class WatchEvents implements EventSource {

    /** The defects of bad events, in the order the random choice indexes them. */
    public static final String[] DEFECTS = {"missing-field", "bad-enum", "future-timestamp", "malformed-json", "unknown-type"};

    private final SplittableRandom random;
    private final int users;
    private final int titles;
    private final double badShare;
    private final Supplier<Instant> clock;

    /**
     * @param seed     random seed
     * @param users    distinct users (1 or more)
     * @param titles   distinct titles (1 or more)
     * @param badShare share of bad events, 0 to 1
     * @param clock    the time source of the timestamps
     * @throws IllegalArgumentException if a count is below 1 or the share is outside 0..1
     */
    public WatchEvents(long seed, int users, int titles, double badShare, Supplier<Instant> clock) {
        if (users < 1 || titles < 1) {
            throw new IllegalArgumentException("lakehub.events.generator.users and titles must be at least 1");
        }
        if (badShare < 0 || badShare > 1) {
            throw new IllegalArgumentException("lakehub.events.generator.bad-share must be between 0 and 1: " + badShare);
        }
        this.random = new SplittableRandom(seed);
        this.users = users;
        this.titles = titles;
        this.badShare = badShare;
        this.clock = clock;
    }

    @Override
    public GeneratedEvent next() {
        String user = padded("u", random.nextInt(users), 6);
        String title = padded("tt", 1 + random.nextInt(titles), 7);
        String action = random.nextBoolean() ? "start" : "finish";
        Instant ts = clock.get().minusMillis(random.nextInt(2000)).truncatedTo(ChronoUnit.MILLIS);
        String defect = random.nextDouble() < badShare ? DEFECTS[random.nextInt(DEFECTS.length)] : null;
        String type = "watch";
        if ("bad-enum".equals(defect)) {
            action = "pause";
        } else if ("future-timestamp".equals(defect)) {
            ts = ts.plus(1, ChronoUnit.DAYS);
        } else if ("unknown-type".equals(defect)) {
            type = "rating";
        }
        StringBuilder b = new StringBuilder(120).append("{\"type\":\"").append(type).append('"');
        if (!"missing-field".equals(defect)) {
            b.append(",\"user\":\"").append(user).append('"');
        }
        b.append(",\"title\":\"").append(title).append("\",\"action\":\"").append(action)
                .append("\",\"timestamp\":\"").append(ts).append("\"}");
        String payload = b.toString();
        if ("malformed-json".equals(defect)) {
            payload = payload.substring(0, payload.length() / 2);
        }
        return new GeneratedEvent(user, payload, defect);
    }

    @Override
    public void close() {
    }

    /** {@code prefix} and {@code n} zero-padded to {@code width} digits (String.format costs a microsecond an event). */
    private static String padded(String prefix, int n, int width) {
        String digits = Integer.toString(n);
        StringBuilder b = new StringBuilder(prefix.length() + Math.max(width, digits.length())).append(prefix);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits).toString();
    }
}
