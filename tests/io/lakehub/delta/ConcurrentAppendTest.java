package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import io.lakehub.faults.FaultInjection;
import io.lakehub.faults.FaultPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers appending to one Delta table at once, each with its own {@link DeltaTable} (its own Delta
 * log and log store, as two hub processes have): appends with disjoint {@code txn} app ids both land,
 * the creation of the table by both at once included; an append whose app id another writer moved is
 * not written.
 */
class ConcurrentAppendTest {

    static final TableSchema SCHEMA = TableSchema.of(
        new Column("partition", ColumnType.INTEGER, true),
        new Column("offset", ColumnType.LONG, true));

    @TempDir
    Path dir;

    @AfterEach
    void disarm() {
        FaultInjection.disarmAll();
    }

    private DeltaTable table() {
        return new DeltaTable(new LakeStorage(dir.resolve("lake").toString()), "events_t");
    }

    private static DataFile file(DeltaTable t, int partition, long first, long last) throws Exception {
        ParquetRowWriter w = new ParquetRowWriter(t.path(), t.lake().conf(), SCHEMA);
        for (long o = first; o <= last; o++) {
            w.write(new Object[] {partition, o});
        }
        return w.finish();
    }

    private static Set<String> rows(DeltaTable t) throws Exception {
        Set<String> out = new HashSet<>();
        List<String> all = new ArrayList<>();
        try (DeltaTable.RowIterator it = t.rows(t.latest())) {
            while (it.hasNext()) {
                Object[] r = it.next();
                all.add(r[0] + "/" + r[1]);
            }
        }
        out.addAll(all);
        assertThat(all).as("no row twice").hasSameSizeAs(out);
        return out;
    }

    @Test
    void aWriterThatLosesTheRaceToCreateTheTableRetriesAndLands() throws Exception {
        DeltaTable a = table();
        DeltaTable b = table();
        DataFile fa = file(a, 0, 0, 9);
        DataFile fb = file(b, 1, 0, 4);
        FaultInjection.armOnce(FaultPoint.DELTA_BEFORE_COMMIT, "events_t", context -> b.commitAppend(List.of(fb), 5, SCHEMA, Map.of("app-1", 4L), Map.of("app-1", -1L), "{}"));

        DeltaTable.AppendOutcome out = a.commitAppend(List.of(fa), 10, SCHEMA, Map.of("app-0", 9L), Map.of("app-0", -1L), "{}");

        assertThat(out.version()).as("b created the table as version 0, a landed after it").isEqualTo(1);
        assertThat(a.txnVersion("app-0")).isEqualTo(9);
        assertThat(a.txnVersion("app-1")).isEqualTo(4);
        assertThat(rows(a)).hasSize(15).contains("0/0", "0/9", "1/0", "1/4");
        assertThat(a.history(10)).hasSize(2);
    }

    @Test
    void anAppendWhosePartitionAnotherWriterCommittedIsNotWrittenTwice() throws Exception {
        DeltaTable a = table();
        DeltaTable b = table();
        a.commitAppend(List.of(file(a, 0, 0, 1)), 2, SCHEMA, Map.of("app-0", 1L), Map.of("app-0", -1L), "{}");
        // a read app-0 at version 1 and holds offsets 2..9; b, the partition's new owner, commits 2..5 first
        DataFile fa = file(a, 0, 2, 9);
        DataFile fb = file(b, 0, 2, 5);
        FaultInjection.armOnce(FaultPoint.DELTA_BEFORE_COMMIT, "events_t", context -> b.commitAppend(List.of(fb), 4, SCHEMA, Map.of("app-0", 5L), Map.of("app-0", 1L), "{}"));

        assertThatThrownBy(() -> a.commitAppend(List.of(fa), 8, SCHEMA, Map.of("app-0", 9L), Map.of("app-0", 1L), "{}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("app-0 is at version 5")
                .hasMessageContaining("another writer committed the same source");

        assertThat(a.txnVersion("app-0")).isEqualTo(5);
        assertThat(rows(a)).containsExactlyInAnyOrder("0/0", "0/1", "0/2", "0/3", "0/4", "0/5");
    }

    @Test
    void aPartitionCommittedBeforeTheTransactionStartedIsCaughtByItsExpectedVersion() throws Exception {
        DeltaTable a = table();
        DeltaTable b = table();
        a.commitAppend(List.of(file(a, 0, 0, 1)), 2, SCHEMA, Map.of("app-0", 1L), Map.of("app-0", -1L), "{}");
        b.commitAppend(List.of(file(b, 0, 2, 3)), 2, SCHEMA, Map.of("app-0", 3L), Map.of("app-0", 1L), "{}");

        // a filtered its rows against version 1; its new version 9 is above 3, but rows 2..3 would be twice
        assertThatThrownBy(() -> a.commitAppend(List.of(file(a, 0, 2, 9)), 8, SCHEMA, Map.of("app-0", 9L),
                Map.of("app-0", 1L), "{}")).isInstanceOf(IllegalStateException.class).hasMessageContaining("expected 1");
        assertThat(rows(a)).hasSize(4);
    }

    @Test
    void twoThreadsAppendingDisjointPartitionsAtOnceLoseNoCommit() throws Exception {
        int commits = 15;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int partition = p;
                done.add(pool.submit(() -> {
                    DeltaTable t = table();
                    start.await();
                    for (int i = 0; i < commits; i++) {
                        long first = i * 10L;
                        t.commitAppend(List.of(file(t, partition, first, first + 9)), 10, SCHEMA,
                                Map.of("app-" + partition, first + 9), Map.of("app-" + partition, first - 1), "{}");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        DeltaTable t = table();
        assertThat(t.latest().getVersion()).as("one version per commit, none overwritten").isEqualTo(2L * commits - 1);
        assertThat(t.txnVersion("app-0")).isEqualTo(commits * 10L - 1);
        assertThat(t.txnVersion("app-1")).isEqualTo(commits * 10L - 1);
        assertThat(rows(t)).hasSize(2 * commits * 10);
    }

    @Test
    void theLocalLogStoreCreatesAnEntryOnlyIfAbsent() throws Exception {
        Configuration conf = LakeStorage.hadoopConfiguration();
        AtomicLocalLogStore store = new AtomicLocalLogStore(conf);
        Path entry = dir.resolve("_delta_log/00000000000000000000.json");
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(entry.toUri());
        store.write(path, List.of("{\"a\":1}").iterator(), false, conf);

        Iterator<String> second = List.of("{\"b\":2}").iterator();
        assertThatThrownBy(() -> new AtomicLocalLogStore(conf).write(path, second, false, conf))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(Files.readString(entry, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n");

        store.write(new org.apache.hadoop.fs.Path(dir.resolve("_delta_log/_last_checkpoint").toUri()),
                List.of("{\"version\":0}").iterator(), true, conf);
        store.write(new org.apache.hadoop.fs.Path(dir.resolve("_delta_log/_last_checkpoint").toUri()),
                List.of("{\"version\":10}").iterator(), true, conf);
        assertThat(Files.readString(dir.resolve("_delta_log/_last_checkpoint"))).isEqualTo("{\"version\":10}\n");
        try (var files = Files.list(dir.resolve("_delta_log"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("00000000000000000000.json", "_last_checkpoint");
        }
        assertThat(conf.get("delta.logStore.file.impl")).isEqualTo(AtomicLocalLogStore.class.getName());
    }
}
