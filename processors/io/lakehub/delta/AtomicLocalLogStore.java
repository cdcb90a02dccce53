package io.lakehub.delta;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;

import io.delta.storage.HDFSLogStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Delta log store of a local lake that keeps commits mutually exclusive across processes: two hub
 * instances (one consumer group, one folder) that commit version N at once get one winner and one
 * {@link java.nio.file.FileAlreadyExistsException}, which Delta Kernel reports as a conflicting commit
 * ({@link DeltaCommit} then plans it again at N+1).
 *
 * <p>Why: the Delta protocol ("Delta Log Entries", "Optimistic Concurrency Control") requires that
 * {@code _delta_log/<version>.json} is created atomically and only if absent ("put-if-absent"). Delta's
 * {@link HDFSLogStore} gets that on HDFS from {@code rename} without overwrite, but on a local file
 * system it checks {@code exists} and then renames, holding only a lock inside its own JVM; POSIX
 * {@code rename(2)} replaces the target, so a second process can silently overwrite a commit that was
 * already acknowledged. Here the entry is written to a temporary file, forced to disk, and published
 * with a hard link ({@code link(2)}), which fails atomically when the target exists. Reads and listing
 * are HDFSLogStore's. Configured for the {@code file} scheme by {@link LakeStorage#hadoopConfiguration()}
 * ({@code io.delta.kernel.logStore.file.impl}, the setting Delta Kernel's default engine reads when it writes a
 * commit or {@code _last_checkpoint}, and {@code delta.logStore.file.impl}, delta-storage's own); other schemes
 * keep their default store (ADLS Gen2 renames without overwrite atomically).
 *
 * <p>Overwrites ({@code _last_checkpoint}) are an atomic replacing rename. A file system without hard
 * links (FAT) fails the commit with an {@link IOException} rather than risk a lost commit.
 */
public class AtomicLocalLogStore extends HDFSLogStore {

    /** @param initHadoopConf the Hadoop configuration the Delta engine opens the table with */
    public AtomicLocalLogStore(Configuration initHadoopConf) {
        super(initHadoopConf);
    }

    /**
     * Writes one log entry, one action per line.
     *
     * @param path      the entry, e.g. {@code .../_delta_log/00000000000000000007.json}
     * @param actions   JSON lines without line ends
     * @param overwrite whether an existing entry may be replaced ({@code _last_checkpoint}); false for commits
     * @throws java.nio.file.FileAlreadyExistsException if {@code overwrite} is false and the entry exists
     *                                                  (another writer committed that version first)
     * @throws IOException                              if the folder cannot be written
     */
    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf) throws IOException {
        FileSystem fs = path.getFileSystem(hadoopConf);
        RawLocalFileSystem raw = fs instanceof RawLocalFileSystem r ? r
                : fs instanceof LocalFileSystem l && l.getRawFileSystem() instanceof RawLocalFileSystem r2 ? r2 : null;
        if (raw == null) {
            super.write(path, actions, overwrite, hadoopConf);
            return;
        }
        java.nio.file.Path target = raw.pathToFile(path).toPath();
        if (!overwrite && Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(path.toString());
        }
        try {
            Files.createDirectories(target.getParent());
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // a plain file where the log folder belongs: a broken table, not a concurrent commit (which
            // would be retried)
            throw new IOException(target.getParent() + " is not a folder", e);
        }
        java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                while (actions.hasNext()) {
                    out.write((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                channel.force(true);
            }
            if (overwrite) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    Files.createLink(target, temp);
                } catch (UnsupportedOperationException e) {
                    throw new IOException("the lake's file system has no hard links: cannot commit " + path
                            + " atomically (use a local file system such as ext4, xfs, APFS or NTFS)", e);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
