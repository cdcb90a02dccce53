package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.TableSnapshot;
import io.lakehub.testsupport.ItemsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diff counts against a hand-checked history of {@code items}, keyed by {@code id}:
 * <pre>
 * v0  WRITE  1..5
 * v1  MERGE  2 renamed, 6 inserted
 * v2  MERGE  3 loaded again with identical values (a rewrite, not a change)
 * v3  MERGE  4 renamed, 7 inserted
 * </pre>
 */
class VersionDiffTest {

    @TempDir
    Path dir;

    private ItemsTable history() throws Exception {
        ItemsTable items = new ItemsTable(new LakeStorage(dir.resolve("lake").toString()), "items");
        assertThat(items.insert(1, 2, 3, 4, 5).load()).isZero();
        assertThat(items.rename(2, "two").insert(6).load()).isEqualTo(1);
        assertThat(items.reload(3)).isEqualTo(2);
        assertThat(items.rename(4, "four").insert(7).load()).isEqualTo(3);
        return items;
    }

    private static VersionDiff.Result diff(DeltaTable table, long from, long to) throws Exception {
        TableSnapshot a = table.snapshot(from);
        TableSnapshot b = table.snapshot(to);
        return VersionDiff.compare(table, a, b, VersionDiff.keyColumns(a, b, null), true);
    }

    @Test
    void countsAndKeysMatchTheHandCheckedHistory() throws Exception {
        DeltaTable table = history().table();

        VersionDiff.Result d01 = diff(table, 0, 1);
        assertThat(List.of(d01.inserted(), d01.updated(), d01.deleted())).containsExactly(1L, 1L, 0L);
        assertThat(d01.keys().inserted()).containsExactly(6L);
        assertThat(d01.keys().updated()).containsExactly(2L);
        assertThat(d01.copied()).as("1, 3, 4, 5 rewritten unchanged").isEqualTo(4);

        VersionDiff.Result d12 = diff(table, 1, 2);
        assertThat(List.of(d12.inserted(), d12.updated(), d12.deleted())).as("identical values are no update")
                .containsExactly(0L, 0L, 0L);
        assertThat(d12.copied()).isGreaterThanOrEqualTo(1);
        assertThat(d12.filesFrom() + d12.filesTo()).as("files both versions share are not read")
                .isLessThan(table.snapshot(1L).getAllFiles().size() + table.snapshot(2L).getAllFiles().size());

        VersionDiff.Result d03 = diff(table, 0, 3);
        assertThat(List.of(d03.inserted(), d03.updated(), d03.deleted())).containsExactly(2L, 2L, 0L);
        assertThat(d03.keys().inserted()).containsExactly(6L, 7L);
        assertThat(d03.keys().updated()).containsExactly(2L, 4L);
        assertThat(d03.keys().deleted()).isEmpty();
        assertThat(d03.keys().truncated()).isFalse();
        assertThat(d03.keyColumns()).as("from the lakehub.keys property the loader writes").containsExactly("id");

        VersionDiff.Result d30 = diff(table, 3, 0);
        assertThat(List.of(d30.inserted(), d30.updated(), d30.deleted())).as("backwards, inserts become deletes")
                .containsExactly(0L, 2L, 2L);
        assertThat(d30.keys().deleted()).containsExactly(6L, 7L);

        VersionDiff.Result same = diff(table, 2, 2);
        assertThat(List.of(same.inserted(), same.updated(), same.deleted(), same.copied())).containsOnly(0L);
        assertThat(same.filesFrom() + same.filesTo()).isZero();
    }

    @Test
    void keyColumnsComeFromTheTableOrTheCaller() throws Exception {
        DeltaTable table = history().table();
        TableSnapshot a = table.snapshot(0L);
        TableSnapshot b = table.snapshot(1L);
        assertThat(VersionDiff.keyColumns(a, b, List.of("ID"))).as("as the schema spells it").containsExactly("id");
        assertThatThrownBy(() -> VersionDiff.keyColumns(a, b, List.of("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope' is not a column");

        // keyed by name instead, a rename is a delete plus an insert
        VersionDiff.Result byName = VersionDiff.compare(table, a, b, List.of("name"), true);
        assertThat(byName.keys().inserted()).containsExactly("item6", "two");
        assertThat(byName.keys().deleted()).containsExactly("item2");

        VersionDiff.Result composite = VersionDiff.compare(table, a, b, List.of("id", "name"), true);
        assertThat(composite.keys().inserted()).containsExactly(Map.of("id", 2L, "name", "two"),
                Map.of("id", 6L, "name", "item6"));
    }

    @Test
    void aTableWithoutKeysNeedsThemFromTheCaller() {
        TableSchema schema = TableSchema.of(new Column("id", ColumnType.LONG));
        TableSnapshot s = org.mockito.Mockito.mock(TableSnapshot.class);
        org.mockito.Mockito.when(s.schema()).thenReturn(schema);
        org.mockito.Mockito.when(s.properties()).thenReturn(Map.of());
        assertThatThrownBy(() -> VersionDiff.keyColumns(s, s, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyColumns=a,b");
        assertThat(VersionDiff.keyColumns(s, s, List.of("id"))).containsExactly("id");
    }
}
