package io.lakehub.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A replication target that is a local (or mounted) folder. Staging folders are
 * {@code <root>/.staging/<replication id>/}, on the same file system as the replicas, so publishing is
 * one atomic rename of the staged folder to the destination ({@code ATOMIC_MOVE}, POSIX
 * {@code rename(2)}): a reader sees no replica or a complete one. A file system that cannot rename
 * atomically fails the publish rather than copying file by file. Thread-safe.
 */
public final class LocalFolderTarget implements ReplicaTarget {

    /** Name of the hidden folder under the root that holds staging folders. */
    public static final String STAGING = ".staging";

    private final String name;
    private final Path root;

    /**
     * @param name the configured target name
     * @param root the root folder (created on first use)
     * @throws IllegalArgumentException if {@code root} is blank
     */
    public LocalFolderTarget(String name, String root) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("replication target " + name + " (local) needs a root folder");
        }
        this.name = name;
        this.root = Paths.get(root).toAbsolutePath().normalize();
    }

    /** The root folder. */
    public Path root() {
        return root;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public String location(String destination) {
        return ReplicaPaths.resolveInside(root, destination).toUri().toString();
    }

    @Override
    public Path stagingFolder(String replicationId) throws IOException {
        Path staging = root.resolve(STAGING).resolve(ReplicaPaths.check(replicationId));
        ReplicaPaths.deleteRecursively(staging);
        Files.createDirectories(staging);
        return staging;
    }

    @Override
    public boolean exists(String destination) {
        return Files.exists(ReplicaPaths.resolveInside(root, destination));
    }

    @Override
    public void publish(Path staged, String destination, List<String> files) throws IOException {
        Path target = ReplicaPaths.resolveInside(root, destination);
        Files.createDirectories(target.getParent());
        try {
            // without REPLACE_EXISTING the rename fails if a replica appeared there meanwhile
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("target " + name + " cannot rename atomically from " + staged + " to its destination; "
                    + "put the target root on one file system", e);
        }
    }

    @Override
    public List<RemoteFile> list(String destination) throws IOException {
        Path folder = ReplicaPaths.resolveInside(root, destination);
        List<RemoteFile> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                out.add(new RemoteFile(folder.relativize(p).toString().replace('\\', '/'), Files.size(p)));
            }
        }
        return out;
    }

    @Override
    public InputStream open(String destination, String file) throws IOException {
        return Files.newInputStream(ReplicaPaths.resolveInside(ReplicaPaths.resolveInside(root, destination), file));
    }

    @Override
    public void replace(String destination, String file, byte[] content) throws IOException {
        Path target = ReplicaPaths.resolveInside(ReplicaPaths.resolveInside(root, destination), file);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(String destination, String file) throws IOException {
        Files.deleteIfExists(ReplicaPaths.resolveInside(ReplicaPaths.resolveInside(root, destination), file));
    }
}
