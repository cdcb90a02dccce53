package io.lakehub.events;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakehub.delta.DataFile;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.run.RunHistory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Event-time tumbling-window counts per event type, the Stream Analytics query
 * {@code SELECT type, COUNT(*) ... GROUP BY type, TumblingWindow(minute, 5)}, kept in the silver Delta
 * table {@code events_<hub>_agg} (window_start, window_end, event_type, count, updated_at), plus threshold
 * alerts ({@link AlertOutbox}).
 *
 * <p><b>When.</b> Called by {@link LandEventBatch} after each silver commit ({@link EventCommitListener}).
 * Windows are {@code [k * size, (k + 1) * size)} in UTC epoch time; an event's time is its silver
 * {@code event_time}, or its {@code enqueued_time} when the payload has none.
 *
 * <p><b>Exactly once.</b> Each aggregate commit carries a {@code txn} per partition (app id
 * {@code lakehub-events-agg-<hub>-<partition>}) whose version is the silver position its counts cover.
 * A partition whose aggregate {@code txn} equals the silver one is skipped (a replay); one that is
 * behind by exactly this batch takes the batch's rows; one further behind (a crash between the silver
 * and the aggregate commit, the aggregates turned on later, a failed aggregate commit) is caught up by
 * reading the missing positions back from silver. On start a background catch-up, and the first call
 * after start, check every partition found in silver. Counts are MERGEd by (window_start, event_type),
 * added to the existing count, copy-on-write of the few files holding those windows, in one Delta
 * commit with the txns ({@link DeltaTable#commitRewrite}); a concurrent commit makes it start over on
 * the new snapshot.
 *
 * <p><b>Late events</b> (like Stream Analytics' late arrival policy, with a "drop" action): the watermark
 * is the largest event time aggregated by earlier commits, stored as table property
 * {@value #WATERMARK}. An event whose window ended more than {@code allowed-lateness} before that
 * watermark ({@code window_end + lateness < watermark}) is counted as late (metric
 * {@code lakehub.events.aggregates{outcome=late}}, the run record, the commit's userMetadata) and not
 * added: a closed window never changes. Events of one commit are judged against the watermark before
 * it, so the events of one batch never make each other late.
 *
 * <p><b>Alerts</b> ({@link AlertRulesProperties.AlertRule}): {@code above} is raised by the commit that
 * takes a rule window's count from at most the threshold to more than it; {@code below} by the commit
 * whose watermark passes the rule window's end plus the lateness while its count is under the threshold
 * (windows without events count 0; only windows closing after the first aggregate commit are judged).
 * Each is written once per (rule, window) to the outbox before the aggregate commit, then sent to
 * {@code lakehub.events.aggregates.alert-endpoint}. Settings: {@link AggregatesProperties}.
 *
 * <p>Failure: an exception leaves the aggregate table as it was; the next call catches up. Thread-safe
 * (calls are serialised per instance; instances sharing a table are serialised by Delta).
 */
@Component
@Order(100)
public class EventAggregator implements EventCommitListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventAggregator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Table property holding the watermark (ISO-8601 instant). */
    public static final String WATERMARK = "lakehub.events.watermark";

    /** Columns of {@code silver/events_<hub>_agg}. */
    public static final TableSchema AGG_SCHEMA = TableSchema.of(
        new Column("window_start", ColumnType.TIMESTAMP, true),
        new Column("window_end", ColumnType.TIMESTAMP, true),
        new Column("event_type", ColumnType.STRING, true),
        new Column("count", ColumnType.LONG, true),
        new Column("updated_at", ColumnType.TIMESTAMP, true));

    /** Most rule windows judged by one commit for a {@code below} rule (a watermark jump after a long pause). */
    static final int MAX_CLOSING_WINDOWS = 10_000;

    private final LakeStorage lake;
    private final String hub;
    private final boolean enabled;
    private final long size;
    private final long lateness;
    private final int rowsPerFile;
    private final List<AlertRulesProperties.AlertRule> rules;
    private final AlertOutbox outbox;
    private final AlertOutbox.Publisher publisher;
    private final RunHistory runs;
    private final DeltaTable silver;
    private final DeltaTable table;
    private volatile boolean checkedAllPartitions;

    private final AtomicLong counted = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastVersion = new AtomicLong(-1);
    private final AtomicReference<String> watermark = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    /**
     * The aggregator of a hub.
     *
     * @param settings  window size, lateness, file size
     * @param rules     alert rules; each window a multiple of the window size
     * @param publisher where alerts are sent after the aggregate commit
     * @param runs      run records of commits with late events, alerts or catch-up, or null
     * @throws IllegalArgumentException on a rule without a name or type, or with a window that is not a
     *                                  multiple of the window size
     */
    public EventAggregator(LakeStorage lake, String hub, AggregatesProperties settings,
                           List<AlertRulesProperties.AlertRule> rules, AlertOutbox.Publisher publisher, RunHistory runs) {
        this(lake, hub, settings.isEnabled(), settings, rules, publisher, runs, null);
    }

    /** The Spring bean: active when both {@code lakehub.events.enabled} and {@code lakehub.events.aggregates.enabled}. */
    @Autowired
    public EventAggregator(LakeStorage lake, EventsProperties events, AggregatesProperties settings,
                           AlertRulesProperties rules, RunHistory runs, ObjectProvider<MeterRegistry> meters,
                           ObjectProvider<ProducerTemplate> producer) {
        this(lake, events.getHub(), events.isEnabled() && settings.isEnabled(), settings, rules.getAlerts(),
                json -> producer.getObject().sendBody(settings.getAlertEndpoint(), json), runs, meters.getIfAvailable());
    }

    private EventAggregator(LakeStorage lake, String hub, boolean enabled, AggregatesProperties settings,
                            List<AlertRulesProperties.AlertRule> rules, AlertOutbox.Publisher publisher, RunHistory runs,
                            MeterRegistry meters) {
        this.lake = lake;
        this.hub = hub;
        this.enabled = enabled;
        this.size = settings.getWindowSize().toMillis();
        this.lateness = settings.getAllowedLateness().toMillis();
        this.rowsPerFile = settings.getRowsPerFile();
        for (AlertRulesProperties.AlertRule r : rules) {
            if (r.getName() == null || r.getEventType() == null) {
                throw new IllegalArgumentException("lakehub.events.alerts[]: each rule needs a name and an event-type");
            }
            long w = r.getWindow() == null ? size : r.getWindow().toMillis();
            if (w < size || w % size != 0) {
                throw new IllegalArgumentException("lakehub.events.alerts[" + r.getName() + "].window " + r.getWindow()
                        + " must be a multiple of lakehub.events.aggregates.window-size " + settings.getWindowSize());
            }
        }
        this.rules = List.copyOf(rules);
        this.outbox = new AlertOutbox(lake, hub);
        this.publisher = publisher;
        this.runs = runs;
        this.silver = new DeltaTable(lake, "events_" + hub);
        this.table = new DeltaTable(lake, tableName(hub));
        if (meters != null) {
            for (Map.Entry<String, AtomicLong> e : Map.of("counted", counted, "late", late, "alerts", alerts).entrySet()) {
                FunctionCounter.builder("lakehub.events.aggregates", e.getValue(), AtomicLong::doubleValue)
                        .description("events counted in windows, late events not counted, alerts raised, since start")
                        .tags("hub", hub, "outcome", e.getKey()).register(meters);
            }
        }
    }

    /** The aggregate table's name, {@code events_<hub>_agg}. */
    public static String tableName(String hub) {
        return "events_" + hub + "_agg";
    }

    /** The {@code txn} app id of a partition in the aggregate table. */
    public static String appId(String hub, int partition) {
        return "lakehub-events-agg-" + hub + "-" + partition;
    }

    /** The outbox of this hub's alerts. */
    public AlertOutbox outbox() {
        return outbox;
    }

    /**
     * What one aggregate commit did.
     *
     * @param version      the aggregate table version written, -1 if nothing was behind
     * @param counted      events added to windows
     * @param late         events not added because their window had closed
     * @param caughtUp     partitions whose positions were read back from silver
     * @param alertsRaised ids of the alerts written by this commit
     * @param watermark    the watermark after the commit, or null before any event
     */
    public record Outcome(long version, long counted, long late, Set<Integer> caughtUp, List<String> alertsRaised,
                          Instant watermark) {
    }

    @Override
    public void committed(CommittedBatch batch) throws IOException {
        if (!enabled || !batch.hub().equals(hub)) {
            return;
        }
        Map<Integer, Long> targets = new TreeMap<>(batch.committedAfter());
        boolean all = !checkedAllPartitions;
        if (all) {
            for (int p : silverPartitions()) {
                if (!targets.containsKey(p)) {
                    long v = silver.txnVersion(LandEventBatch.appId(hub, p));
                    if (v >= 0) {
                        targets.put(p, v);
                    }
                }
            }
        }
        aggregate(targets, batch);
        if (all) {
            checkedAllPartitions = true;
        }
    }

    /**
     * On start, catches up whatever silver holds beyond the aggregates (a crash between the two commits,
     * aggregates turned on for a hub with data), on a background thread so the hub's start does not
     * wait for it; the first batch waits for it instead (calls are serialised). A failure is logged and
     * left to the first batch.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void catchUpOnStart() {
        if (!enabled) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Outcome o = catchUp();
                if (o.version() >= 0) {
                    LOG.info("events {}: aggregates caught up with silver on start: {} events of partitions {}, version {}",
                            hub, o.counted() + o.late(), o.caughtUp(), o.version());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("events {}: aggregates could not catch up on start, the first batch will: {}", hub, e.toString());
            }
        }, "events-aggregates-catch-up-" + hub);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Brings every partition's counts up to its silver position, reading silver back (also run by the
     * first batch after start).
     *
     * @throws IOException if silver or the aggregate table cannot be read or written
     */
    public Outcome catchUp() throws IOException {
        if (!enabled) {
            return new Outcome(-1, 0, 0, Set.of(), List.of(), null);
        }
        Map<Integer, Long> targets = new TreeMap<>();
        for (int p : silverPartitions()) {
            long v = silver.txnVersion(LandEventBatch.appId(hub, p));
            if (v >= 0) {
                targets.put(p, v);
            }
        }
        Outcome o = aggregate(targets, null);
        checkedAllPartitions = true;
        return o;
    }

    private synchronized Outcome aggregate(Map<Integer, Long> targets, CommittedBatch batch) throws IOException {
        Instant started = Instant.now();
        Plan[] last = new Plan[1];
        long version;
        try {
            FaultInjection.reach(FaultPoint.EVENTS_BEFORE_AGGREGATE, hub);
            version = table.commitRewrite(AGG_SCHEMA, view -> {
                last[0] = new Plan();
                return plan(view, targets, batch, last[0]);
            });
        } catch (IOException | RuntimeException e) {
            // whatever was behind, the next call looks at every partition again
            checkedAllPartitions = false;
            failures.incrementAndGet();
            lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            record(started, "FAILED", null, -1, e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        Plan p = last[0];
        if (version < 0 || p == null) {
            return new Outcome(-1, 0, 0, Set.of(), List.of(), watermarkOrNull());
        }
        counted.addAndGet(p.counted);
        late.addAndGet(p.late);
        alerts.addAndGet(p.alertIds.size());
        commits.incrementAndGet();
        lastVersion.set(version);
        lastError.set(null);
        if (p.watermark != null) {
            watermark.set(p.watermark.toString());
        }
        if (p.late > 0 || !p.alertIds.isEmpty() || !p.caughtUp.isEmpty()) {
            record(started, "SUCCEEDED", p, version, null);
        }
        if (p.late > 0) {
            LOG.info("events {}: {} late events not counted (window closed more than {} before watermark {}), aggregate version {}",
                    hub, p.late, Duration.ofMillis(lateness), p.watermarkBefore, version);
        }
        deliverAlerts();
        return new Outcome(version, p.counted, p.late, p.caughtUp, p.alertIds, p.watermark);
    }

    /** Sends pending alerts; a failure leaves them pending for the next commit. */
    private void deliverAlerts() {
        if (publisher == null) {
            return;
        }
        try {
            outbox.deliver(publisher);
        } catch (IOException | RuntimeException e) {
            LOG.warn("events {}: alerts not delivered, they stay pending: {}", hub, e.toString());
        }
    }

    private Instant watermarkOrNull() {
        String w = watermark.get();
        return w == null ? null : Instant.parse(w);
    }

    private void record(Instant started, String status, Plan p, long version, String error) {
        if (runs == null) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (p != null) {
            details.put("late", p.late);
            details.put("counted", p.counted);
            details.put("caughtUpPartitions", p.caughtUp);
            details.put("alerts", p.alertIds);
            details.put("watermark", p.watermark == null ? null : p.watermark.toString());
        }
        runs.record(new RunHistory.Run(java.util.UUID.randomUUID().toString(), "events-aggregate", hub, started,
                Instant.now(), status, p == null ? 0 : p.counted + p.late, p == null ? 0 : p.counted, 0, 0,
                version < 0 ? null : version, error, details));
    }

    /** State of one planning attempt. */
    private static final class Plan {
        long counted;
        long late;
        Set<Integer> caughtUp = new TreeSet<>();
        List<String> alertIds = new ArrayList<>();
        Instant watermark;
        Instant watermarkBefore;
    }

    /** (window start in epoch ms, event type), ordered by window then type. */
    record Key(long start, String type) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(start, o.start);
            return c != 0 ? c : type.compareTo(o.type);
        }
    }

    private DeltaTable.RewritePlan plan(DeltaTable.RewriteView view, Map<Integer, Long> targets, CommittedBatch batch,
                                        Plan plan) throws IOException {
        Map<String, Long> txns = new TreeMap<>();
        Set<Integer> fromBatch = new TreeSet<>();
        Map<Integer, long[]> readBack = new TreeMap<>();
        ObjectNode lineage = JSON.createObjectNode();
        lineage.put("flow", "events-aggregate");
        lineage.put("hub", hub);
        lineage.put("windowSize", Duration.ofMillis(size).toString());
        lineage.put("allowedLateness", Duration.ofMillis(lateness).toString());
        ObjectNode positions = lineage.putObject("positions");
        for (Map.Entry<Integer, Long> t : targets.entrySet()) {
            int p = t.getKey();
            long done = view.txnVersion(appId(hub, p));
            if (done >= t.getValue()) {
                continue;
            }
            txns.put(appId(hub, p), t.getValue());
            boolean exact = batch != null && t.getValue().equals(batch.committedAfter().get(p))
                    && Long.valueOf(done).equals(batch.committedBefore().get(p));
            if (exact) {
                fromBatch.add(p);
            } else {
                readBack.put(p, new long[] {done, t.getValue()});
            }
            ObjectNode o = positions.putObject(Integer.toString(p));
            o.put("from", done);
            o.put("to", t.getValue());
            o.put("source", exact ? "batch" : "silver");
        }
        if (txns.isEmpty()) {
            return null;
        }
        plan.caughtUp.addAll(readBack.keySet());
        String w = view.properties().get(WATERMARK);
        Instant wPrev = w == null ? null : Instant.parse(w);
        plan.watermarkBefore = wPrev;

        TreeMap<Key, Long> incoming = new TreeMap<>();
        long[] maxEvent = {wPrev == null ? Long.MIN_VALUE : wPrev.toEpochMilli()};
        Consumer<Object[]> sink = row -> {
            Instant t = (Instant) (row[4] != null ? row[4] : row[2]);
            String type = row[3] == null ? "" : (String) row[3];
            long ms = t.toEpochMilli();
            incoming.merge(new Key(Math.floorDiv(ms, size) * size, type), 1L, Long::sum);
            maxEvent[0] = Math.max(maxEvent[0], ms);
        };
        if (batch != null) {
            for (Object[] row : batch.rows()) {
                if (fromBatch.contains((Integer) row[0])) {
                    sink.accept(row);
                }
            }
        }
        readSilver(readBack, sink);

        // a closed window never changes: its events are late (Stream Analytics' late arrival policy, drop)
        if (wPrev != null) {
            for (var it = incoming.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Key, Long> e = it.next();
                if (e.getKey().start() + size + lateness < wPrev.toEpochMilli()) {
                    plan.late += e.getValue();
                    it.remove();
                }
            }
        }
        incoming.values().forEach(c -> plan.counted += c);
        plan.watermark = maxEvent[0] == Long.MIN_VALUE ? null : Instant.ofEpochMilli(maxEvent[0]);
        lineage.put("counted", plan.counted);
        lineage.put("late", plan.late);
        lineage.put("watermark", plan.watermark == null ? null : plan.watermark.toString());

        // the windows whose counts this commit must know: those it changes, and the rule windows around them
        List<long[]> needed = new ArrayList<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        if (!incoming.isEmpty()) {
            lo = incoming.firstKey().start();
            hi = incoming.lastKey().start();
            needed.add(new long[] {lo, hi});
            for (AlertRulesProperties.AlertRule r : rules) {
                long rw = ruleWindow(r);
                needed.add(new long[] {Math.floorDiv(lo, rw) * rw, Math.floorDiv(hi, rw) * rw + rw - size});
            }
        }
        Map<AlertRulesProperties.AlertRule, long[]> closing = new LinkedHashMap<>();
        if (wPrev != null && plan.watermark != null && plan.watermark.isAfter(wPrev)) {
            for (AlertRulesProperties.AlertRule r : rules) {
                if (!"below".equals(r.getDirection())) {
                    continue;
                }
                long rw = ruleWindow(r);
                // rule windows [s, s + rw) that close in this commit: wPrev <= s + rw + lateness < wNew
                long first = ceil(wPrev.toEpochMilli() - lateness - rw, rw);
                long lastStart = ceil(plan.watermark.toEpochMilli() - lateness - rw, rw) - rw;
                if (lastStart >= first) {
                    if ((lastStart - first) / rw >= MAX_CLOSING_WINDOWS) {
                        LOG.warn("events {}: rule {} has {} windows closing at once (watermark {} -> {}); judging the last {}",
                                hub, r.getName(), (lastStart - first) / rw + 1, wPrev, plan.watermark, MAX_CLOSING_WINDOWS);
                        first = lastStart - (MAX_CLOSING_WINDOWS - 1) * rw;
                    }
                    closing.put(r, new long[] {first, lastStart});
                    needed.add(new long[] {first, lastStart + rw - size});
                }
            }
        }

        // copy-on-write: rewrite the files holding changed windows, plus the last file while it has room
        List<DataFile> rewrite = new ArrayList<>();
        List<DataFile> readOnly = new ArrayList<>();
        DataFile tail = null;
        long tailMax = Long.MIN_VALUE;
        Map<DataFile, long[]> ranges = new LinkedHashMap<>();
        for (DataFile f : view.files()) {
            long[] r = windowRange(f);
            ranges.put(f, r);
            if (r != null && r[1] > tailMax) {
                tailMax = r[1];
                tail = f;
            }
        }
        for (Map.Entry<DataFile, long[]> e : ranges.entrySet()) {
            long[] r = e.getValue();
            boolean changes = !incoming.isEmpty() && (r == null || overlaps(r, lo, hi)
                    || (e.getKey() == tail && r[2] < rowsPerFile));
            if (changes) {
                rewrite.add(e.getKey());
            } else if (r == null || needed.stream().anyMatch(n -> overlaps(r, n[0], n[1]))) {
                readOnly.add(e.getKey());
            }
        }
        TreeMap<Key, Object[]> rows = new TreeMap<>();
        for (DataFile f : rewrite) {
            readRows(f, row -> rows.put(new Key(((Instant) row[0]).toEpochMilli(), (String) row[2]), row));
        }
        TreeMap<Key, Long> known = new TreeMap<>();
        rows.forEach((k, row) -> known.put(k, (Long) row[3]));
        for (DataFile f : readOnly) {
            readRows(f, row -> {
                long start = ((Instant) row[0]).toEpochMilli();
                if (needed.stream().anyMatch(n -> start >= n[0] && start <= n[1])) {
                    known.put(new Key(start, (String) row[2]), (Long) row[3]);
                }
            });
        }

        raiseAlerts(incoming, known, closing, plan, lineage);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (Map.Entry<Key, Long> e : incoming.entrySet()) {
            Object[] row = rows.get(e.getKey());
            if (row == null) {
                Instant start = Instant.ofEpochMilli(e.getKey().start());
                rows.put(e.getKey(), new Object[] {start, start.plusMillis(size), e.getKey().type(), e.getValue(), now});
            } else {
                row[3] = (Long) row[3] + e.getValue();
                row[4] = now;
            }
        }
        List<DataFile> adds = new ArrayList<>();
        if (!incoming.isEmpty()) {
            ParquetRowWriter writer = null;
            try {
                for (Object[] row : rows.values()) {
                    if (writer == null) {
                        writer = new ParquetRowWriter(table.path(), lake.conf(), AGG_SCHEMA);
                    }
                    writer.write(row);
                    if (writer.rows() >= rowsPerFile) {
                        adds.add(writer.finish());
                        writer = null;
                    }
                }
                if (writer != null) {
                    adds.add(writer.finish());
                }
            } catch (IOException | RuntimeException e) {
                if (writer != null) {
                    writer.delete();
                }
                adds.forEach(table::deleteQuietly);
                throw e;
            }
        }
        Map<String, String> properties = new TreeMap<>();
        if (plan.watermark != null) {
            properties.put(WATERMARK, plan.watermark.toString());
        }
        if (view.readVersion() < 0) {
            // one commit per batch, each replacing the table's last file: keep a day of tombstones and a
            // week of log instead of Delta's week and 30 days, so the snapshot state and the log stay small
            properties.put("delta.deletedFileRetentionDuration", "interval 1 days");
            properties.put("delta.logRetentionDuration", "interval 7 days");
        }
        try {
            return new DeltaTable.RewritePlan(incoming.isEmpty() ? List.of() : rewrite, adds,
                    incoming.isEmpty() ? 0 : rows.size(), txns, properties,
                    JSON.writeValueAsString(lineage));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The smallest multiple of {@code m} at or above {@code x}. */
    private static long ceil(long x, long m) {
        return -Math.floorDiv(-x, m) * m;
    }

    private long ruleWindow(AlertRulesProperties.AlertRule r) {
        return r.getWindow() == null ? size : r.getWindow().toMillis();
    }

    private static boolean overlaps(long[] fileRange, long lo, long hi) {
        return fileRange[0] <= hi && fileRange[1] >= lo;
    }

    /** Writes the alerts of this commit to the outbox (once per rule and window). */
    private void raiseAlerts(TreeMap<Key, Long> incoming, TreeMap<Key, Long> known,
                             Map<AlertRulesProperties.AlertRule, long[]> closing, Plan plan, ObjectNode lineage)
            throws IOException {
        ArrayNode raised = lineage.putArray("alerts");
        for (AlertRulesProperties.AlertRule r : rules) {
            long rw = ruleWindow(r);
            if ("above".equals(r.getDirection())) {
                Set<Long> touched = new TreeSet<>();
                incoming.keySet().stream().filter(k -> k.type().equals(r.getEventType()))
                        .forEach(k -> touched.add(Math.floorDiv(k.start(), rw) * rw));
                for (long s : touched) {
                    long before = sum(known, r.getEventType(), s, rw);
                    long after = before + sum(incoming, r.getEventType(), s, rw);
                    if (before <= r.getThreshold() && after > r.getThreshold()) {
                        raise(r, s, rw, after, plan, raised);
                    }
                }
            } else if (closing.containsKey(r)) {
                long[] c = closing.get(r);
                for (long s = c[0]; s <= c[1]; s += rw) {
                    long count = sum(known, r.getEventType(), s, rw) + sum(incoming, r.getEventType(), s, rw);
                    if (count < r.getThreshold()) {
                        raise(r, s, rw, count, plan, raised);
                    }
                }
            }
        }
    }

    private long sum(NavigableMap<Key, Long> counts, String type, long start, long rw) {
        long total = 0;
        for (long w = start; w < start + rw; w += size) {
            Long c = counts.get(new Key(w, type));
            total += c == null ? 0 : c;
        }
        return total;
    }

    private void raise(AlertRulesProperties.AlertRule r, long start, long rw, long count, Plan plan, ArrayNode raised)
            throws IOException {
        Instant s = Instant.ofEpochMilli(start);
        String id = r.getName() + "-" + s.toString().replace(":", "").replace("-", "");
        ObjectNode a = JSON.createObjectNode();
        a.put("alertId", id);
        a.put("rule", r.getName());
        a.put("hub", hub);
        a.put("eventType", r.getEventType());
        a.put("direction", r.getDirection());
        a.put("threshold", r.getThreshold());
        a.put("windowStart", s.toString());
        a.put("windowEnd", s.plusMillis(rw).toString());
        a.put("count", count);
        a.put("watermark", plan.watermark == null ? null : plan.watermark.toString());
        a.put("raisedAt", Instant.now().toString());
        if (outbox.raise(id, JSON.writeValueAsString(a))) {
            plan.alertIds.add(id);
            raised.add(id);
            LOG.info("events {}: alert {}: {} {} events in [{}, {}), threshold {} ({})", hub, id, count, r.getEventType(),
                    s, s.plusMillis(rw), r.getThreshold(), r.getDirection());
        }
    }

    /** {min window_start ms, max window_start ms, numRecords} of an aggregate file, or null without statistics. */
    private static long[] windowRange(DataFile f) {
        DataFile.Statistics stats = f.statistics();
        if (stats == null) {
            return null;
        }
        Column windowStart = AGG_SCHEMA.column("window_start");
        Object min = stats.min(windowStart);
        Object max = stats.max(windowStart);
        if (min == null || max == null) {
            return null;
        }
        return new long[] {((Instant) min).toEpochMilli(), ((Instant) max).toEpochMilli(), stats.numRecords()};
    }

    private void readRows(DataFile f, Consumer<Object[]> sink) throws IOException {
        try (ParquetRowReader reader = new ParquetRowReader(new Path(table.path(), f.getPath()), lake.conf(), AGG_SCHEMA)) {
            Object[] row;
            while ((row = reader.next()) != null) {
                sink.accept(row);
            }
        }
    }

    /** Reads silver rows of partition p with from < offset <= to, for each {@code p -> {from, to}}; files pruned by stats. */
    private void readSilver(Map<Integer, long[]> ranges, Consumer<Object[]> sink) throws IOException {
        if (ranges.isEmpty()) {
            return;
        }
        if (!silver.exists()) {
            return;
        }
        io.lakehub.delta.TableSnapshot s = silver.latest();
        for (io.lakehub.delta.DataFile f : s.files()) {
            DataFile.Statistics stats = f.statistics();
            if (stats != null && !mayHold(stats, ranges)) {
                continue;
            }
            try (ParquetRowReader reader = new ParquetRowReader(new Path(silver.path(), f.path()), lake.conf(),
                    LandEventBatch.SILVER_SCHEMA)) {
                Object[] row;
                while ((row = reader.next()) != null) {
                    long[] r = ranges.get((Integer) row[0]);
                    long offset = (Long) row[1];
                    if (r != null && offset > r[0] && offset <= r[1]) {
                        sink.accept(row);
                    }
                }
            }
        }
    }

    private static boolean mayHold(DataFile.Statistics stats, Map<Integer, long[]> ranges) {
        Column partition = LandEventBatch.SILVER_SCHEMA.column("partition");
        Column offset = LandEventBatch.SILVER_SCHEMA.column("offset");
        Object pLo = stats.min(partition);
        Object pHi = stats.max(partition);
        Object oLo = stats.min(offset);
        Object oHi = stats.max(offset);
        if (pLo == null || pHi == null || oLo == null || oHi == null) {
            return true;
        }
        int pMin = ((Number) pLo).intValue();
        int pMax = ((Number) pHi).intValue();
        long oMin = ((Number) oLo).longValue();
        long oMax = ((Number) oHi).longValue();
        for (Map.Entry<Integer, long[]> e : ranges.entrySet()) {
            if (e.getKey() >= pMin && e.getKey() <= pMax && oMax > e.getValue()[0] && oMin <= e.getValue()[1]) {
                return true;
            }
        }
        return false;
    }

    /** The partitions of silver: the range of the partition column's statistics over its files. */
    private List<Integer> silverPartitions() {
        List<Integer> out = new ArrayList<>();
        if (!silver.exists()) {
            return out;
        }
        io.lakehub.delta.TableSnapshot s = silver.latest();
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        Column partition = LandEventBatch.SILVER_SCHEMA.column("partition");
        for (io.lakehub.delta.DataFile f : s.files()) {
            DataFile.Statistics stats = f.statistics();
            Object min = stats == null ? null : stats.min(partition);
            Object max = stats == null ? null : stats.max(partition);
            if (min != null && max != null) {
                lo = Math.min(lo, ((Number) min).intValue());
                hi = Math.max(hi, ((Number) max).intValue());
            }
        }
        for (int p = lo; p <= hi && lo <= hi; p++) {
            out.add(p);
        }
        return out;
    }

    /** Settings, counters since start and the last known watermark, for the admin API. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("table", tableName(hub));
        m.put("windowSize", Duration.ofMillis(size).toString());
        m.put("allowedLateness", Duration.ofMillis(lateness).toString());
        m.put("rules", rules.stream().map(AlertRulesProperties.AlertRule::getName).toList());
        m.put("watermark", watermark.get());
        m.put("counted", counted.get());
        m.put("late", late.get());
        m.put("alerts", alerts.get());
        m.put("commits", commits.get());
        m.put("failures", failures.get());
        m.put("lastVersion", lastVersion.get());
        m.put("lastError", lastError.get());
        return m;
    }
}
