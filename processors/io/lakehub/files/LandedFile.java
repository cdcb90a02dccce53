package io.lakehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One file in a landing (a local folder, a Blob container, an ADLS Gen2 file system), as files-ingest
 * takes it: its name and version, a way to read it as a stream, and the two ways it leaves the landing
 * (archived after its silver commit, or deleted once copied to quarantine).
 *
 * <p>A remote file is pinned to the version that was listed: {@link #open} reads that version only
 * (an {@code If-Match: <etag>} condition, Azure "Specifying conditional headers for Blob service
 * operations"), and {@link #archive}/{@link #delete} remove that version only, so a file replaced while
 * it was being ingested stays in the landing and is taken again as the new version. Implementations
 * are immutable and thread-safe.
 */
public interface LandedFile {

    /** The landing's name ({@code lakehub.files.landings[].name}). */
    String landing();

    /** The file's own name, without folders: {@code title.basics.tsv.gz}; gives its kind and format. */
    String name();

    /** Where the file is, for logs, runs and lineage, without any secret: a local path or the blob's URL. */
    String location();

    /** Size in bytes. */
    long size();

    /** Last modification time. */
    Instant modified();

    /**
     * The version of the content, part of the file's idempotence key: the ETag of a blob or ADLS file
     * (it changes with every write), null for a local file (size and modification time stand for it).
     */
    String version();

    /**
     * A new stream over the whole file, of exactly this version; the caller closes it. Reads in chunks
     * (4 MiB for a blob), never the whole file into memory.
     *
     * @throws IOException if the file is gone, changed since it was listed, or unreadable
     */
    InputStream open() throws IOException;

    /**
     * Moves the file to the landing's archive, {@code <archive>/<yyyy-MM-dd>/<path under the prefix>}
     * ({@code <runId>-<name>} when that is taken). Called only after the file's silver commit.
     *
     * @return where the file is now
     * @throws IOException if the move fails; the file then stays and is read again (and found already committed)
     */
    String archive(String runId) throws IOException;

    /**
     * Removes the file from the landing (after it was copied to quarantine).
     *
     * @throws IOException if it cannot be removed
     */
    void delete() throws IOException;

    /**
     * The archive path of a remote file: {@code <archive-prefix>/<yyyy-MM-dd>/<path under the prefix>}, the file name as {@code <runId>-<name>} when {@code taken}.
     */
    static String archivePath(String archivePrefix, String relative, String runId, boolean taken) {
        String folder = archivePrefix + LocalDate.now(ZoneOffset.UTC) + "/";
        if (!taken) {
            return folder + relative;
        }
        int slash = relative.lastIndexOf('/');
        return folder + relative.substring(0, slash + 1) + runId + "-" + relative.substring(slash + 1);
    }

}
