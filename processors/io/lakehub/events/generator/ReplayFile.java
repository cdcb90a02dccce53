package io.lakehub.events.generator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The lines of a JSON-lines file ({@code .jsonl}, or gzip-compressed {@code .jsonl.gz}), one event per
 * non-blank line, published unchanged in file order with no key (spread round-robin over partitions).
 * Streams the file: memory does not grow with its size. With {@code loop} the file starts over at its end.
 */
public final class ReplayFile implements EventSource {

    private final Path file;
    private final boolean loop;
    private BufferedReader reader;

    /**
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException         if it cannot be opened (or is not gzip while named {@code .gz})
     */
    public ReplayFile(Path file, boolean loop) throws IOException {
        this.file = file;
        this.loop = loop;
        this.reader = open();
    }

    private BufferedReader open() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "replay file not found (lakehub.events.generator.file)");
        }
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public GeneratedEvent next() throws IOException {
        boolean restarted = false;
        while (true) {
            String line = reader.readLine();
            if (line == null) {
                if (!loop || restarted) {
                    return null;
                }
                reader.close();
                reader = open();
                restarted = true;
                continue;
            }
            if (!line.isBlank()) {
                return new GeneratedEvent(null, line, null);
            }
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
