package io.lakehub.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.testsupport.DeltaLogReader;
import io.lakehub.delta.Column;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.ColumnTypes;
import io.lakehub.delta.DataFile;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.SchemaMismatchException;
import io.lakehub.sql.SqlIncrementalLoader.Extract;
import io.lakehub.sql.SqlIncrementalLoader.LoadPlan;
import io.lakehub.sql.SqlIncrementalLoader.LoadResult;
import io.lakehub.testsupport.Databases;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * The sql-incremental loader ({@link SqlIncrementalLoader}) end to end against H2 in memory and the real PostgreSQL
 * and MariaDB servers ({@link Databases}: an unreachable server skips its cases, or fails them when {@code CI=true}).
 *
 * <p>Every case creates its own source table under {@link Databases#uniqueName} and drops it afterwards; the lake is a
 * fresh {@code @TempDir}. Each check is what a data engineer would look at: the rows of the Delta table (read back
 * through {@link DeltaTable#rows} and through the tests' independent DeltaLogReader), the version history, the watermark table
 * property, the bronze CSV and the files on disk.
 */
@Timeout(60)
class SqlIncrementalLoaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDateTime T0 = LocalDateTime.of(2020, 1, 1, 10, 0);

    /** The three source databases, with the few SQL dialect differences the tests need. */
    enum Db {
        H2 {
            @Override
            DataSource dataSource() {
                JdbcDataSource ds = new JdbcDataSource();
                ds.setURL("jdbc:h2:mem:lakehub_sql_incremental;DB_CLOSE_DELAY=-1");
                ds.setUser("sa");
                return ds;
            }

            @Override
            String alterType(String table, String column, String type) {
                return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET DATA TYPE " + type;
            }

            @Override
            String zonedTimestamp() {
                return "TIMESTAMP(6) WITH TIME ZONE";
            }

            @Override
            String tokyoSession() {
                return "SET TIME ZONE 'Asia/Tokyo'";
            }

            @Override
            String now() {
                // H2 casts a zoned value to TIMESTAMP in the session's (the JVM's) zone: shift the local clock instead
                return "DATEADD(SECOND, -EXTRACT(TIMEZONE_HOUR FROM CURRENT_TIMESTAMP) * 3600 - EXTRACT(TIMEZONE_MINUTE FROM CURRENT_TIMESTAMP) * 60, LOCALTIMESTAMP)";
            }
        },
        POSTGRES {
            @Override
            DataSource dataSource() {
                return Databases.postgres();
            }

            @Override
            String alterType(String table, String column, String type) {
                return "ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type;
            }

            @Override
            String zonedTimestamp() {
                return "TIMESTAMPTZ(6)";
            }

            @Override
            String tokyoSession() {
                return "SET TIME ZONE 'Asia/Tokyo'";
            }
        },
        MARIADB {
            @Override
            DataSource dataSource() {
                return Databases.mariadb();
            }

            @Override
            String timestamp() {
                return "DATETIME(6)";
            }

            @Override
            String now() {
                return "UTC_TIMESTAMP(6)";
            }

            @Override
            String zonedTimestamp() {
                return "TIMESTAMP(6)";
            }

            @Override
            Object zonedValue(Instant instant) {
                return LocalDateTime.ofInstant(instant, ZoneOffset.UTC); // under utcSession()
            }

            @Override
            String utcSession() {
                return "SET time_zone = '+00:00'";
            }

            @Override
            String tokyoSession() {
                return "SET time_zone = '+09:00'";
            }

            @Override
            String tableOptions() {
                return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
            }

            @Override
            String alterType(String table, String column, String type) {
                return "ALTER TABLE " + table + " MODIFY COLUMN " + column + " " + type;
            }
        };

        /** A reachable DataSource; skips the calling test (fails it on CI) when the server is down. */
        abstract DataSource dataSource();

        /** A timestamp column type with microseconds. */
        String timestamp() {
            return "TIMESTAMP(6)";
        }

        /**
         * The database clock with microseconds as a UTC wall clock, whatever the JVM's zone (which pgjdbc and H2 make
         * the session's zone); PostgreSQL and H2: the transaction's start.
         */
        String now() {
            return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
        }

        /** A column type holding an instant, as the driver reports it: timestamptz, TIMESTAMP WITH TIME ZONE, MariaDB TIMESTAMP. */
        abstract String zonedTimestamp();

        /** The JDBC parameter that writes {@code instant} exactly into a {@link #zonedTimestamp()} column. */
        Object zonedValue(Instant instant) {
            return java.time.OffsetDateTime.ofInstant(instant, ZoneOffset.ofHours(9)); // any offset: the instant counts
        }

        /** A statement making the session's time zone +09:00, as on a server configured in Tokyo. */
        abstract String tokyoSession();

        /** A statement making the session's time zone UTC before writing zoned values, or null. */
        String utcSession() {
            return null;
        }

        String tableOptions() {
            return "";
        }

        abstract String alterType(String table, String column, String type);
    }

    @TempDir
    Path lakeDir;

    private LakeStorage lake;
    private DataSource ds;
    private final List<String> tables = new ArrayList<>();

    @BeforeAll
    static void quietLibraries() {
        for (String name : List.of("io.delta", "org.apache.parquet", "org.apache.hadoop")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                l.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    @BeforeEach
    void lake() {
        lake = new LakeStorage(lakeDir.toString());
    }

    @AfterEach
    void dropTables() {
        if (ds != null) {
            tables.forEach(t -> Databases.dropTable(ds, t));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 1. first full load

    @ParameterizedTest
    @EnumSource(Db.class)
    void firstLoadWritesVersionZeroWithAllRowsAndTheLastRowAsWatermark(Db db) throws Exception {
        String t = baseTable(db, "first");
        insert(t, 3, "c", "30.00", 3, T0);
        insert(t, 1, "a", "10.50", 1, T0.plusMinutes(1));
        insert(t, 2, "b", "-0.01", 2, T0.plusMinutes(2));
        SqlIncrementalLoader loader = loader(t);

        LoadResult r = loader.loadOnce();

        assertThat(r.operation()).isEqualTo("WRITE");
        assertThat(r.tableVersion()).isZero();
        assertThat(r.loadVersion()).isZero();
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.inserted()).isEqualTo(3);
        assertThat(r.updated()).isZero();
        assertThat(r.alreadyCommitted()).isFalse();
        assertThat(r.moreRows()).isFalse();
        assertWatermark(r.watermark(), T0.plusMinutes(2), "2");
        assertWatermark(storedWatermark(loader), T0.plusMinutes(2), "2");

        DeltaTable table = loader.table();
        assertThat(table.latest().getVersion()).isZero();
        assertThat(table.txnVersion("lakehub-sql-" + t)).isZero();
        Map<Long, Map<String, Object>> rows = rowsById(table, null);
        assertThat(rows.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(rows.get(1L)).containsEntry("name", "a").containsEntry("amount", new BigDecimal("10.50"))
                .containsEntry("qty", 1).containsEntry("updated_at", utc(T0.plusMinutes(1)));
        assertThat(rows.get(2L)).containsEntry("amount", new BigDecimal("-0.01"));
        assertThat(rows.get(3L)).containsEntry("name", "c").containsEntry("updated_at", utc(T0));

        List<Map<String, Object>> history = table.history(10);
        assertThat(history).hasSize(1);
        assertThat(history.get(0)).containsEntry("version", 0L).containsEntry("operation", "WRITE");
        assertThat(metrics(history.get(0))).containsEntry("numOutputRows", "3").containsEntry("numFiles", "1");
        Map<?, ?> lineage = (Map<?, ?>) history.get(0).get("userMetadata");
        assertThat(lineage.get("flow")).isEqualTo("sql-incremental");
        assertThat(lineage.get("source")).isEqualTo(t);
        assertThat(((Number) lineage.get("rows")).longValue()).isEqualTo(3);
        assertThat(lineage.get("bronze")).isEqualTo(r.bronzePath());

        assertThat(r.bronzePath()).as("attempt-unique: the run id is in the name")
                .isEqualTo("bronze/sql/" + t + "/load=000000/" + t + "-" + r.runId() + ".csv");
        List<CSVRecord> csv = bronze(t, 0);
        assertThat(csv).extracting(rec -> rec.get("id")).containsExactly("3", "1", "2"); // ORDER BY updated_at, id
        assertThat(parquetOnDisk(t)).isEqualTo(referenced(table.latest())).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. incremental load, empty poll

    @ParameterizedTest
    @EnumSource(Db.class)
    void incrementalLoadTakesOnlyNewRowsAndAnEmptyPollCommitsNothing(Db db) throws Exception {
        String t = baseTable(db, "incr");
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b", "2.00", 2, T0.plusSeconds(1));
        insert(t, 3, "c", "3.00", 3, T0.plusSeconds(2));
        SqlIncrementalLoader loader = loader(t);
        assertThat(loader.loadOnce().tableVersion()).isZero();

        insert(t, 4, "d", "4.00", 4, T0.plusSeconds(3));
        insert(t, 5, "e", "5.00", 5, T0.plusSeconds(4));
        LoadResult r = loader.loadOnce();

        assertThat(r.operation()).isEqualTo("MERGE");
        assertThat(r.tableVersion()).isEqualTo(1);
        assertThat(r.loadVersion()).isEqualTo(1);
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.inserted()).isEqualTo(2);
        assertThat(r.updated()).isZero();
        assertWatermark(storedWatermark(loader), T0.plusSeconds(4), "5");
        assertThat(csvIds(bronze(t, 1))).containsExactly("4", "5");
        Map<String, String> m = metrics(loader.table().history(1).get(0));
        assertThat(m).containsEntry("numSourceRows", "2").containsEntry("numTargetRowsInserted", "2")
                .containsEntry("numTargetRowsUpdated", "0").containsEntry("numTargetFilesRemoved", "0");
        assertThat(rowsById(loader.table(), null).keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(rowsById(loader.table(), 0L).keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);

        String watermarkBefore = loader.table().properties().get(Watermark.propertyKey(t));
        LoadResult empty = loader.loadOnce();

        assertThat(empty.rows()).isZero();
        assertThat(empty.tableVersion()).isEqualTo(-1);
        assertThat(empty.operation()).isEqualTo("NONE");
        assertThat(empty.moreRows()).isFalse();
        assertThat(loader.table().latest().getVersion()).isEqualTo(1);
        assertThat(loader.table().history(10)).hasSize(2);
        assertThat(loader.table().properties().get(Watermark.propertyKey(t))).isEqualTo(watermarkBefore);
        assertThat(loader.table().txnVersion(loader.source().appId())).isEqualTo(1);
        assertThat(bronzeLoadDir(t, 2)).as("an empty poll leaves no bronze folder").doesNotExist();
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. updates of existing keys

    @ParameterizedTest
    @EnumSource(Db.class)
    void updatedRowsAreMergedByKeyWithoutDuplicates(Db db) throws Exception {
        String t = baseTable(db, "upd");
        for (int i = 1; i <= 4; i++) {
            insert(t, i, "v1-" + i, i + ".00", i, T0.plusSeconds(i));
        }
        SqlIncrementalLoader loader = loader(t);
        loader.loadOnce();

        sql("UPDATE " + t + " SET name = ?, amount = ?, updated_at = ? WHERE id = ?", "v2-2", new BigDecimal("222.22"),
                T0.plusMinutes(10), 2L);
        sql("UPDATE " + t + " SET name = ?, amount = ?, updated_at = ? WHERE id = ?", "v2-4", new BigDecimal("444.44"),
                T0.plusMinutes(11), 4L);
        insert(t, 5, "v1-5", "5.00", 5, T0.plusMinutes(12));
        LoadResult r = loader.loadOnce();

        assertThat(r.operation()).isEqualTo("MERGE");
        assertThat(r.tableVersion()).isEqualTo(1);
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.updated()).isEqualTo(2);
        assertThat(r.inserted()).isEqualTo(1);
        Map<String, Object> entry = loader.table().history(1).get(0);
        assertThat(entry).containsEntry("operation", "MERGE");
        assertThat(metrics(entry)).containsEntry("numSourceRows", "3").containsEntry("numTargetRowsUpdated", "2")
                .containsEntry("numTargetRowsInserted", "1").containsEntry("numTargetRowsDeleted", "0")
                .containsEntry("numTargetRowsCopied", "2").containsEntry("numOutputRows", "5");

        Map<Long, Map<String, Object>> rows = rowsById(loader.table(), null); // fails on a duplicate key
        assertThat(rows.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(rows.get(2L)).containsEntry("name", "v2-2").containsEntry("amount", new BigDecimal("222.22"))
                .containsEntry("updated_at", utc(T0.plusMinutes(10)));
        assertThat(rows.get(4L)).containsEntry("name", "v2-4").containsEntry("amount", new BigDecimal("444.44"));
        assertThat(rows.get(1L)).containsEntry("name", "v1-1");
        assertThat(rows.get(3L)).containsEntry("name", "v1-3");
        assertThat(rowsById(loader.table(), 0L).get(2L)).containsEntry("name", "v1-2"); // time travel keeps v1
        assertThat(parquetOnDisk(t)).containsAll(referenced(loader.table().latest()));

        // the same key updated again in a later load
        sql("UPDATE " + t + " SET name = ?, updated_at = ? WHERE id = ?", "v3-2", T0.plusMinutes(20), 2L);
        LoadResult again = loader.loadOnce();
        assertThat(again.updated()).isEqualTo(1);
        assertThat(again.inserted()).isZero();
        rows = rowsById(loader.table(), null);
        assertThat(rows).hasSize(5);
        assertThat(rows.get(2L)).containsEntry("name", "v3-2").containsEntry("amount", new BigDecimal("222.22"));
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. ties on the watermark at a batch edge

    @ParameterizedTest
    @EnumSource(Db.class)
    void rowsSharingAWatermarkAcrossBatchEdgesAreLoadedExactlyOnce(Db db) throws Exception {
        String t = baseTable(db, "ties");
        for (long id : new long[] {5, 3, 1, 4, 2}) {
            insert(t, id, "r" + id, id + ".00", (int) id, T0);
        }
        SqlSourceTable src = source(t);
        src.setBatchSize(2);
        src.setFetchSize(1);
        src.setRowsPerFile(1);
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, lake);

        List<LoadResult> results = new ArrayList<>();
        LoadResult r;
        do {
            r = loader.loadOnce();
            results.add(r);
            assertThat(results).as("loads until drained").hasSizeLessThanOrEqualTo(5);
        } while (r.moreRows());
        LoadResult last = loader.loadOnce();

        assertThat(results).extracting(LoadResult::rows).containsExactly(2L, 2L, 1L);
        assertThat(results).extracting(LoadResult::moreRows).containsExactly(true, true, false);
        assertThat(results).extracting(LoadResult::tableVersion).containsExactly(0L, 1L, 2L);
        assertThat(results).extracting(x -> x.watermark().tieBreaker()).containsExactly("2", "4", "5");
        assertThat(results).extracting(x -> LocalDateTime.parse(x.watermark().value())).containsOnly(T0);
        assertThat(last.rows()).isZero();
        assertThat(last.tableVersion()).isEqualTo(-1);
        assertThat(results).extracting(LoadResult::updated).containsOnly(0L);

        List<Map<String, Object>> all = rows(loader.table(), null);
        assertThat(all).extracting(row -> row.get("id")).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(loader.table().latest().getAllFiles()).hasSize(5); // rows-per-file 1
        assertThat(csvIds(bronze(t, 0))).containsExactly("1", "2");
        assertThat(csvIds(bronze(t, 1))).containsExactly("3", "4");
        assertThat(csvIds(bronze(t, 2))).containsExactly("5");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 5. a transaction that commits late, within the lag

    @ParameterizedTest
    @EnumSource(Db.class)
    void aTransactionCommittingLateWithinTheLagIsNotLost(Db db) throws Exception {
        String t = baseTable(db, "late");
        insert(t, 1, "old", "1.00", 1, T0);
        SqlSourceTable src = source(t);
        src.setLag(Duration.ofSeconds(3));
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, lake);
        assertThat(loader.loadOnce().tableVersion()).isZero();

        LocalDateTime lateTs;
        LocalDateTime laterTs;
        try (Connection late = ds.getConnection()) {
            late.setAutoCommit(false);
            try (Statement st = late.createStatement()) {
                st.executeUpdate("INSERT INTO " + t + " (id, name, amount, qty, updated_at) VALUES (100, 'late', 1.00, 1, "
                        + db.now() + ")");
            }
            lateTs = timestampOf(late, t, 100);
            // a row committed after the late one started, with a later timestamp
            sql("INSERT INTO " + t + " (id, name, amount, qty, updated_at) VALUES (101, 'later', 2.00, 2, " + db.now() + ")");
            try (Connection c = ds.getConnection()) {
                laterTs = timestampOf(c, t, 101);
            }
            assertThat(laterTs).isAfter(lateTs);

            LoadResult whileOpen = loader.loadOnce();

            assertThat(whileOpen.rows()).isZero();
            assertThat(rowsById(loader.table(), null).keySet()).containsExactly(1L);
            assertThat(LocalDateTime.parse(storedWatermark(loader).value())).isBefore(lateTs);
            late.commit();
        }

        LocalDateTime newest = laterTs;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !LocalDateTime.parse(loader.plan().high()).isBefore(newest));
        LoadResult after = loader.loadOnce();

        assertThat(after.rows()).isEqualTo(2);
        Map<Long, Map<String, Object>> rows = rowsById(loader.table(), null);
        assertThat(rows.keySet()).containsExactlyInAnyOrder(1L, 100L, 101L);
        assertThat(rows.get(100L)).containsEntry("name", "late").containsEntry("updated_at", utc(lateTs));
        assertWatermark(storedWatermark(loader), laterTs, "101");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 6. crash between the bronze write and the Delta commit

    @ParameterizedTest
    @EnumSource(Db.class)
    void aCrashBeforeTheCommitReloadsTheSameWindowOnce(Db db) throws Exception {
        String t = baseTable(db, "crash1");
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b, \"quoted\"", "2.00", 2, T0.plusSeconds(1));
        insert(t, 3, "c", "3.00", 3, T0.plusSeconds(2));

        // first attempt: extracted to bronze and staged, then the process dies
        SqlIncrementalLoader crashed = loader(t);
        LoadPlan plan = crashed.plan();
        Extract extract = crashed.extract(plan);
        assertThat(extract.rows()).isEqualTo(3);
        assertThat(bronzeFile(t, 0)).exists();
        Set<String> orphans = extract.staged().files().stream().map(DataFile::path)
                .collect(Collectors.toCollection(HashSet::new));
        assertThat(orphans).isNotEmpty();
        assertThat(crashed.table().exists()).isFalse();

        LoadResult r = loader(t).loadOnce();

        assertThat(r.loadVersion()).isZero();
        assertThat(r.tableVersion()).isZero();
        assertThat(r.rows()).isEqualTo(3);
        DeltaTable table = loader(t).table();
        List<Map<String, Object>> rows = rows(table, null);
        assertThat(rows).extracting(row -> row.get("id")).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertBronzeOnce(t, 0, List.of("1", "2", "3"));
        assertThat(bronze(t, 0).get(1).get("name")).isEqualTo("b, \"quoted\"");
        Set<String> referenced = referenced(table.latest());
        assertThat(referenced).doesNotContainAnyElementsOf(orphans);
        assertThat(parquetOnDisk(t)).containsAll(referenced);

        // the same on an existing table (a MERGE load)
        sql("UPDATE " + t + " SET name = ?, updated_at = ? WHERE id = ?", "a2", T0.plusMinutes(1), 1L);
        insert(t, 4, "d", "4.00", 4, T0.plusMinutes(2));
        SqlIncrementalLoader crashed2 = loader(t);
        Extract extract2 = crashed2.extract(crashed2.plan());
        assertThat(extract2.rows()).isEqualTo(2);
        orphans.addAll(extract2.staged().files().stream().map(DataFile::path).toList());

        LoadResult r2 = loader(t).loadOnce();

        assertThat(r2.loadVersion()).isEqualTo(1);
        assertThat(r2.tableVersion()).isEqualTo(1);
        assertThat(r2.updated()).isEqualTo(1);
        assertThat(r2.inserted()).isEqualTo(1);
        Map<Long, Map<String, Object>> byId = rowsById(table, null);
        assertThat(byId.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(byId.get(1L)).containsEntry("name", "a2");
        assertBronzeOnce(t, 1, List.of("1", "4"));
        assertThat(referenced(table.latest())).doesNotContainAnyElementsOf(orphans);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 7. crash after the commit; crash before bronze

    @ParameterizedTest
    @EnumSource(Db.class)
    void aReplayedCommitChangesNothingAndAPlanWithoutExtractIsHarmless(Db db) throws Exception {
        String t = baseTable(db, "crash2");
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b", "2.00", 2, T0.plusSeconds(1));

        // crash before bronze: planned, nothing else
        LoadPlan abandoned = loader(t).plan();
        assertThat(abandoned.loadVersion()).isZero();
        assertThat(bronzeFile(t, 0)).doesNotExist();

        SqlIncrementalLoader loader = loader(t);
        LoadPlan plan = loader.plan();
        Extract extract = loader.extract(plan);
        LoadResult first = loader.commit(plan, extract);
        assertThat(first.tableVersion()).isZero();
        assertThat(first.alreadyCommitted()).isFalse();

        // crash after the commit, before it was acknowledged: the same commit is retried
        LoadResult replay = loader.commit(plan, extract);

        assertThat(replay.alreadyCommitted()).isTrue();
        assertThat(replay.tableVersion()).isZero();
        assertThat(loader.table().latest().getVersion()).isZero();
        assertThat(loader.table().history(10)).hasSize(1);
        assertThat(rows(loader.table(), null)).extracting(row -> row.get("id")).containsExactlyInAnyOrder(1L, 2L);

        // the same on a MERGE load
        insert(t, 3, "c", "3.00", 3, T0.plusSeconds(2));
        sql("UPDATE " + t + " SET name = ?, updated_at = ? WHERE id = ?", "a2", T0.plusSeconds(3), 1L);
        SqlIncrementalLoader restarted = loader(t);
        LoadPlan plan2 = restarted.plan();
        assertThat(plan2.loadVersion()).isEqualTo(1);
        Extract extract2 = restarted.extract(plan2);
        assertThat(restarted.commit(plan2, extract2).tableVersion()).isEqualTo(1);
        LoadResult replay2 = restarted.commit(plan2, extract2);

        assertThat(replay2.alreadyCommitted()).isTrue();
        assertThat(restarted.table().latest().getVersion()).isEqualTo(1);
        Map<Long, Map<String, Object>> rows = rowsById(restarted.table(), null);
        assertThat(rows.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(rows.get(1L)).containsEntry("name", "a2");
        assertThat(parquetOnDisk(t)).containsAll(referenced(restarted.table().latest()));

        // a restarted loader after all this finds nothing new
        LoadResult next = loader(t).loadOnce();
        assertThat(next.rows()).isZero();
        assertThat(restarted.table().latest().getVersion()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 8. schema widening

    @ParameterizedTest
    @EnumSource(Db.class)
    void aNewSourceColumnWidensTheTableSchema(Db db) throws Exception {
        String t = baseTable(db, "widen");
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b", "2.00", 2, T0.plusSeconds(1));
        insert(t, 3, "c", "3.00", 3, T0.plusSeconds(2));
        SqlIncrementalLoader loader = loader(t);
        loader.loadOnce();

        sql("ALTER TABLE " + t + " ADD note VARCHAR(50)");
        sql("ALTER TABLE " + t + " ADD score DECIMAL(10,3)");
        sql("INSERT INTO " + t + " (id, name, amount, qty, updated_at, note, score) VALUES (?, ?, ?, ?, ?, ?, ?)",
                4L, "d", new BigDecimal("4.00"), 4, T0.plusMinutes(1), "new column", new BigDecimal("1.250"));
        sql("UPDATE " + t + " SET note = ?, score = ?, updated_at = ? WHERE id = ?", "touched", new BigDecimal("-9.999"),
                T0.plusMinutes(2), 1L);
        LoadResult r = loader.loadOnce();

        assertThat(r.tableVersion()).isEqualTo(1);
        assertThat(r.updated()).isEqualTo(1);
        assertThat(r.inserted()).isEqualTo(1);
        TableSchema schema = loader.table().latest().getMetadata().getSchema();
        assertThat(schema.names()).containsExactly("id", "name", "amount", "qty", "updated_at", "note", "score");
        assertThat(schema.column("note").type()).isEqualTo(ColumnType.STRING);
        assertThat(schema.column("note").nullable()).isTrue();
        assertThat(schema.column("score").type()).isEqualTo(ColumnType.decimal(10, 3));
        assertThat(loader.table().snapshot(0L).getMetadata().getSchema().names())
                .containsExactly("id", "name", "amount", "qty", "updated_at");

        Map<Long, Map<String, Object>> rows = rowsById(loader.table(), null);
        assertThat(rows.get(2L)).containsEntry("note", null).containsEntry("score", null).containsEntry("name", "b");
        assertThat(rows.get(3L)).containsEntry("note", null).containsEntry("score", null);
        assertThat(rows.get(4L)).containsEntry("note", "new column").containsEntry("score", new BigDecimal("1.250"));
        assertThat(rows.get(1L)).containsEntry("note", "touched").containsEntry("score", new BigDecimal("-9.999"));
        assertThat(independentRows(loader.table(), null)).isEqualTo(rows);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 9. incompatible change

    @ParameterizedTest
    @EnumSource(Db.class)
    void anIncompatibleTypeChangeFailsTheLoadAndKeepsTheWatermark(Db db) throws Exception {
        String t = baseTable(db, "incompat");
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b", "2.00", 2, T0.plusSeconds(1));
        SqlIncrementalLoader loader = loader(t);
        loader.loadOnce();
        String watermark = loader.table().properties().get(Watermark.propertyKey(t));
        assertThat(watermark).isNotNull();

        sql(db.alterType(t, "qty", "VARCHAR(20)"));
        sql("INSERT INTO " + t + " (id, name, amount, qty, updated_at) VALUES (?, ?, ?, ?, ?)", 3L, "c",
                new BigDecimal("3.00"), "three", T0.plusMinutes(1));

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(loader::loadOnce).isInstanceOf(SchemaMismatchException.class)
                    .hasMessageContaining("qty");

            assertThat(loader.table().latest().getVersion()).isZero();
            assertThat(loader.table().history(10)).hasSize(1);
            assertThat(loader.table().properties().get(Watermark.propertyKey(t))).isEqualTo(watermark);
            assertThat(loader.table().txnVersion(loader.source().appId())).isZero();
            assertThat(rowsById(loader.table(), null).keySet()).containsExactlyInAnyOrder(1L, 2L);
            assertThat(parquetOnDisk(t)).as("staged files of the failed load are removed")
                    .isEqualTo(referenced(loader.table().latest()));
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void aDecimalPrecisionChangeIsReportedWithPrecisionAndScaleOnBothSides(Db db) throws Exception {
        String t = baseTable(db, "decprec");
        insert(t, 1, "a", "1.00", 1, T0);
        SqlIncrementalLoader loader = loader(t);
        loader.loadOnce();

        sql(db.alterType(t, "amount", "DECIMAL(14,4)"));
        insert(t, 2, "b", "2.5", 2, T0.plusMinutes(1));

        assertThatThrownBy(loader::loadOnce).isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("'amount' is decimal(12,2) in the table but decimal(14,4) in the source");
        assertThat(loader.table().latest().getVersion()).isZero();
    }

    // ------------------------------------------------------------------------------------------------------------
    // rows whose watermark column is NULL

    @ParameterizedTest
    @EnumSource(Db.class)
    void rowsWithANullWatermarkAreCountedAndReportedNotSilentlyDropped(Db db) throws Exception {
        ds = db.dataSource();
        String t = Databases.uniqueName("nullwm");
        tables.add(t);
        sql("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(12,2), qty INTEGER, "
                + "updated_at " + db.timestamp() + " NULL)" + db.tableOptions());
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b", "2.00", 2, T0.plusSeconds(1));
        sql("INSERT INTO " + t + " (id, name, updated_at) VALUES (3, 'no watermark', NULL), (4, 'none either', NULL)");
        SqlIncrementalLoader loader = loader(t);
        java.util.concurrent.atomic.AtomicReference<String> warned = new java.util.concurrent.atomic.AtomicReference<>();
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(SqlIncrementalLoader.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        log.addAppender(appender);
        LoadResult r;
        try {
            r = loader.loadOnce();
        } finally {
            log.detachAppender(appender);
        }

        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.nullWatermarkRows()).isEqualTo(2);
        assertThat(rowsById(loader.table(), null).keySet()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(appender.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).singleElement(
                        org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains(t + ": 2 source rows have a NULL updated_at and are not loaded");
        Map<?, ?> lineage = (Map<?, ?>) loader.table().history(1).get(0).get("userMetadata");
        assertThat(((Number) lineage.get("rowsWithNullWatermark")).longValue()).isEqualTo(2);

        // the run and the health details say so, as an operator sees them
        io.lakehub.run.RunHistory runs = new io.lakehub.run.RunHistory();
        SqlSources sources = sourcesOf(loader.source());
        recordThroughTheCommitStep(sources, t, runs);
        io.lakehub.run.RunHistory.Run run = runs.last(t);
        assertThat(run.details()).containsEntry(CommitDeltaMerge.NULL_WATERMARK_ROWS, 2L);
        io.lakehub.events.EventsProperties noEvents = new io.lakehub.events.EventsProperties();
        noEvents.setEnabled(false);
        org.springframework.boot.actuate.health.Health health = ((org.springframework.boot.actuate.health.HealthIndicator)
                new io.lakehub.ops.FlowsHealth(runs, sources, null, noEvents, 1).getContributor("sql-incremental-" + t)).health();
        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);
        assertThat(health.getDetails()).containsEntry(CommitDeltaMerge.NULL_WATERMARK_ROWS, 2L);

        // once they get a value they are loaded, and the count clears
        sql("UPDATE " + t + " SET updated_at = ? WHERE id IN (3, 4)", T0.plusMinutes(1));
        LoadResult after = loader.loadOnce();
        assertThat(after.rows()).isEqualTo(2);
        assertThat(after.nullWatermarkRows()).isZero();
        assertThat(rowsById(loader.table(), null).keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        recordThroughTheCommitStep(sources, t, runs);
        assertThat(runs.last(t).details()).doesNotContainKey(CommitDeltaMerge.NULL_WATERMARK_ROWS);
    }

    /** The configured sources of a hub with this one source on {@link #ds}. */
    private SqlSources sourcesOf(SqlSourceTable source) {
        SqlProperties props = new SqlProperties();
        props.getTables().add(source);
        return new SqlSources(props, new io.lakehub.config.LakeConfiguration.DataSources(Map.of("default", ds)),
                lake, new io.lakehub.cluster.HubInstance(new io.lakehub.cluster.ClusterProperties()));
    }

    /** Runs one load through the route's plan/extract/commit processors with a real exchange, recording into {@code runs}. */
    private void recordThroughTheCommitStep(SqlSources sources, String source, io.lakehub.run.RunHistory runs) throws Exception {
        try (org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
            exchange.setVariable("sqlSource", source);
            new PlanLoad(sources).process(exchange);
            new ExtractToBronze(sources, new io.lakehub.run.RunProgress(runs, Duration.ofSeconds(10))).process(exchange);
            new CommitDeltaMerge(sources, runs).process(exchange);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 10. a missing source table

    @ParameterizedTest
    @EnumSource(Db.class)
    void aMissingSourceTableFailsClearlyAndTheLoaderRecovers(Db db) throws Exception {
        ds = db.dataSource();
        String t = Databases.uniqueName("missing");
        tables.add(t);
        SqlIncrementalLoader loader = loader(t);

        assertThatThrownBy(loader::loadOnce).hasMessageContaining(t);
        assertThat(loader.table().exists()).isFalse();
        assertThat(lakeDir.resolve("bronze")).doesNotExist();
        assertThat(parquetOnDisk(t)).isEmpty();

        createBaseTable(db, t);
        insert(t, 1, "a", "1.00", 1, T0);
        insert(t, 2, "b", "2.00", 2, T0.plusSeconds(1));
        LoadResult r = loader.loadOnce();

        assertThat(r.tableVersion()).isZero();
        assertThat(r.loadVersion()).isZero();
        assertThat(rowsById(loader.table(), null).keySet()).containsExactlyInAnyOrder(1L, 2L);

        // the table disappears again: the error names it, progress is kept
        String watermark = loader.table().properties().get(Watermark.propertyKey(t));
        sql("DROP TABLE " + t);
        assertThatThrownBy(loader::loadOnce).hasMessageContaining(t);
        assertThat(loader.table().latest().getVersion()).isZero();
        assertThat(loader.table().properties().get(Watermark.propertyKey(t))).isEqualTo(watermark);

        createBaseTable(db, t);
        insert(t, 2, "b2", "2.00", 2, T0.plusMinutes(1));
        insert(t, 3, "c", "3.00", 3, T0.plusMinutes(2));
        LoadResult again = loader.loadOnce();

        assertThat(again.tableVersion()).isEqualTo(1);
        assertThat(again.updated()).isEqualTo(1);
        Map<Long, Map<String, Object>> rows = rowsById(loader.table(), null);
        assertThat(rows.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(rows.get(2L)).containsEntry("name", "b2");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 11. type mapping without loss

    @ParameterizedTest
    @EnumSource(Db.class)
    void columnTypesAreMappedWithoutLoss(Db db) throws Exception {
        String t = typesTable(db, "types");
        List<Map<String, Object>> expected = insertTypedRows(t, false);
        SqlIncrementalLoader loader = loader(t);

        LoadResult r = loader.loadOnce();

        assertThat(r.rows()).isEqualTo(expected.size());
        TableSchema schema = loader.table().latest().getMetadata().getSchema();
        Map<String, ColumnType> types = new LinkedHashMap<>();
        for (Column f : schema.columns()) {
            types.put(f.name(), f.type());
        }
        assertThat(types).containsExactly(
                Map.entry("id", ColumnType.LONG),
                Map.entry("small_amount", ColumnType.decimal(15, 2)),
                Map.entry("big_amount", ColumnType.decimal(38, 10)),
                Map.entry("born", ColumnType.DATE),
                Map.entry("seen_at", ColumnType.TIMESTAMP),
                Map.entry("counter", ColumnType.LONG),
                Map.entry("ratio", ColumnType.DOUBLE),
                Map.entry("active", ColumnType.BOOLEAN),
                Map.entry("label", ColumnType.STRING),
                Map.entry("qty", ColumnType.INTEGER),
                Map.entry("updated_at", ColumnType.TIMESTAMP));

        Map<Long, Map<String, Object>> rows = rowsById(loader.table(), null);
        for (Map<String, Object> want : expected) {
            Map<String, Object> got = rows.get((Long) want.get("id"));
            assertThat(got).as("row %s", want.get("id")).isEqualTo(want);
            // decimals keep their scale exactly (BigDecimal.equals compares the scale too)
        }
        assertThat(((BigDecimal) rows.get(1L).get("big_amount")).scale()).isEqualTo(10);
        assertThat(((BigDecimal) rows.get(3L).get("small_amount")).toPlainString()).isEqualTo("0.00");

        // bronze holds the same values in their text form
        List<CSVRecord> csv = bronze(t, 0);
        assertThat(csv).hasSize(expected.size());
        for (CSVRecord rec : csv) {
            Map<String, Object> want = rows.get(Long.parseLong(rec.get("id")));
            for (String column : want.keySet()) {
                Object v = want.get(column);
                assertThat(rec.get(column)).as("bronze %s.%s", rec.get("id"), column)
                        .isEqualTo(v == null ? "" : ColumnTypes.text(v));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 12. the Delta table is a real Delta table

    @ParameterizedTest
    @EnumSource(Db.class)
    void theTableIsARealDeltaTableReadableByDeltaStandalone(Db db) throws Exception {
        String t = typesTable(db, "delta");
        insertTypedRows(t, true);
        SqlIncrementalLoader loader = loader(t);
        loader.loadOnce();
        for (int i = 1; i <= 10; i++) {
            sql("UPDATE " + t + " SET counter = ?, label = ?, updated_at = ? WHERE id = ?", (long) i, "update " + i,
                    T0.plusHours(i), (long) (i % 4 + 1));
            sql("INSERT INTO " + t + " (id, small_amount, seen_at, label, updated_at) VALUES (?, ?, ?, ?, ?)",
                    100L + i, new BigDecimal(i + ".25"), LocalDateTime.of(2021, 3, i, 12, 0, 0, i * 1000), "new " + i,
                    T0.plusHours(i).plusMinutes(1));
            LoadResult r = loader.loadOnce();
            assertThat(r.tableVersion()).isEqualTo(i);
        }

        Path table = lakeDir.resolve("silver").resolve(t);
        Path log = table.resolve("_delta_log");
        // protocol (1,2) in the first commit
        List<JsonNode> v0 = jsonLines(log.resolve("00000000000000000000.json"));
        JsonNode protocol = v0.stream().filter(a -> a.has("protocol")).findFirst().orElseThrow().get("protocol");
        assertThat(protocol.get("minReaderVersion").asInt()).isEqualTo(1);
        assertThat(protocol.get("minWriterVersion").asInt()).isEqualTo(2);
        assertThat(v0.stream().filter(a -> a.has("metaData"))).hasSize(1);
        assertThat(v0.stream().filter(a -> a.has("commitInfo")).findFirst().orElseThrow().get("commitInfo")
                .get("operation").asText()).isEqualTo("WRITE");
        JsonNode txn = v0.stream().filter(a -> a.has("txn")).findFirst().orElseThrow().get("txn");
        assertThat(txn.get("appId").asText()).isEqualTo("lakehub-sql-" + t);
        assertThat(txn.get("version").asLong()).isZero();

        // every add action of every commit has statistics as a JSON string
        int adds = 0;
        for (int v = 0; v <= 10; v++) {
            for (JsonNode action : jsonLines(log.resolve(String.format("%020d.json", v)))) {
                if (!action.has("add")) {
                    continue;
                }
                adds++;
                JsonNode stats = action.get("add").get("stats");
                assertThat(stats).as("stats of %s", action).isNotNull();
                assertThat(stats.isTextual()).as("stats is a JSON string: %s", stats).isTrue();
                JsonNode parsed = JSON.readTree(stats.asText());
                assertThat(parsed.get("numRecords").isIntegralNumber()).isTrue();
                assertThat(parsed.get("numRecords").asLong()).isPositive();
                assertThat(parsed.get("minValues").isObject()).isTrue();
                assertThat(parsed.get("maxValues").isObject()).isTrue();
                assertThat(parsed.get("nullCount").isObject()).isTrue();
                assertThat(parsed.get("minValues").has("id")).isTrue();
                assertThat(parsed.get("nullCount").get("id").asLong()).isZero();
            }
        }
        assertThat(adds).isGreaterThan(11);
        JsonNode firstStats = JSON.readTree(v0.stream().filter(a -> a.has("add")).findFirst().orElseThrow()
                .get("add").get("stats").asText());
        assertThat(firstStats.get("numRecords").asLong()).isEqualTo(4);
        assertThat(firstStats.get("minValues").get("id").asLong()).isEqualTo(1);
        assertThat(firstStats.get("maxValues").get("id").asLong()).isEqualTo(4);
        assertThat(firstStats.get("nullCount").get("label").asLong()).isEqualTo(1);

        // a checkpoint at version 10, and no .crc files anywhere in the lake
        assertThat(log.resolve("00000000000000000010.checkpoint.parquet")).isRegularFile();
        assertThat(log.resolve("_last_checkpoint")).isRegularFile();
        assertThat(JSON.readTree(Files.readString(log.resolve("_last_checkpoint"))).get("version").asLong()).isEqualTo(10);
        try (Stream<Path> files = Files.walk(lakeDir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".crc"))).isEmpty();
        }

        // the independent reader (tests' DeltaLogReader) returns the same rows as ours, at every version
        Map<Long, Map<String, Object>> latest = rowsById(loader.table(), null);
        assertThat(latest).hasSize(14);
        assertThat(latest.get(1L)).containsEntry("label", "update 8").containsEntry("counter", 8L);
        assertThat(independentRows(loader.table(), null)).isEqualTo(latest);
        assertThat(independentRows(loader.table(), 0L)).isEqualTo(rowsById(loader.table(), 0L)).hasSize(4);
        for (long v = 1; v < 10; v++) {
            assertThat(independentRows(loader.table(), v)).as("version %d", v).isEqualTo(rowsById(loader.table(), v))
                    .hasSize(4 + (int) v);
        }
        // a reader starting from the checkpoint (a fresh independent reader) sees the same
        DeltaLogReader.Snapshot fresh = DeltaLogReader.forTable(LakeStorage.hadoopConfiguration(), loader.table().path()).latest();
        assertThat(fresh.version()).isEqualTo(10);
        assertThat(fresh.files()).extracting(DeltaLogReader.AddFile::path)
                .containsExactlyInAnyOrderElementsOf(referenced(loader.table().latest()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // MERGE finds the files to rewrite from the key statistics: keys the statistics cannot hold exactly

    @ParameterizedTest
    @EnumSource(Db.class)
    void decimalKeysBeyondDoublePrecisionAreMergedByTheirExactValue(Db db) throws Exception {
        ds = db.dataSource();
        String t = Databases.uniqueName("deckey");
        tables.add(t);
        sql("CREATE TABLE " + t + " (code DECIMAL(22,2) PRIMARY KEY, name VARCHAR(20), updated_at " + db.timestamp()
                + " NOT NULL)" + db.tableOptions());
        // all three round to the same double, 1.2345678901234567E19
        List<BigDecimal> codes = List.of(new BigDecimal("12345678901234567890.01"),
                new BigDecimal("12345678901234567890.02"), new BigDecimal("12345678901234567890.03"));
        for (int i = 0; i < codes.size(); i++) {
            sql("INSERT INTO " + t + " (code, name, updated_at) VALUES (?, ?, ?)", codes.get(i), "v1", T0.plusSeconds(i));
        }
        SqlSourceTable src = source(t);
        src.setKeys(new ArrayList<>(List.of("code")));
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, lake);
        loader.loadOnce();

        sql("UPDATE " + t + " SET name = ?, updated_at = ? WHERE code = ?", "v2", T0.plusMinutes(1), codes.get(1));
        LoadResult r = loader.loadOnce();

        assertThat(r.updated()).isEqualTo(1);
        assertThat(r.inserted()).isZero();
        List<Map<String, Object>> rows = rows(loader.table(), null);
        assertThat(rows).extracting(row -> row.get("code")).containsExactlyInAnyOrderElementsOf(codes);
        assertThat(rows).filteredOn(row -> codes.get(1).equals(row.get("code"))).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("name", "v2"));
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void longStringKeysAreMergedByTheirExactValue(Db db) throws Exception {
        ds = db.dataSource();
        String t = Databases.uniqueName("strkey");
        tables.add(t);
        sql("CREATE TABLE " + t + " (code VARCHAR(100) PRIMARY KEY, name VARCHAR(20), updated_at " + db.timestamp()
                + " NOT NULL)" + db.tableOptions());
        // the statistics keep 32 UTF-16 chars of a string: here the cut falls inside the emoji's surrogate pair
        String prefix = "a".repeat(31) + "\uD83D\uDE00";
        List<String> codes = List.of(prefix + "x", prefix + "y");
        for (int i = 0; i < codes.size(); i++) {
            sql("INSERT INTO " + t + " (code, name, updated_at) VALUES (?, ?, ?)", codes.get(i), "v1", T0.plusSeconds(i));
        }
        SqlSourceTable src = source(t);
        src.setKeys(new ArrayList<>(List.of("code")));
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, lake);
        loader.loadOnce();

        sql("UPDATE " + t + " SET name = ?, updated_at = ? WHERE code = ?", "v2", T0.plusMinutes(1), codes.get(1));
        LoadResult r = loader.loadOnce();

        assertThat(r.updated()).isEqualTo(1);
        assertThat(r.inserted()).isZero();
        List<Map<String, Object>> rows = rows(loader.table(), null);
        assertThat(rows).extracting(row -> row.get("code")).containsExactlyInAnyOrderElementsOf(codes);
        assertThat(rows).filteredOn(row -> codes.get(1).equals(row.get("code"))).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("name", "v2"));
        for (JsonNode action : jsonLines(tableDir(t).resolve("_delta_log/00000000000000000001.json"))) {
            if (action.has("add")) {
                String stats = action.get("add").get("stats").asText();
                assertThat(stats).as("statistics are valid UTF-16 (no lone surrogate)").doesNotContain("?");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // two instances racing on one source: bronze is what each commit says

    @org.junit.jupiter.api.Test
    @Timeout(180)
    void twoLoadersRacingOnOneSourceLeaveEveryCommittedLoadTheBronzeFileItsCommitNames() throws Exception {
        String t = baseTable(Db.POSTGRES, "race");
        SqlSourceTable src = source(t);
        src.setLag(Duration.ofMillis(500));
        // two instances: each its own LakeStorage and DeltaTable on the same lake, as two processes
        SqlIncrementalLoader a = new SqlIncrementalLoader(src, ds, new LakeStorage(lakeDir.toString()), "hub-a");
        SqlIncrementalLoader b = new SqlIncrementalLoader(src, ds, new LakeStorage(lakeDir.toString()), "hub-b");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        java.util.concurrent.atomic.AtomicBoolean racing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        List<LoadResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        int rounds = 12;
        try {
            java.util.concurrent.Future<?> writer = pool.submit(() -> {
                while (racing.get()) { // rows keep arriving, so two attempts of one load read different windows
                    long id = written.incrementAndGet();
                    sql("INSERT INTO " + t + " (id, name, amount, qty, updated_at) VALUES (?, ?, 1.00, 1, "
                            + Db.POSTGRES.now() + ")", id, "row " + id);
                }
                return null;
            });
            List<java.util.concurrent.Future<?>> racers = new ArrayList<>();
            for (SqlIncrementalLoader loader : List.of(a, b)) {
                racers.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        together.await(60, java.util.concurrent.TimeUnit.SECONDS);
                        results.add(loader.loadOnce());
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> racer : racers) {
                racer.get(150, java.util.concurrent.TimeUnit.SECONDS); // a failed load fails the test here
            }
            racing.set(false);
            writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            racing.set(false);
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            a.loadOnce();
            assertThat(rowsById(a.table(), null)).hasSize((int) written.get());
        });

        assertThat(results).as("the two instances did race for the same load").anyMatch(LoadResult::alreadyCommitted);
        DeltaTable table = new DeltaTable(new LakeStorage(lakeDir.toString()), t);
        List<Map<String, Object>> history = table.history(1000);
        Set<Long> before = Set.of();
        for (int i = history.size() - 1; i >= 0; i--) {
            Map<String, Object> commit = history.get(i);
            long version = (Long) commit.get("version");
            Map<?, ?> lineage = (Map<?, ?>) commit.get("userMetadata");
            int load = ((Number) lineage.get("loadVersion")).intValue();
            Path named = lakeDir.resolve((String) lineage.get("bronze"));
            assertThat(bronzeFile(t, load)).as("version %d: the load folder holds the bronze file its commit names", version)
                    .isEqualTo(named);
            Set<Long> now = rowsById(table, version).keySet();
            Set<Long> added = new HashSet<>(now);
            added.removeAll(before);
            assertThat(bronze(t, load)).as("version %d (load %d, by %s): bronze rows are the rows it committed", version, load,
                    lineage.get("instance")).extracting(rec -> Long.parseLong(rec.get("id")))
                    .containsExactlyInAnyOrderElementsOf(added);
            assertThat(((Number) lineage.get("rows")).longValue()).isEqualTo(added.size());
            before = now;
        }
        try (Stream<Path> files = Files.walk(lakeDir.resolve("bronze"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no attempt left a partial file")
                    .noneMatch(n -> n.endsWith(".inprogress"));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // zoned timestamps (PostgreSQL timestamptz, H2 TIMESTAMP WITH TIME ZONE, MariaDB TIMESTAMP), as data and watermark

    @ParameterizedTest
    @EnumSource(Db.class)
    void zonedTimestampsLoadAsInstantsAsDataAndAsTheWatermark(Db db) throws Exception {
        ds = db.dataSource();
        String t = Databases.uniqueName("tstz");
        tables.add(t);
        sql("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, name VARCHAR(20), seen_at " + db.zonedTimestamp()
                + " NULL, changed_at " + db.zonedTimestamp() + " NOT NULL)" + db.tableOptions());
        Instant base = Instant.parse("2021-03-28T00:59:59.123456Z"); // one second before the EU clocks change
        Instant seen = Instant.parse("1999-12-31T23:00:00.000001Z");
        insertZoned(db, t, 1, "a", seen, base);
        insertZoned(db, t, 2, "b", null, base.plusNanos(1_000));
        insertZoned(db, t, 3, "c", seen.plusSeconds(3600), base.plusNanos(1_000));
        SqlSourceTable src = zonedSource(t);
        // the loader's sessions are in Tokyo time, as on a server configured there: instants must not move
        SqlIncrementalLoader loader = new SqlIncrementalLoader(src, withSession(ds, db.tokyoSession()), lake);

        LoadPlan plan = loader.plan();
        Instant high = ColumnTypes.instantOf(LocalDateTime.parse(plan.high()));
        assertThat(high).as("a zoned watermark's bound is the database clock's instant minus lag")
                .isBetween(Instant.now().minus(src.getLag()).minusSeconds(5), Instant.now().minus(src.getLag()).plusSeconds(5));
        LoadResult first = loader.commit(plan, loader.extract(plan));

        assertThat(first.rows()).isEqualTo(3);
        TableSchema schema = loader.table().latest().getMetadata().getSchema();
        assertThat(schema.column("seen_at").type()).isEqualTo(ColumnType.TIMESTAMP);
        assertThat(schema.column("changed_at").type()).isEqualTo(ColumnType.TIMESTAMP);
        Map<Long, Map<String, Object>> rows = rowsById(loader.table(), null);
        assertThat(rows.get(1L)).containsEntry("seen_at", seen).containsEntry("changed_at", base);
        assertThat(rows.get(2L)).containsEntry("seen_at", null).containsEntry("changed_at", base.plusNanos(1_000));
        assertThat(rows.get(3L)).containsEntry("seen_at", seen.plusSeconds(3600));
        Watermark wm = storedWatermark(loader);
        assertThat(wm.value()).as("the watermark is the UTC time of the last row, to the microsecond")
                .isEqualTo("2021-03-28T00:59:59.123457");
        assertThat(wm.tieBreaker()).isEqualTo("3");
        assertThat(bronze(t, 0)).extracting(r -> r.get("changed_at"))
                .containsExactly("2021-03-28T00:59:59.123456", "2021-03-28T00:59:59.123457", "2021-03-28T00:59:59.123457");

        // the window starts exactly after (watermark, id): a tie with a higher id and a row 1 µs later are read,
        // the rows at or before the watermark are not read again
        insertZoned(db, t, 4, "tie", null, base.plusNanos(1_000));
        insertZoned(db, t, 5, "later", null, base.plusNanos(2_000));
        insertZoned(db, t, 0, "before", null, base);
        LoadResult second = loader.loadOnce();

        assertThat(second.rows()).isEqualTo(2);
        assertThat(csvIds(bronze(t, 1))).containsExactly("4", "5");
        assertThat(rowsById(loader.table(), null).get(5L)).containsEntry("changed_at", base.plusNanos(2_000));
        assertThat(storedWatermark(loader).value()).isEqualTo("2021-03-28T00:59:59.123458");
        assertThat(loader.loadOnce().rows()).as("nothing new").isZero();
    }

    // ------------------------------------------------------------------------------------------------------------
    // the window's upper bound is the database clock in the source's zone, never the JVM's

    @ParameterizedTest
    @EnumSource(Db.class)
    void theWindowEndsAtTheDatabaseClockInTheSourcesZoneWhateverTheJvmZone(Db db) throws Exception {
        String t = baseTable(db, "zone");
        insert(t, 1, "a", "1.00", 1, T0);
        for (String zone : List.of("UTC", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati")) {
            SqlSourceTable src = source(t);
            src.setLag(Duration.ofSeconds(30));
            if (!zone.equals("UTC")) {
                src.setTimeZone(java.time.ZoneId.of(zone)); // UTC is the default
            }
            SqlIncrementalLoader loader = new SqlIncrementalLoader(src, ds, lake);

            LocalDateTime before = LocalDateTime.now(java.time.ZoneId.of(zone)).minusSeconds(30);
            LocalDateTime high = LocalDateTime.parse(loader.plan().high());
            LocalDateTime after = LocalDateTime.now(java.time.ZoneId.of(zone)).minusSeconds(30);

            assertThat(high).as("bound for %s, JVM zone %s", zone, java.time.ZoneId.systemDefault())
                    .isBetween(before.minusSeconds(3), after.plusSeconds(3));
        }
    }

    // ============================================================================================================
    // fixtures

    private String baseTable(Db db, String prefix) throws SQLException {
        ds = db.dataSource();
        String t = Databases.uniqueName(prefix);
        tables.add(t);
        createBaseTable(db, t);
        return t;
    }

    private void createBaseTable(Db db, String t) throws SQLException {
        sql("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(12,2), qty INTEGER, "
                + "updated_at " + db.timestamp() + " NOT NULL)" + db.tableOptions());
    }

    private String typesTable(Db db, String prefix) throws SQLException {
        ds = db.dataSource();
        String t = Databases.uniqueName(prefix);
        tables.add(t);
        sql("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, small_amount DECIMAL(15,2), big_amount DECIMAL(38,10), "
                + "born DATE, seen_at " + db.timestamp() + ", counter BIGINT, ratio DOUBLE PRECISION, active BOOLEAN, "
                + "label VARCHAR(200), qty INTEGER, updated_at " + db.timestamp() + " NOT NULL)" + db.tableOptions());
        return t;
    }

    /**
     * Inserts four rows covering edge values of every type (row 4: all nulls); returns them as the lake should hold
     * them. {@code standaloneReadable} keeps the decimal(38,10) values below 1.7e20: delta-standalone's reader
     * (parquet4s, the tests' independent reader before DeltaLogReader) rescaled every decimal to decimal(38,18) in 16
     * bytes and overflowed on larger values, whatever the file held.
     */
    private List<Map<String, Object>> insertTypedRows(String t, boolean standaloneReadable) throws SQLException {
        Object[][] values = {
            {1L, new BigDecimal("1234567890123.45"), new BigDecimal(standaloneReadable
                    ? "12345678901234567890.0123456789" : "123456789012345678901234567.0123456789"),
                LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000), Long.MAX_VALUE,
                Math.PI, true, "Zürich, \"quoted\", 'single', 日本語 😀 — ok", 42, T0},
            {2L, new BigDecimal("-0.01"), new BigDecimal("-0.0000000001"), LocalDate.of(1970, 1, 1),
                LocalDateTime.of(1999, 12, 31, 0, 0, 0, 1_000), Long.MIN_VALUE, -1.5e-300, false,
                "line1\nline2,\r\n\"only quotes\"", -7, T0.plusSeconds(1)},
            {3L, new BigDecimal("0.00"), new BigDecimal(standaloneReadable
                    ? "-99999999999999999999.9999999999" : "9999999999999999999999999999.9999999999"),
                LocalDate.of(1900, 1, 1), LocalDateTime.of(2038, 1, 19, 3, 14, 8), 0L, 1.0e308, true, "plain", 0,
                T0.plusSeconds(2)},
        };
        String[] columns = {"id", "small_amount", "big_amount", "born", "seen_at", "counter", "ratio", "active", "label",
            "qty", "updated_at"};
        List<Map<String, Object>> expected = new ArrayList<>();
        for (Object[] row : values) {
            sql("INSERT INTO " + t + " (" + String.join(", ", columns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row);
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.length; i++) {
                m.put(columns[i], row[i] instanceof LocalDateTime ldt ? utc(ldt) : row[i]);
            }
            expected.add(m);
        }
        sql("INSERT INTO " + t + " (id, updated_at) VALUES (?, ?)", 4L, T0.plusSeconds(3));
        Map<String, Object> nulls = new LinkedHashMap<>();
        for (String c : columns) {
            nulls.put(c, null);
        }
        nulls.put("id", 4L);
        nulls.put("updated_at", utc(T0.plusSeconds(3)));
        expected.add(nulls);
        return expected;
    }

    private void insertZoned(Db db, String t, long id, String name, Instant seenAt, Instant changedAt) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (db.utcSession() != null) {
                try (Statement st = c.createStatement()) {
                    st.execute(db.utcSession());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, name, seen_at, changed_at) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                ps.setObject(3, seenAt == null ? null : db.zonedValue(seenAt));
                ps.setObject(4, db.zonedValue(changedAt));
                ps.execute();
            }
        }
    }

    /** {@code ds} whose every connection first runs {@code statement}. */
    private static DataSource withSession(DataSource ds, String statement) {
        return new org.springframework.jdbc.datasource.DelegatingDataSource(ds) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection c = super.getConnection();
                try (Statement st = c.createStatement()) {
                    st.execute(statement);
                }
                return c;
            }
        };
    }

    private SqlSourceTable zonedSource(String table) {
        SqlSourceTable s = source(table);
        s.setWatermarkColumn("changed_at");
        return s;
    }

    private SqlSourceTable source(String table) {
        SqlSourceTable s = new SqlSourceTable();
        s.setName(table);
        s.setTable(table);
        s.setKeys(new ArrayList<>(List.of("id")));
        s.setWatermarkColumn("updated_at");
        s.setLag(Duration.ofSeconds(1));
        return s;
    }

    private SqlIncrementalLoader loader(String table) {
        return new SqlIncrementalLoader(source(table), ds, lake);
    }

    private void insert(String t, long id, String name, String amount, int qty, LocalDateTime updatedAt)
            throws SQLException {
        sql("INSERT INTO " + t + " (id, name, amount, qty, updated_at) VALUES (?, ?, ?, ?, ?)", id, name,
                new BigDecimal(amount), qty, updatedAt);
    }

    private void sql(String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        }
    }

    private static LocalDateTime timestampOf(Connection c, String t, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT updated_at FROM " + t + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1, LocalDateTime.class);
            }
        }
    }

    private static Instant utc(LocalDateTime wallClock) {
        return wallClock.toInstant(ZoneOffset.UTC);
    }

    // ------------------------------------------------------------------------------------------------------------
    // what a user checks

    private static Watermark storedWatermark(SqlIncrementalLoader loader) {
        return Watermark.parse(loader.table().properties().get(Watermark.propertyKey(loader.source().getName())));
    }

    private static void assertWatermark(Watermark wm, LocalDateTime value, String tieBreaker) {
        assertThat(wm).isNotNull();
        assertThat(wm.column()).isEqualTo("updated_at");
        assertThat(LocalDateTime.parse(wm.value())).isEqualTo(value);
        assertThat(wm.tieBreakerColumn()).isEqualTo("id");
        assertThat(wm.tieBreaker()).isEqualTo(tieBreaker);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> metrics(Map<String, Object> historyEntry) {
        return (Map<String, String>) historyEntry.get("operationMetrics");
    }

    /** All rows of a version (null: latest) as column-name maps, through {@link DeltaTable#rows}. */
    private static List<Map<String, Object>> rows(DeltaTable table, Long version) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (DeltaTable.RowIterator it = table.rows(table.snapshot(version))) {
            String[] names = it.schema().names().toArray(String[]::new);
            while (it.hasNext()) {
                Object[] row = it.next();
                assertThat(row).hasSize(names.length);
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    m.put(names[i], row[i]);
                }
                out.add(m);
            }
        }
        return out;
    }

    /** Rows by their id; fails on a duplicate key. */
    private static Map<Long, Map<String, Object>> rowsById(DeltaTable table, Long version) throws IOException {
        Map<Long, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> row : rows(table, version)) {
            Long id = (Long) row.get("id");
            assertThat(out.put(id, row)).as("key %d appears once in version %s", id, version).isNull();
        }
        return out;
    }

    /** Rows read by the tests' independent {@link DeltaLogReader} (no Kernel), in the value classes of {@link ColumnTypes}. */
    private static Map<Long, Map<String, Object>> independentRows(DeltaTable table, Long version) {
        DeltaLogReader log = DeltaLogReader.forTable(LakeStorage.hadoopConfiguration(), table.path());
        DeltaLogReader.Snapshot snapshot = version == null ? log.latest() : log.snapshot(version);
        Map<Long, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> m : snapshot.rows()) {
            Long id = (Long) m.get("id");
            assertThat(out.put(id, m)).as("independent reader: key %d appears once", id).isNull();
        }
        return out;
    }

    private Path tableDir(String t) {
        return lakeDir.resolve("silver").resolve(t);
    }

    /** Parquet data files in the table folder (committed or not). */
    private Set<String> parquetOnDisk(String t) throws IOException {
        Path dir = tableDir(t);
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet"))
                    .collect(Collectors.toSet());
        }
    }

    private static Set<String> referenced(TableSnapshot snapshot) {
        return snapshot.getAllFiles().stream().map(io.lakehub.delta.DataFile::getPath).collect(Collectors.toCollection(HashSet::new));
    }

    private Path bronzeLoadDir(String t, int load) {
        return lakeDir.resolve("bronze/sql/" + t + String.format("/load=%06d", load));
    }

    /**
     * The complete bronze CSV of a load ({@code <t>-<runId>.csv}); a path that does not exist when there is none.
     * Fails when the folder holds more than one: after a commit only the committed attempt's file is left.
     */
    private Path bronzeFile(String t, int load) throws IOException {
        Path dir = bronzeLoadDir(t, load);
        if (!Files.isDirectory(dir)) {
            return dir.resolve(t + "-none.csv");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> csv = files.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(t)
                    + "-[0-9a-f-]{36}\\.csv")).toList();
            assertThat(csv).as("complete bronze files of load %d", load).hasSizeLessThanOrEqualTo(1);
            return csv.isEmpty() ? dir.resolve(t + "-none.csv") : csv.get(0);
        }
    }

    private List<CSVRecord> bronze(String t, int load) throws IOException {
        try (Reader in = Files.newBufferedReader(bronzeFile(t, load), StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            return parser.getRecords();
        }
    }

    private static List<String> csvIds(List<CSVRecord> records) {
        return records.stream().map(r -> r.get("id")).toList();
    }

    /** The bronze folder of a load holds exactly one complete CSV with the header and the given ids once each. */
    private void assertBronzeOnce(String t, int load, List<String> ids) throws IOException {
        try (Stream<Path> files = Files.list(bronzeLoadDir(t, load))) {
            assertThat(files.map(p -> p.getFileName().toString())).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .matches(java.util.regex.Pattern.quote(t) + "-[0-9a-f-]{36}\\.csv");
        }
        List<String> lines;
        try (Reader in = Files.newBufferedReader(bronzeFile(t, load), StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.RFC4180.parse(in)) {
            lines = parser.getRecords().stream().map(r -> String.join("|", r.values())).toList();
        }
        assertThat(lines.get(0)).isEqualTo("id|name|amount|qty|updated_at");
        assertThat(bronze(t, load)).extracting(r -> r.get("id")).containsExactlyElementsOf(ids);
        assertThat(lines).hasSize(ids.size() + 1);
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
