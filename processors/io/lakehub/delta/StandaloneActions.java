package io.lakehub.delta;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.actions.AddFile;

/**
 * The bridge between lakehub's {@link DataFile} and delta-standalone's {@code AddFile}, for the commit paths
 * that still write through delta-standalone. Package-private: callers outside {@code io.lakehub.delta} see
 * {@link DataFile} only.
 *
 * <p>A {@link DataFile} holds its statistics as plain JSON text (as the log stores them); delta-standalone's
 * {@code AddFile.Builder.stats} copies its value into the log as raw JSON, so {@link #add} quotes the text as a
 * JSON string literal, which makes {@code add.stats} a string holding JSON as the Delta protocol wants it.
 */
final class StandaloneActions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StandaloneActions() {
    }

    /** The {@code add} action ({@code dataChange=true}) of a data file a writer has just written. */
    static AddFile add(DataFile file) {
        return add(file, true);
    }

    /** The {@code add} action of a data file, with {@code dataChange} as given. */
    static AddFile add(DataFile file, boolean dataChange) {
        AddFile.Builder b = AddFile.builder(file.path(), new HashMap<>(file.partitionValues()), file.size(),
                file.modificationTime(), dataChange);
        if (file.stats() != null) {
            b = b.stats(quoted(file.stats()));
        }
        return b.build();
    }

    /** {@link #add(DataFile)} of each file, in order. */
    static List<AddFile> adds(Collection<DataFile> files) {
        List<AddFile> out = new ArrayList<>(files.size());
        for (DataFile f : files) {
            out.add(add(f));
        }
        return out;
    }

    /** The lakehub data file of a standalone {@code add} action (statistics as plain JSON; no deletion vector). */
    static DataFile file(AddFile add) {
        return new DataFile(add.getPath(), add.getPartitionValues() == null ? java.util.Map.of() : add.getPartitionValues(),
                add.getSize(), add.getModificationTime(), FileStats.unquote(add.getStats()), null);
    }

    private static String quoted(String stats) {
        if (stats.startsWith("\"")) {
            return stats;
        }
        try {
            return JSON.writeValueAsString(stats);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot quote file statistics", e);
        }
    }
}
