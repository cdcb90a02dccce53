package io.lakehub.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

class LoadKeysTest {

    @Test
    void integerKeysAreFoundAndRangesPruneFiles() {
        LoadKeys keys = new LoadKeys(ColumnType.LONG, false);
        for (long k : new long[] {42, 7, 1_000_000_000_000L, -3}) {
            keys.add(k);
        }
        keys.seal();
        assertThat(keys.size()).isEqualTo(4);
        assertThat(keys.contains(7L)).isTrue();
        assertThat(keys.contains(8L)).isFalse();
        assertThat(keys.anyFirstKeyBetween(8L, 41L)).isFalse();
        assertThat(keys.anyFirstKeyBetween(8L, 42L)).isTrue();
        assertThat(keys.anyFirstKeyBetween(-10L, -3L)).isTrue();
        assertThat(keys.anyFirstKeyBetween(1_000_000_000_001L, Long.MAX_VALUE)).isFalse();
    }

    @Test
    void intColumnKeysCompareWithIntegerStatistics() {
        LoadKeys keys = new LoadKeys(ColumnType.INTEGER, false);
        keys.add(5);
        keys.seal();
        assertThat(keys.contains(5)).isTrue();
        assertThat(keys.anyFirstKeyBetween(1, 5)).isTrue();
        assertThat(keys.anyFirstKeyBetween(6, 9)).isFalse();
    }

    @Test
    void duplicateIntegerKeyIsReportedWhenSealed() {
        LoadKeys keys = new LoadKeys(ColumnType.LONG, false);
        keys.add(1L);
        keys.add(2L);
        keys.add(1L);
        assertThatThrownBy(keys::seal).hasMessageContaining("key 1 twice");
    }

    @Test
    void otherKeysAreCheckedAsTheyArrive() {
        LoadKeys strings = new LoadKeys(ColumnType.STRING, false);
        strings.add("b");
        assertThatThrownBy(() -> strings.add("b")).hasMessageContaining("key b twice");
        strings.seal();
        assertThat(strings.anyFirstKeyBetween("a", "c")).isTrue();
        assertThat(strings.anyFirstKeyBetween("c", "z")).isFalse();

        LoadKeys composite = new LoadKeys(ColumnType.DATE, true);
        composite.add(List.of(LocalDate.of(2015, 12, 1), 3));
        composite.seal();
        assertThat(composite.contains(List.of(LocalDate.of(2015, 12, 1), 3))).isTrue();
        assertThat(composite.contains(List.of(LocalDate.of(2015, 12, 1), 4))).isFalse();
        assertThat(composite.anyFirstKeyBetween(LocalDate.of(2015, 1, 1), LocalDate.of(2015, 12, 31))).isTrue();
    }
}
