package io.lakehub.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A named place replicas are written to: a local folder, an Azure Blob container or an ADLS Gen2 file
 * system. A replica is a folder (its <em>destination</em>, a checked relative path below the target's
 * root, see {@link ReplicaPaths}) holding data files, for Delta a {@code _delta_log/}, and
 * its manifest: {@code _lineage.pending.json} until validation passes, then {@code _lineage.json}
 * ({@link ReplicationSteps#LINEAGE}: present means validated).
 *
 * <p>A replica is first built completely in a local staging folder, then {@link #publish published}
 * in one step that makes it visible: an atomic folder rename where the store has one (local folder,
 * ADLS Gen2 with hierarchical namespace), otherwise (Blob) uncommitted blocks that become blobs only
 * when their block lists are committed, data files first and the manifest last; {@code _lineage.json}
 * is written only after validation, so a reader that waits for it never sees a partial or unvalidated replica. Implementations are thread-safe.
 */
public interface ReplicaTarget {

    /**
     * A file of a replica as the target lists it.
     *
     * @param name the path relative to the replica folder, {@code /}-separated, e.g. {@code _delta_log/00000000000000000000.json}
     * @param size its length in bytes
     */
    record RemoteFile(String name, long size) {
    }

    /** The configured name of the target. */
    String name();

    /** {@code local}, {@code blob} or {@code adls}. */
    String type();

    /** Where a destination lives, for records and mails, without any credential (e.g. {@code blob://replicas/silver/x}). */
    String location(String destination);

    /**
     * A new empty local folder to build the replica of {@code replicationId} in: for a local target a
     * hidden folder under the target root (same file system, so the publishing rename is atomic),
     * otherwise under the staging directory. An earlier staging folder of the same replication is removed first.
     *
     * @throws IOException if it cannot be created
     */
    Path stagingFolder(String replicationId) throws IOException;

    /**
     * Whether anything exists at the destination.
     *
     * @throws IOException if the target cannot be reached
     */
    boolean exists(String destination) throws IOException;

    /**
     * Makes a staged replica visible at the destination, which must not exist.
     *
     * @param staged the staging folder, complete
     * @param destination the checked relative destination
     * @param files the staged files in commit order (last: the manifest), relative {@code /}-separated names
     * @throws IOException if publishing fails; what was made visible is removed again where possible
     */
    void publish(Path staged, String destination, List<String> files) throws IOException;

    /**
     * The files of a published replica, with their sizes, sorted by name.
     *
     * @throws IOException if the target cannot be listed
     */
    List<RemoteFile> list(String destination) throws IOException;

    /**
     * Opens one file of a published replica for reading.
     *
     * @param file a name as {@link #list} returns it
     * @throws IOException if it cannot be opened
     */
    InputStream open(String destination, String file) throws IOException;

    /**
     * Replaces one small file of a published replica (the lineage manifest after validation), atomically where the store allows.
     *
     * @throws IOException if it cannot be written
     */
    void replace(String destination, String file, byte[] content) throws IOException;

    /**
     * Removes one file of a published replica (the pending manifest once {@code _lineage.json} is written);
     * a file that is not there is no error.
     *
     * @throws IOException if it cannot be removed
     */
    void delete(String destination, String file) throws IOException;

    /** Removes a staging folder (best effort). */
    default void discardStaging(Path staged) {
        ReplicaPaths.deleteRecursively(staged);
    }
}
