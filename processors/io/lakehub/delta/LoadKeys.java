package io.lakehub.delta;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;


/**
 * The set of keys of one load, for the MERGE: membership while rewriting files and the smallest key
 * at or above a file's key minimum while pruning files by their statistics.
 *
 * <p>A single integer or long key column (the common case) is kept as a sorted {@code long[]}: 8 bytes
 * a key instead of a hash-set entry and a boxed value (about 60), so a million-key load costs 8 MB
 * and little garbage collection; duplicates are found when the set is {@link #seal() sealed}. Other
 * keys (strings, decimals, dates, composite keys as {@code List}s) use a hash set and are checked
 * for duplicates as they are added.
 *
 * <p>Fill from one thread, {@link #seal()}, then read from any number of threads.
 */
public final class LoadKeys {

    private final boolean primitive;
    private final Set<Object> objects;
    private long[] longs;
    private int size;
    private boolean sealed;
    private NavigableSet<Object> firstKeys;

    /**
     * @param firstKeyType the type of the first key column
     * @param composite    whether the key has several columns
     */
    public LoadKeys(ColumnType firstKeyType, boolean composite) {
        this.primitive = !composite && (firstKeyType == ColumnType.LONG || firstKeyType == ColumnType.INTEGER);
        this.objects = primitive ? null : new HashSet<>();
        this.longs = primitive ? new long[1024] : null;
    }

    /**
     * Adds a non-null key.
     *
     * @throws IllegalStateException for a non-primitive key seen before, or after {@link #seal()}
     */
    public void add(Object key) {
        if (sealed) {
            throw new IllegalStateException("keys are sealed");
        }
        if (primitive) {
            if (size == longs.length) {
                longs = Arrays.copyOf(longs, longs.length + (longs.length >> 1));
            }
            longs[size++] = ((Number) key).longValue();
        } else {
            if (!objects.add(key)) {
                throw duplicate(key);
            }
            size++;
        }
    }

    /**
     * Ends adding: sorts primitive keys and checks them for duplicates. Idempotent.
     *
     * @throws IllegalStateException naming a key that was added twice
     */
    public void seal() {
        if (sealed) {
            return;
        }
        if (primitive) {
            longs = Arrays.copyOf(longs, size);
            Arrays.sort(longs);
            for (int i = 1; i < size; i++) {
                if (longs[i] == longs[i - 1]) {
                    throw duplicate(longs[i]);
                }
            }
        }
        sealed = true;
    }

    private static IllegalStateException duplicate(Object key) {
        return new IllegalStateException("the source returned key " + key
                + " twice in one load; the key columns must identify a row");
    }

    /** Keys added. */
    public int size() {
        return size;
    }

    /** Whether {@code key} (a value, or a {@code List} for a composite key) is in the set. Needs {@link #seal()}. */
    public boolean contains(Object key) {
        if (primitive) {
            return key instanceof Number n && Arrays.binarySearch(longs, 0, size, n.longValue()) >= 0;
        }
        return objects.contains(key);
    }

    /**
     * Whether some key's first column lies in {@code [low, high]}: whether a file whose first-key
     * statistics are that range may hold an incoming key. Needs {@link #seal()}.
     */
    public synchronized boolean anyFirstKeyBetween(Object low, Object high) {
        if (primitive) {
            long lo = ((Number) low).longValue();
            int i = Arrays.binarySearch(longs, 0, size, lo);
            if (i < 0) {
                i = -i - 1;
            }
            return i < size && longs[i] <= ((Number) high).longValue();
        }
        if (firstKeys == null) {
            firstKeys = new TreeSet<>(ColumnTypes::compare);
            for (Object key : objects) {
                firstKeys.add(key instanceof List<?> l ? l.get(0) : key);
            }
        }
        Object ceiling = firstKeys.ceiling(low);
        return ceiling != null && ColumnTypes.compare(ceiling, high) <= 0;
    }
}
