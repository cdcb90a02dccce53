package io.lakehub.events.generator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.IntToLongFunction;
import java.util.zip.GZIPInputStream;

import io.lakehub.events.EventRecord;

/**
 * The lines of a JSON-lines file ({@code .jsonl}, or gzip-compressed {@code .jsonl.gz}), one event per
 * non-blank line, published unchanged in file order with no key. Streams the file: memory does not grow
 * with its size. With {@code loop} the file starts over at its end.
 *
 * <p><b>Stable positions, so a restarted replay resumes</b> (DESIGN.md invariants 2 and 3). Each line
 * has a position that is the same on every run: {@code pass << 32 | line}, with {@code line} the 1-based
 * line number in the file (blank lines count, they are not published) and {@code pass} 0, or the loop
 * count of a looping replay. Line {@code n} always goes to partition {@code (n - 1) mod partitions}, so
 * each partition receives its lines in position order. The events carry the replay's identity
 * ({@link #id}, the file name) and the position to the lander, which commits, per partition, the last
 * replayed position in silver as {@code txn} app id {@code lakehub-events-<hub>-replay-<id>-<partition>},
 * in the same commit as the rows. A new run is given those committed positions and skips every line at or
 * below its partition's: it publishes exactly the lines no commit holds, so a replay stopped anywhere
 * (the hub stopped or killed mid-file) and started again lands every line once. The lander skips a line
 * at or below its committed position too, so lines a broker still held from the earlier run are not
 * landed twice either.
 *
 * <p>Limits: the identity is the file name, so a different file of the same name continues where the
 * first one stopped (rename it to replay it as new); the partition count must stay the same between
 * runs of one replay; lines beyond 2^32 - 1 per file are not supported. Not thread-safe; one per run.
 */
public final class ReplayFile implements EventSource {

    private final Path file;
    private final boolean loop;
    private final String id;
    private final int partitions;
    private final long[] committed;
    private BufferedReader reader;
    private long pass;
    private long line;
    private boolean nonBlankThisPass;
    /** Written by the run thread only, read by status(). */
    private volatile long skipped;

    /** A replay to one partition with nothing committed yet (every line is published). */
    public ReplayFile(Path file, boolean loop) throws IOException {
        this(file, loop, 1, p -> -1L);
    }

    /**
     * @param file       the JSON-lines file
     * @param loop       start over at the end of the file
     * @param partitions partitions of the transport (1 or more); line {@code n} goes to {@code (n - 1) mod partitions}
     * @param committed  a partition's last committed position of this replay ({@code txn} version of
     *                   {@code lakehub-events-<hub>-replay-<id>-<partition>}), -1 if none; asked once per partition
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException         if it cannot be opened (or is not gzip while named {@code .gz})
     * @throws IllegalArgumentException if partitions is below 1
     */
    public ReplayFile(Path file, boolean loop, int partitions, IntToLongFunction committed) throws IOException {
        if (partitions < 1) {
            throw new IllegalArgumentException("a replay needs at least one partition: " + partitions);
        }
        this.file = file;
        this.loop = loop;
        this.id = id(file);
        this.partitions = partitions;
        this.committed = new long[partitions];
        long firstPass = Long.MAX_VALUE;
        for (int p = 0; p < partitions; p++) {
            this.committed[p] = committed.applyAsLong(p);
            firstPass = Math.min(firstPass, this.committed[p] < 0 ? 0 : this.committed[p] >>> 32);
        }
        // a looping replay resumes in the earliest pass some partition has not finished
        this.pass = loop ? firstPass : 0;
        this.reader = open();
    }

    /**
     * The stable identity of the replay of a file: its file name, with characters other than
     * {@code [A-Za-z0-9._-]} replaced by {@code _}.
     */
    public static String id(Path file) {
        return file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** This replay's identity ({@link #id(Path)}). */
    public String id() {
        return id;
    }

    /** Lines skipped so far because a commit already holds them (the resumed part of the file). */
    public long skipped() {
        return skipped;
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

    /**
     * @return the next line not yet committed, with its partition and position, or null at the end of
     *         the file (without {@code loop}, or when a whole pass had no line to publish)
     */
    @Override
    public GeneratedEvent next() throws IOException {
        while (true) {
            String text = reader.readLine();
            if (text == null) {
                if (!loop || !nonBlankThisPass) {
                    // the end, or a pass over a file of blank lines only (it would loop for ever)
                    return null;
                }
                reader.close();
                reader = open();
                pass++;
                line = 0;
                nonBlankThisPass = false;
                continue;
            }
            line++;
            if (text.isBlank()) {
                continue;
            }
            nonBlankThisPass = true;
            int partition = (int) ((line - 1) % partitions);
            long position = pass << 32 | line;
            if (position <= committed[partition]) {
                skipped++;
                continue;
            }
            return new GeneratedEvent(null, text, null, partition, new EventRecord.Replayed(id, position));
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
