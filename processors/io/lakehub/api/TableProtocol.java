package io.lakehub.api;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The Delta protocol a table version needs (PROTOCOL.md "Protocol Evolution").
 *
 * @param minReaderVersion the reader version a client must support
 * @param minWriterVersion the writer version a client must support
 * @param readerFeatures   the table features a reader must support, sorted; absent below reader version 3
 * @param writerFeatures   the table features a writer must support, sorted; absent below writer version 7
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableProtocol(int minReaderVersion, int minWriterVersion, Set<String> readerFeatures,
                            Set<String> writerFeatures) {

    /** From {@link io.lakehub.delta.TableSnapshot#protocol()}'s map. */
    static TableProtocol of(Map<String, Object> m) {
        return new TableProtocol(((Number) m.get("minReaderVersion")).intValue(),
                ((Number) m.get("minWriterVersion")).intValue(), features(m.get("readerFeatures")),
                features(m.get("writerFeatures")));
    }

    private static Set<String> features(Object v) {
        if (v == null) {
            return null;
        }
        Set<String> out = new TreeSet<>();
        for (Object f : (Collection<?>) v) {
            out.add(String.valueOf(f));
        }
        return out;
    }
}
