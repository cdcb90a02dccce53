package io.lakehub.events.generator;

import java.io.IOException;

/** What the generator publishes, one event at a time. Not thread-safe; one per run. */
public interface EventSource extends AutoCloseable {

    /**
     * @return the next event, or null when the source has no more (the end of a replayed file)
     * @throws IOException if a replayed file cannot be read
     */
    GeneratedEvent next() throws IOException;

    @Override
    void close() throws IOException;
}
