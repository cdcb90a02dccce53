package io.lakehub.events.generator;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.events.LandEventBatch;
import io.lakehub.events.inprocess.InProcessEventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Publishes events to the configured transport at a given rate (issue 4, part 6): generated watch
 * events ({@link WatchEvents}, a share of them deliberately bad) or the lines of a real stream
 * ({@link ReplayFile}, e.g. the Wikipedia edits of {@code ../shared/data/events}).
 *
 * <p>One run at a time, on its own daemon thread {@code lakehub-events-generator}. Pacing: event
 * {@code i} of a run is published no earlier than {@code i / rate} seconds after the run started
 * ({@code rate 0}: as fast as the transport accepts); a run that fell behind (back-pressure) catches up
 * by at most one second's worth of events. A run ends when stopped, at {@code limit} events, at the end
 * of a replayed file, or on a publishing error (kept in {@link #status()} and logged).
 *
 * <p>A replay resumes: it starts after the lines {@code silver/events_<hub>} already holds, read back from
 * the table's {@code txn} actions ({@link ReplayFile}: stable positions, line number per partition), so a
 * replay stopped mid-file (the run stopped, the hub stopped or killed) and started again publishes each
 * line the lake does not hold, and no other; a file replayed to its end publishes nothing the next time.
 * {@link #status()} shows the replay's identity and the lines skipped as already committed.
 *
 * <p>Starts by itself when the hub is ready if {@code lakehub.events.generator.enabled} is true, except
 * with {@code --once} and except when it would publish {@code in-process} while the events flow does not
 * consume that transport (the log would fill and wait for ever). Thread-safe.
 */
@Component
public class EventGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(EventGenerator.class);

    private final GeneratorProperties props;
    private final EventsProperties events;
    private final InProcessEventLog log;
    private final LakeStorage lake;
    private final boolean once;

    private Thread thread;
    private volatile boolean stopRequested;
    private volatile Run run;

    /** The state of the current or last run. */
    private static final class Run {
        final String mode;
        final String transport;
        final double rate;
        final long limit;
        final Instant startedAt = Instant.now();
        volatile long published;
        final Map<String, Long> bad = new TreeMap<>();
        volatile Instant endedAt;
        volatile String error;
        volatile ReplayFile replay;

        Run(String mode, String transport, double rate, long limit) {
            this.mode = mode;
            this.transport = transport;
            this.rate = rate;
            this.limit = limit;
        }
    }

    /**
     * @param props  {@code lakehub.events.generator.*}
     * @param events {@code lakehub.events.*}: the consumed transport, and the Kafka bootstrap servers and topic
     * @param log    the in-process log the {@code in-process} transport publishes to
     * @param lake   the lake whose {@code silver/events_<hub>} says where a replay resumes
     * @param args   the command line: with {@code --once} the generator never starts by itself
     */
    public EventGenerator(GeneratorProperties props, EventsProperties events, InProcessEventLog log, LakeStorage lake,
                          ApplicationArguments args) {
        this.props = props;
        this.events = events;
        this.log = log;
        this.lake = lake;
        this.once = args.containsOption("once");
    }

    /** Starts the configured run when the hub is ready, if enabled (see the class comment). */
    @EventListener(ApplicationReadyEvent.class)
    public void startIfEnabled() {
        if (!props.isEnabled() || once) {
            return;
        }
        if (!inProcessConsumed() && props.getTransport() == GeneratorProperties.Transport.IN_PROCESS) {
            LOG.info("events generator: not started: it publishes in-process, and the events flow consumes {} "
                    + "(set lakehub.events.generator.transport to publish to a broker)",
                    events.isEnabled() ? events.getTransport() : "nothing (lakehub.events.enabled=false)");
            return;
        }
        start(null, null, null);
    }

    /**
     * The replay of a file over the destination's partitions, resuming after the positions
     * {@code silver/events_<hub>} committed for it (none if the table does not exist yet).
     */
    private ReplayFile replay(Path file, EventPublisher publisher) throws Exception {
        String hub = events.getHub();
        String id = ReplayFile.id(file);
        DeltaTable silver = new DeltaTable(lake, "events_" + hub);
        boolean exists = silver.exists();
        ReplayFile replay = new ReplayFile(file, props.isLoop(), publisher.partitions(),
                p -> exists ? silver.txnVersion(LandEventBatch.replayAppId(hub, id, p)) : -1L);
        LOG.info("events generator: replay {} over {} partitions resumes after the positions silver/events_{} committed",
                id, publisher.partitions(), hub);
        return replay;
    }

    private boolean inProcessConsumed() {
        return events.isEnabled() && "in-process".equals(events.getTransport());
    }

    /**
     * Starts a run; settings not given come from {@code lakehub.events.generator.*}.
     *
     * @param mode  {@code watch} or {@code replay}, or null
     * @param rate  events per second (0: as fast as possible), or null
     * @param limit most events (0: no limit), or null
     * @return the status of the new run
     * @throws IllegalArgumentException if the mode or transport is unknown, the rate negative, or a replay has no readable file
     * @throws IllegalStateException    if a run is going on, or it would publish in-process with no consumer
     */
    public synchronized Map<String, Object> start(String mode, Double rate, Long limit) {
        if (thread != null && thread.isAlive()) {
            throw new IllegalStateException("the events generator is already running; stop it first");
        }
        String m = mode == null ? props.getMode().value() : mode;
        double r = rate == null ? props.getRate() : rate;
        long l = limit == null ? props.getLimit() : limit;
        String transport = props.getTransport().value();
        if (r < 0 || Double.isNaN(r)) {
            throw new IllegalArgumentException("rate must be 0 (as fast as possible) or more events per second: " + r);
        }
        if (!"watch".equals(m) && !"replay".equals(m)) {
            throw new IllegalArgumentException("generator mode must be watch or replay: " + m);
        }
        if ("replay".equals(m) && (props.getFile() == null || props.getFile().isBlank())) {
            throw new IllegalArgumentException("replay needs lakehub.events.generator.file (a .jsonl or .jsonl.gz file)");
        }
        EventPublisher publisher;
        switch (transport) {
            case "in-process" -> {
                if (!inProcessConsumed()) {
                    throw new IllegalStateException("the generator publishes in-process but the events flow does not consume it "
                            + "(lakehub.events.enabled=true and lakehub.events.transport=in-process)");
                }
                publisher = EventPublisher.inProcess(log);
            }
            case "kafka" -> publisher = EventPublisher.kafka(events.getBootstrapServers(), events.getTopic(), props.getKafka());
            default -> throw new IllegalArgumentException("lakehub.events.generator.transport must be in-process or kafka: "
                    + transport);
        }
        EventSource source;
        try {
            source = "watch".equals(m)
                    ? new WatchEvents(props.getSeed(), props.getUsers(), props.getTitles(), props.getBadShare(), Instant::now)
                    : replay(Path.of(props.getFile()), publisher);
        } catch (Exception e) {
            closeQuietly(publisher);
            if (e instanceof java.io.IOException) {
                throw new IllegalArgumentException("replay file " + props.getFile() + ": " + e.getMessage(), e);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("replay of " + props.getFile() + ": " + e.getMessage(), e);
        }
        Run current = new Run(m, transport, r, l);
        current.replay = source instanceof ReplayFile rf ? rf : null;
        run = current;
        stopRequested = false;
        thread = new Thread(() -> publish(current, source, publisher), "lakehub-events-generator");
        thread.setDaemon(true);
        thread.start();
        LOG.info("events generator: {} events to {} at {} (limit {})", m, transport,
                r == 0 ? "full speed" : r + " events/s", l == 0 ? "none" : l);
        return status();
    }

    /**
     * Stops the running run, waiting up to 10 s for it to hand its last events to the transport.
     *
     * @return the status of the stopped (or last) run
     */
    public Map<String, Object> stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            stopRequested = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            t.join(2_000);
            if (t.isAlive()) {
                // waiting for room in a full partition: only an interrupt ends that wait
                t.interrupt();
                t.join(8_000);
            }
        }
        return status();
    }

    /** Stops a run when the hub shuts down, so no event is published into a log nobody consumes. */
    @jakarta.annotation.PreDestroy
    public void close() throws InterruptedException {
        stop();
    }

    /**
     * @return running, and of the current or last run: mode, transport, rate, limit, published, bad (per defect),
     *         startedAt, endedAt, error; for a replay also replay (its identity) and skippedAsCommitted (lines a
     *         commit already held, not published again)
     */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Thread t = thread;
        Run r = run;
        m.put("running", t != null && t.isAlive());
        m.put("enabled", props.isEnabled());
        m.put("transport", r == null ? props.getTransport().value() : r.transport);
        m.put("mode", r == null ? props.getMode().value() : r.mode);
        m.put("rate", r == null ? props.getRate() : r.rate);
        if (r != null) {
            m.put("limit", r.limit);
            m.put("published", r.published);
            synchronized (r.bad) {
                m.put("bad", new TreeMap<>(r.bad));
            }
            m.put("startedAt", r.startedAt.toString());
            m.put("endedAt", r.endedAt == null ? null : r.endedAt.toString());
            m.put("error", r.error);
            ReplayFile replay = r.replay;
            if (replay != null) {
                m.put("replay", replay.id());
                m.put("skippedAsCommitted", replay.skipped());
            }
        }
        return m;
    }

    private void publish(Run r, EventSource source, EventPublisher publisher) {
        long start = System.nanoTime();
        long i = 0;
        try (source; publisher) {
            while (!stopRequested && (r.limit <= 0 || i < r.limit)) {
                GeneratedEvent e = source.next();
                if (e == null) {
                    break;
                }
                if (r.rate > 0) {
                    long due = start + (long) (i * 1e9 / r.rate);
                    long now = System.nanoTime();
                    if (now - due > 1_000_000_000L) {
                        // back-pressure held the run back: resume the rate from here instead of bursting
                        start += now - due - 1_000_000_000L;
                    } else if (due > now) {
                        LockSupport.parkNanos(due - now);
                        if (stopRequested) {
                            break;
                        }
                    }
                }
                publisher.publish(e);
                i++;
                r.published = i;
                if (e.bad() != null) {
                    synchronized (r.bad) {
                        r.bad.merge(e.bad(), 1L, Long::sum);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            r.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("events generator stopped after {} events: {}", i, r.error);
        } finally {
            r.endedAt = Instant.now();
            LOG.info("events generator: {} run ended after {} events{}", r.mode, i,
                    source instanceof ReplayFile rf ? " (" + rf.skipped() + " lines skipped: already committed)" : "");
        }
    }

    private static void closeQuietly(AutoCloseable s) {
        try {
            s.close();
        } catch (Exception e) {
            LOG.debug("closing the event source or publisher: {}", e.getMessage());
        }
    }
}
