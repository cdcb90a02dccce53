package io.lakehub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.lakehub.delta.DataFile;
import io.lakehub.events.EventsProperties;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import io.lakehub.run.RunHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * {@link CompactBronzeEvents} on bronze folders written by {@link LandEventBatch} on a temp lake: many small
 * files of a closed minute become one file per partition with the same rows, each (partition, offset)
 * once; a file above the committed offset and the files of a minute still open are left alone; a crash
 * between the rename and the deletes is repaired by the next run; the run record counts the files.
 */
class CompactBronzeEventsTest {

    static final Instant MINUTE = Instant.parse("2026-01-01T10:30:00Z");

    @TempDir
    Path dir;

    LakeStorage lake;
    LandEventBatch land;
    RunHistory runs;
    CompactBronzeEvents compaction;

    @BeforeEach
    void lake() {
        lake = new LakeStorage(dir.resolve("lake").toString());
        EventsProperties props = new EventsProperties();
        props.setHub("t");
        props.getRules().put("click", new EventsProperties.TypeRules());
        land = new LandEventBatch(lake, props, new EventCounters(new StaticListableBeanFactory().getBeanProvider(
                io.micrometer.core.instrument.MeterRegistry.class)));
        CompactionProperties settings = new CompactionProperties();
        settings.setGrace(Duration.ofMinutes(10));
        settings.setLookback(Duration.ofDays(3650));
        runs = new RunHistory();
        compaction = new CompactBronzeEvents(lake, props, settings, runs);
    }

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    static List<EventRecord> events(int partition, long from, long to, Instant minute) {
        List<EventRecord> out = new ArrayList<>();
        for (long o = from; o <= to; o++) {
            out.add(new EventRecord("topic", partition, o, minute.plusMillis(100 * o), "k" + o,
                    "{\"type\":\"click\",\"n\":" + o + "}"));
        }
        return out;
    }

    Path minuteFolder() {
        return dir.resolve("lake/bronze/events/t/yyyy=2026/MM=01/dd=01/HH=10/mm=30");
    }

    /** Small files of the minute 10:30: partition 0 in three batches, partition 1 in two plus a duplicate file. */
    void landSmallFiles() throws IOException {
        land.land(events(0, 0, 2, MINUTE));
        land.land(events(0, 3, 5, MINUTE));
        land.land(events(0, 6, 9, MINUTE));
        land.land(events(1, 0, 4, MINUTE));
        land.land(events(1, 5, 9, MINUTE));
        // a second copy of offsets 5-7 of partition 1 (as an older tool or a hand copy may leave)
        writeBronze("part-p1-o5-7.parquet", events(1, 5, 7, MINUTE));
        // the file of a batch not committed yet (above partition 0's txn version 9)
        writeBronze("part-p0-o10-12.parquet", events(0, 10, 12, MINUTE));
    }

    void writeBronze(String name, List<EventRecord> events) throws IOException {
        org.apache.hadoop.fs.Path staging = lake.path("bronze/events/t/_staging");
        ParquetRowWriter w = new ParquetRowWriter(staging, lake.conf(), LandEventBatch.BRONZE_SCHEMA);
        for (EventRecord e : events) {
            w.write(new Object[] {e.partition(), e.position(), e.enqueued(), e.key(), e.body()});
        }
        DataFile f = w.finish();
        Files.move(Path.of(new org.apache.hadoop.fs.Path(staging, f.getPath()).toUri()), minuteFolder().resolve(name));
    }

    @Test
    void mergesAClosedMinuteIntoOneFilePerPartitionWithEachOffsetOnce() throws IOException {
        landSmallFiles();
        Instant current = MINUTE.plus(Duration.ofMinutes(5));
        land.land(events(2, 0, 1, current));
        land.land(events(2, 2, 3, current));
        assertThat(parquetFiles(minuteFolder())).hasSize(7);
        List<String> before = rows(minuteFolder());

        // at 10:40 the minute 10:30 is not closed yet (grace 10 minutes after its end, 10:41)
        CompactBronzeEvents.Result early = compaction.compact(MINUTE.plus(Duration.ofMinutes(10)));
        assertThat(early.minutesCompacted()).isZero();
        assertThat(parquetFiles(minuteFolder())).hasSize(7);

        CompactBronzeEvents.Result r = compaction.compact(MINUTE.plus(Duration.ofMinutes(11)));
        assertThat(parquetFiles(minuteFolder())).containsExactlyInAnyOrder(
                "part-p0-o0-9-compacted.parquet", "part-p1-o0-9-compacted.parquet", "part-p0-o10-12.parquet");
        assertThat(r.filesBefore()).isEqualTo(7);
        assertThat(r.filesAfter()).isEqualTo(3);
        assertThat(r.minutesCompacted()).isEqualTo(2);
        assertThat(r.duplicatesDropped()).isEqualTo(3);
        assertThat(r.uncommittedLeft()).isEqualTo(1);

        List<String> after = rows(minuteFolder());
        assertThat(after).doesNotHaveDuplicates();
        assertThat(after).containsExactlyInAnyOrderElementsOf(before.stream().distinct().toList());
        assertThat(after).hasSize(23).contains("0@12", "1@9");
        assertThat(rowsOf(minuteFolder().resolve("part-p1-o0-9-compacted.parquet")))
                .as("in offset order").containsExactly("1@0", "1@1", "1@2", "1@3", "1@4", "1@5", "1@6", "1@7", "1@8", "1@9");

        Path open = dir.resolve("lake/bronze/events/t/yyyy=2026/MM=01/dd=01/HH=10/mm=35");
        assertThat(parquetFiles(open)).as("a minute inside the grace is not touched").hasSize(2);

        RunHistory.Run run = runs.last("t");
        assertThat(run.flow()).isEqualTo("events-compact");
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.details()).containsEntry("filesBefore", 7).containsEntry("filesAfter", 3)
                .containsEntry("uncommittedLeft", 1);

        // nothing more to do: a second run changes nothing
        CompactBronzeEvents.Result again = compaction.compact(MINUTE.plus(Duration.ofMinutes(12)));
        assertThat(again.minutesCompacted()).isZero();
        assertThat(runs.last("t").status()).isEqualTo("NOOP");
        assertThat(rows(minuteFolder())).containsExactlyInAnyOrderElementsOf(after);
    }

    @Test
    void aCrashBetweenRenameAndDeleteIsRepairedByTheNextRun() throws IOException {
        landSmallFiles();
        List<String> expected = rows(minuteFolder()).stream().distinct().toList();
        FaultInjection.armOnce(FaultPoint.BRONZE_COMPACTION_AFTER_RENAME, null, merged -> {
            throw new IllegalStateException("simulated crash after the rename");
        });
        assertThatThrownBy(() -> compaction.compact(MINUTE.plus(Duration.ofHours(1)))).hasMessageContaining("simulated crash");
        assertThat(runs.last("t").status()).isEqualTo("FAILED");
        assertThat(parquetFiles(minuteFolder())).as("the compacted file and its originals, for now")
                .contains("part-p0-o0-9-compacted.parquet", "part-p0-o0-2.parquet");

        CompactBronzeEvents.Result r = compaction.compact(MINUTE.plus(Duration.ofHours(1)));
        assertThat(r.coveredRemoved()).isEqualTo(3);
        assertThat(parquetFiles(minuteFolder())).containsExactlyInAnyOrder(
                "part-p0-o0-9-compacted.parquet", "part-p1-o0-9-compacted.parquet", "part-p0-o10-12.parquet");
        assertThat(rows(minuteFolder())).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);

        // later batches of partition 0 that land in the same (closed) minute are merged with the compacted file
        land.land(events(0, 10, 12, MINUTE));
        land.land(events(0, 13, 15, MINUTE));
        compaction.compact(MINUTE.plus(Duration.ofHours(2)));
        assertThat(parquetFiles(minuteFolder())).containsExactlyInAnyOrder(
                "part-p0-o0-15-compacted.parquet", "part-p1-o0-9-compacted.parquet");
        assertThat(rows(minuteFolder())).doesNotHaveDuplicates().hasSize(26);
    }

    private static List<String> parquetFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).toList();
        }
    }

    /** "partition@offset" of every row of every Parquet file in a folder, read with {@link ParquetRowReader}. */
    private static List<String> rows(Path folder) throws IOException {
        List<String> out = new ArrayList<>();
        for (String f : parquetFiles(folder)) {
            out.addAll(rowsOf(folder.resolve(f)));
        }
        return out;
    }

    private static List<String> rowsOf(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (ParquetRowReader reader = new ParquetRowReader(new org.apache.hadoop.fs.Path(file.toUri()),
                LakeStorage.hadoopConfiguration(), LandEventBatch.BRONZE_SCHEMA)) {
            Object[] row;
            while ((row = reader.next()) != null) {
                assertThat((String) row[4]).contains("\"n\":" + row[1]);
                out.add(row[0] + "@" + row[1]);
            }
        }
        return out;
    }
}
