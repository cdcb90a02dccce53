package io.lakehub.events;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lakehub.delta.DataFile;
import io.lakehub.events.EventsProperties;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.run.RunHistory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Compacts closed bronze minute folders of the events flow: the small files one partition wrote into
 * {@code bronze/events/<hub>/yyyy=/MM=/dd=/HH=/mm=/} become one file per (minute, partition),
 * {@code part-p<partition>-o<first>-<last>-compacted.parquet}, with the same columns
 * ({@link LandEventBatch#BRONZE_SCHEMA}), rows ordered by offset and deduplicated by (partition, offset).
 *
 * <p><b>Which files.</b> A minute is closed when its end is {@code grace} or more in the past (by the
 * hub clock; folders are by enqueued time). Of a closed minute, only the files of a partition whose
 * last offset is at or below the partition's silver {@code txn} version are merged: a file above it is
 * from a batch not yet committed (or a failed attempt that {@link LandEventBatch} will replace) and is
 * left alone. A partition with one committed file is already compact.
 *
 * <p><b>Crash safety.</b> The merged file is written under {@code bronze/events/<hub>/_staging/}, renamed
 * into the minute folder, then the originals are deleted. Its name records the offset range it covers;
 * every offset in that range that the partition wrote to this minute is in it (files above the
 * committed offset have higher offsets than any merged one). So each run first deletes the files of a
 * partition whose range lies inside a compacted file's range: a crash between the rename and the
 * deletes leaves duplicates visible only until the next run. A merged file is never renamed over an
 * existing one. Readers that list the folder (Spark, DuckDB, {@link ParquetRowReader}) see either the
 * originals or the compacted file, plus at most that window of duplicates.
 *
 * <p>Memory: one row group per open file (a k-way merge by offset). Each run is recorded in
 * {@link RunHistory} (flow {@code events-compact}, details: filesBefore, filesAfter, minutesCompacted,
 * duplicatesDropped, coveredRemoved, uncommittedLeft). As a processor it runs one compaction, body the
 * {@link Result}. Settings: {@link CompactionProperties}. Failure: an exception leaves every file readable
 * (originals or a complete compacted file) and is recorded as a FAILED run; the next run goes on.
 */
@Component("compactBronzeEvents")
public class CompactBronzeEvents implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(CompactBronzeEvents.class);
    private static final Pattern ORIGINAL = Pattern.compile("part-p(\\d+)-o(\\d+)-(\\d+)\\.parquet");
    private static final Pattern COMPACTED = Pattern.compile("part-p(\\d+)-o(\\d+)-(\\d+)-compacted\\.parquet");

    private final LakeStorage lake;
    private final String hub;
    private final CompactionProperties settings;
    private final RunHistory runs;
    private final DeltaTable silver;

    /**
     * @param runs where each run is recorded, or null
     */
    @Autowired
    public CompactBronzeEvents(LakeStorage lake, EventsProperties events, CompactionProperties settings, RunHistory runs) {
        this.lake = lake;
        this.hub = events.getHub();
        this.settings = settings;
        this.runs = runs;
        this.silver = new DeltaTable(lake, "events_" + hub);
    }

    /**
     * What one run did.
     *
     * @param filesBefore        bronze Parquet files in the closed minutes looked at, before the run
     * @param filesAfter         the same after the run
     * @param minutesCompacted   (minute, partition) groups merged into one file
     * @param rowsRead           rows read from merged files
     * @param rowsWritten        rows written (read minus duplicates)
     * @param duplicatesDropped  rows dropped as a second copy of a (partition, offset)
     * @param coveredRemoved     files deleted because a compacted file already covered them (an earlier crash)
     * @param uncommittedLeft    files left alone because they lie above their partition's committed offset
     */
    public record Result(String hub, int filesBefore, int filesAfter, int minutesCompacted, long rowsRead,
                         long rowsWritten, long duplicatesDropped, int coveredRemoved, int uncommittedLeft, long durationMs) {
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().setBody(compact(Instant.now()));
    }

    /**
     * Compacts the minute folders closed at {@code now}.
     *
     * @throws IOException if the lake cannot be read or written (recorded as a FAILED run)
     */
    public synchronized Result compact(Instant now) throws IOException {
        Instant started = Instant.now();
        Counts c = new Counts();
        try {
            Path root = lake.path("bronze/events/" + hub);
            FileSystem fs = root.getFileSystem(lake.conf());
            Instant closedBefore = now.minus(settings.getGrace()).minus(Duration.ofMinutes(1));
            Instant from = now.minus(settings.getLookback());
            Map<Integer, Long> committed = new HashMap<>();
            for (Map.Entry<Instant, Path> minute : minutes(fs, root, from, closedBefore).entrySet()) {
                compactMinute(fs, minute.getValue(), committed, c);
            }
            Result r = c.result(hub, System.currentTimeMillis() - started.toEpochMilli());
            record(started, r.minutesCompacted() == 0 && r.coveredRemoved() == 0 ? "NOOP" : "SUCCEEDED", r, null);
            if (r.minutesCompacted() > 0 || r.coveredRemoved() > 0) {
                LOG.info("events {}: compacted {} (minute, partition) groups of bronze, files {} -> {}, {} duplicates dropped",
                        hub, r.minutesCompacted(), r.filesBefore(), r.filesAfter(), r.duplicatesDropped());
            }
            return r;
        } catch (IOException | RuntimeException e) {
            record(started, "FAILED", c.result(hub, System.currentTimeMillis() - started.toEpochMilli()),
                    e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
    }

    private static final class Counts {
        int filesBefore;
        int filesAfter;
        int minutes;
        long rowsRead;
        long rowsWritten;
        int covered;
        int uncommitted;

        Result result(String hub, long ms) {
            return new Result(hub, filesBefore, filesAfter, minutes, rowsRead, rowsWritten, rowsRead - rowsWritten, covered,
                    uncommitted, ms);
        }
    }

    private void record(Instant started, String status, Result r, String error) {
        if (runs == null) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("filesBefore", r.filesBefore());
        details.put("filesAfter", r.filesAfter());
        details.put("minutesCompacted", r.minutesCompacted());
        details.put("duplicatesDropped", r.duplicatesDropped());
        details.put("coveredRemoved", r.coveredRemoved());
        details.put("uncommittedLeft", r.uncommittedLeft());
        runs.record(new RunHistory.Run(UUID.randomUUID().toString(), "events-compact", hub, started, Instant.now(), status,
                r.rowsRead(), r.rowsWritten(), 0, r.duplicatesDropped(), null, error, details));
    }

    /** Minute folders starting in {@code (from - 1 minute, closedBefore]}, by minute. */
    private static TreeMap<Instant, Path> minutes(FileSystem fs, Path root, Instant from, Instant closedBefore)
            throws IOException {
        TreeMap<Instant, Path> out = new TreeMap<>();
        walk(fs, root, new int[5], 0, from, closedBefore, out);
        return out;
    }

    private static final String[] LEVELS = {"yyyy=", "MM=", "dd=", "HH=", "mm="};

    private static void walk(FileSystem fs, Path dir, int[] parts, int level, Instant from, Instant closedBefore,
                             TreeMap<Instant, Path> out) throws IOException {
        FileStatus[] children;
        try {
            children = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return;
        }
        for (FileStatus st : children) {
            String name = st.getPath().getName();
            if (!st.isDirectory() || !name.startsWith(LEVELS[level])) {
                continue;
            }
            int value;
            try {
                value = Integer.parseInt(name.substring(LEVELS[level].length()));
            } catch (NumberFormatException e) {
                continue;
            }
            parts[level] = value;
            // prune by the span of the folder: [start, start + 1 unit of its level)
            Instant start;
            Instant end;
            try {
                LocalDateTime t = LocalDateTime.of(parts[0], level >= 1 ? parts[1] : 1, level >= 2 ? parts[2] : 1,
                        level >= 3 ? parts[3] : 0, level >= 4 ? parts[4] : 0);
                start = t.toInstant(ZoneOffset.UTC);
                end = switch (level) {
                    case 0 -> t.plusYears(1).toInstant(ZoneOffset.UTC);
                    case 1 -> t.plusMonths(1).toInstant(ZoneOffset.UTC);
                    case 2 -> t.plusDays(1).toInstant(ZoneOffset.UTC);
                    case 3 -> t.plusHours(1).toInstant(ZoneOffset.UTC);
                    default -> t.plusMinutes(1).toInstant(ZoneOffset.UTC);
                };
            } catch (java.time.DateTimeException e) {
                continue;
            }
            if (!end.isAfter(from) || start.isAfter(closedBefore)) {
                continue;
            }
            if (level == 4) {
                out.put(start, st.getPath());
            } else {
                walk(fs, st.getPath(), parts, level + 1, from, closedBefore, out);
            }
        }
    }

    /** A bronze file of one partition: its offset range and whether it is a compacted file. */
    private record Part(Path path, int partition, long first, long last, boolean compacted) {
        boolean inside(Part other) {
            return this != other && first >= other.first && last <= other.last;
        }
    }

    private void compactMinute(FileSystem fs, Path minute, Map<Integer, Long> committed, Counts c) throws IOException {
        Map<Integer, List<Part>> byPartition = new TreeMap<>();
        int before = 0;
        for (FileStatus st : fs.listStatus(minute)) {
            String name = st.getPath().getName();
            if (!st.isFile() || !name.endsWith(".parquet")) {
                continue;
            }
            before++;
            Matcher m = COMPACTED.matcher(name);
            boolean compacted = m.matches();
            if (!compacted) {
                m = ORIGINAL.matcher(name);
                if (!m.matches()) {
                    continue;
                }
            }
            Part p = new Part(st.getPath(), Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), compacted);
            byPartition.computeIfAbsent(p.partition(), k -> new ArrayList<>()).add(p);
        }
        c.filesBefore += before;
        int after = before;
        for (Map.Entry<Integer, List<Part>> e : byPartition.entrySet()) {
            List<Part> parts = new ArrayList<>(e.getValue());
            // what an earlier run compacted but had not deleted yet (a crash between rename and delete)
            for (Part p : e.getValue()) {
                if (parts.stream().anyMatch(o -> o.compacted() && p.inside(o) && parts.contains(o))) {
                    fs.delete(p.path(), false);
                    parts.remove(p);
                    c.covered++;
                    after--;
                }
            }
            long txn = committed.computeIfAbsent(e.getKey(), p -> silver.txnVersion(LandEventBatch.appId(hub, p)));
            List<Part> inputs = new ArrayList<>();
            for (Part p : parts) {
                if (p.last() <= txn) {
                    inputs.add(p);
                } else {
                    c.uncommitted++;
                }
            }
            if (inputs.size() < 2) {
                continue;
            }
            long first = inputs.stream().mapToLong(Part::first).min().orElseThrow();
            long last = inputs.stream().mapToLong(Part::last).max().orElseThrow();
            Path target = new Path(minute, "part-p" + e.getKey() + "-o" + first + "-" + last + "-compacted.parquet");
            if (fs.exists(target)) {
                throw new IOException(target + " exists beside files it should cover; left for inspection");
            }
            merge(fs, inputs, target, c);
            FaultInjection.reach(FaultPoint.BRONZE_COMPACTION_AFTER_RENAME, target.toString());
            for (Part p : inputs) {
                fs.delete(p.path(), false);
            }
            c.minutes++;
            after += 1 - inputs.size();
        }
        c.filesAfter += after;
    }

    /** One input file being merged: its reader and its current row. */
    private static final class Cursor {
        final ParquetRowReader reader;
        Object[] row;

        Cursor(ParquetRowReader reader) throws IOException {
            this.reader = reader;
            this.row = reader.next();
        }
    }

    /** K-way merge by offset (each file is in offset order), keeping the first copy of each offset. */
    private void merge(FileSystem fs, List<Part> inputs, Path target, Counts c) throws IOException {
        Path staging = lake.path("bronze/events/" + hub + "/_staging");
        ParquetRowWriter writer = new ParquetRowWriter(staging, lake.conf(), LandEventBatch.BRONZE_SCHEMA);
        List<Cursor> open = new ArrayList<>();
        try {
            PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> Long.compare((Long) a.row[1], (Long) b.row[1]));
            for (Part p : inputs) {
                Cursor cur = new Cursor(new ParquetRowReader(p.path(), lake.conf(), LandEventBatch.BRONZE_SCHEMA));
                open.add(cur);
                if (cur.row != null) {
                    queue.add(cur);
                }
            }
            long lastOffset = Long.MIN_VALUE;
            while (!queue.isEmpty()) {
                Cursor cur = queue.poll();
                long offset = (Long) cur.row[1];
                c.rowsRead++;
                if (offset != lastOffset) {
                    writer.write(cur.row);
                    c.rowsWritten++;
                    lastOffset = offset;
                }
                cur.row = cur.reader.next();
                if (cur.row != null) {
                    queue.add(cur);
                }
            }
            DataFile f = writer.finish();
            Path staged = new Path(staging, f.getPath());
            if (!fs.rename(staged, target)) {
                fs.delete(staged, false);
                throw new IOException("cannot rename " + staged + " to " + target);
            }
        } catch (IOException | RuntimeException e) {
            writer.delete();
            throw e;
        } finally {
            for (Cursor cur : open) {
                cur.reader.close();
            }
        }
    }
}
