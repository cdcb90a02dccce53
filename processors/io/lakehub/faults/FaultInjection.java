package io.lakehub.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one fault-injection seam of lakehub: crash tests arm a {@link FaultPoint}, production code only
 * {@linkplain #reach reaches} it. Off unless a test turns it on; an unarmed point costs a map lookup.
 *
 * <p>Two ways to arm a point:
 * <ul>
 *   <li>In the test's own JVM: {@link #arm(FaultPoint, Consumer)} with an action that receives the
 *       context string (throw to fail the step, block to stage a race, commit concurrently...), and
 *       {@link #disarm(FaultPoint)} or {@link #disarmAll()} after the test.</li>
 *   <li>In a hub started as a separate process: the system property {@value #HALT_PROPERTY} set to
 *       {@code <POINT>:<n>} (e.g. {@code EVENTS_BEFORE_SILVER_COMMIT:3}) halts the JVM with exit status
 *       {@value #HALT_STATUS} (as a {@code kill -9} would leave it: no shutdown hook, no flush) the
 *       {@code n}-th time the point is reached.</li>
 * </ul>
 * Thread-safe: arming and reaching may happen on different threads.
 */
public final class FaultInjection {

    /** System property {@code <POINT>:<n>}: halt the JVM at the n-th reach of the point (n ≥ 1). */
    public static final String HALT_PROPERTY = "lakehub.faults.halt";

    /** The exit status of a halt, 137 (128 + SIGKILL), as a killed process reports. */
    public static final int HALT_STATUS = 137;

    // lock-free reads: a point on a bulk path (one reach per row) costs a lookup, not a monitor
    private static final Map<FaultPoint, Consumer<String>> ARMED = new ConcurrentHashMap<>();
    private static final Map<FaultPoint, AtomicLong> REACHED = new EnumMap<>(FaultPoint.class);
    private static final FaultPoint HALT_POINT;
    private static final long HALT_AT;

    static {
        for (FaultPoint p : FaultPoint.values()) {
            REACHED.put(p, new AtomicLong());
        }
        String spec = System.getProperty(HALT_PROPERTY, "").trim();
        FaultPoint point = null;
        long at = 0;
        if (!spec.isEmpty()) {
            int colon = spec.lastIndexOf(':');
            try {
                point = FaultPoint.valueOf(colon < 0 ? spec : spec.substring(0, colon));
                at = colon < 0 ? 1 : Long.parseLong(spec.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(HALT_PROPERTY + "=" + spec + ": expected <POINT>:<n>, POINT one of "
                        + java.util.Arrays.toString(FaultPoint.values()), e);
            }
        }
        HALT_POINT = point;
        HALT_AT = at;
    }

    private FaultInjection() {
    }

    /**
     * Called by production code at a fault point: runs the action armed for it, if any, with
     * {@code context}, or halts the JVM if {@value #HALT_PROPERTY} names this reach. Unarmed: nothing.
     *
     * @throws RuntimeException whatever the armed action throws (that is the injected fault)
     */
    public static void reach(FaultPoint point, String context) {
        long n = REACHED.get(point).incrementAndGet();
        if (point == HALT_POINT && n == HALT_AT) {
            System.err.println("lakehub: " + HALT_PROPERTY + "=" + point + ":" + HALT_AT + " reached (" + context + "): halting");
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
        Consumer<String> action = ARMED.get(point);
        if (action != null) {
            action.accept(context);
        }
    }

    /** Arms {@code point} with {@code action} (replacing any earlier one); for tests. */
    public static void arm(FaultPoint point, Consumer<String> action) {
        ARMED.put(point, action);
    }

    /**
     * Arms {@code point} with an action that runs once, at the next reach whose context equals
     * {@code context} (null: any context), and then disarms itself; for tests.
     */
    public static void armOnce(FaultPoint point, String context, Consumer<String> action) {
        arm(point, new Consumer<>() {
            @Override
            public void accept(String reached) {
                if (context != null && !context.equals(reached)) {
                    return;
                }
                if (!ARMED.remove(point, this)) {
                    return;
                }
                action.accept(reached);
            }
        });
    }

    /** Disarms {@code point}. */
    public static void disarm(FaultPoint point) {
        ARMED.remove(point);
    }

    /** Disarms every point (for a test's clean-up). */
    public static void disarmAll() {
        ARMED.clear();
    }

    /** How many times {@code point} has been reached in this JVM (for a test to check it was). */
    public static long reached(FaultPoint point) {
        return REACHED.get(point).get();
    }
}
