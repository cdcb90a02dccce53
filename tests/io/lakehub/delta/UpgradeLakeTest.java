package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.testsupport.ItemsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrade in place: {@code tests/resources/upgrade-lake/} is a lake the hub wrote with its delta-standalone
 * writer (the writer of main before issue 13): table {@code items} loaded by the sql loader from H2 in 13
 * loads (INT96 timestamps, a {@code txn} per load, the watermark in the table properties, a checkpoint at
 * version 10) and tag {@code first} on version 0 (a SET TBLPROPERTIES commit). The Kernel reader reads
 * every version of it, and the loader goes on loading into it from its own progress: no row loaded twice,
 * nothing loaded again.
 *
 * <p>To write the resource again (only with the writer of main): {@code ./mvnw test -Dtest=UpgradeLakeTest
 * -Dlakehub.upgradeLake.write=$PWD/tests/resources/upgrade-lake}.
 */
class UpgradeLakeTest {

    static final String TABLE = "items";

    @TempDir
    Path dir;

    /** The source history the resource was loaded from; {@code load} false replays it into a new source only. */
    static ItemsTable history(LakeStorage lake, boolean load) throws Exception {
        ItemsTable items = new ItemsTable(lake, TABLE);
        items.insert(1, 2, 3);
        if (load) {
            items.load(); // v0
            new TableTags(items.table()).set("first", 0L, false); // v1
        }
        for (long id = 4; id <= 13; id++) {
            items.insert(id);
            if (load) {
                items.load(); // v2..v11, checkpoint at v10
            }
        }
        items.rename(2, "two");
        if (load) {
            items.load(); // v12
        }
        return items;
    }

    @Test
    @EnabledIfSystemProperty(named = "lakehub.upgradeLake.write", matches = ".+")
    void writeTheResource() throws Exception {
        Path target = Paths.get(System.getProperty("lakehub.upgradeLake.write"));
        assertThat(target.resolve("silver")).as("write into an empty folder").doesNotExist();
        history(new LakeStorage(target.toString()), true);
    }

    private static Path resource() throws URISyntaxException {
        return Paths.get(UpgradeLakeTest.class.getClassLoader().getResource("upgrade-lake/silver/items/_delta_log").toURI())
                .getParent().getParent().getParent();
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Object[]> rows(TableSnapshot s) throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (VersionRows it = s.rows()) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    @Test
    void aLakeWrittenByTheStandaloneWriterIsReadAndLoadedIntoWithoutDuplicatesOrReload() throws Exception {
        copy(resource(), dir.resolve("lake"));
        LakeStorage lake = new LakeStorage(dir.resolve("lake").toString());
        DeltaTable table = new DeltaTable(lake, TABLE);
        TableSnapshot before = table.latest();
        assertThat(before.version()).isEqualTo(12);
        assertThat(Files.exists(Path.of(table.path().toUri()).resolve("_delta_log/00000000000000000010.checkpoint.parquet")))
                .isTrue();
        assertThat(before.protocol()).containsEntry("minReaderVersion", 1).containsEntry("minWriterVersion", 2);
        for (long v = 0; v <= 12; v++) {
            long expected = v <= 1 ? 3 : Math.min(13, v + 2); // v2..v11 add ids 4..13 one by one
            assertThat(rows(table.snapshot(v))).as("version %d", v).hasSize((int) expected);
        }
        assertThat(new TableVersions(table).resolve(TableVersions.Selector.of(null, "first", null)).version()).isZero();
        Object[] two = rows(before).stream().filter(r -> (Long) r[0] == 2L).findFirst().orElseThrow();
        assertThat(two[1]).isEqualTo("two");
        assertThat(two[3]).as("an INT96 timestamp read by Kernel").isInstanceOf(java.time.Instant.class);
        Map<String, String> props = before.properties();

        ItemsTable source = history(lake, false);
        SqlIncrementalLoader.LoadResult nothing = source.loadResult();
        assertThat(nothing.inserted()).as("nothing is loaded again").isZero();
        assertThat(nothing.rows()).as("at most the watermark's own row is re-read").isLessThanOrEqualTo(1);
        source.insert(14, 15);
        SqlIncrementalLoader.LoadResult next = source.loadResult();
        assertThat(next.inserted()).isEqualTo(2);
        TableSnapshot after = table.latest();
        List<Object[]> rows = rows(after);
        Set<Long> ids = new HashSet<>();
        rows.forEach(r -> ids.add((Long) r[0]));
        assertThat(rows).as("no duplicate").hasSize(15).hasSize(ids.size());
        assertThat(after.properties()).as("the tag is kept").containsEntry("lakehub.tag.first", props.get("lakehub.tag.first"));
    }
}
