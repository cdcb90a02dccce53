package io.lakehub.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;

/**
 * A replication target that is an Azure Blob Storage container (Azurite in tests), written with the
 * Azure Storage Blob SDK.
 *
 * <p>Blob storage has no folder rename, so publishing uses the block blob commit protocol (Azure
 * "Put Block" / "Put Block List"): every file of the replica is first uploaded as uncommitted blocks
 * of {@value #BLOCK_BYTES} bytes, which no listing or read shows; only when all files are staged are
 * their block lists committed, data files first and the manifest ({@code _lineage.pending.json}) last. A crash before that
 * leaves only uncommitted blocks, which the service discards after a week; a failure during the commits
 * deletes the blobs already committed. Memory is bounded by one block. Thread-safe (the SDK client is).
 */
public final class BlobContainerTarget implements ReplicaTarget {

    /** Bytes per staged block. */
    public static final int BLOCK_BYTES = 4 * 1024 * 1024;

    private final String name;
    private final BlobContainerClient container;
    private final String prefix;
    private final Path stagingRoot;

    /**
     * @param name        the configured target name
     * @param config      container, optional path prefix, and a connection string or account name and key (with an optional endpoint)
     * @param stagingRoot local folder for staging folders
     * @throws IllegalArgumentException if the container or the credentials are missing
     */
    public BlobContainerTarget(String name, ReplicationProperties.Target config, Path stagingRoot) {
        this(name, client(name, config), config.getPath(), stagingRoot);
    }

    BlobContainerTarget(String name, BlobContainerClient container, String path, Path stagingRoot) {
        this.name = name;
        this.container = container;
        this.prefix = path == null || path.isBlank() ? "" : ReplicaPaths.check(path) + "/";
        this.stagingRoot = stagingRoot;
    }

    private static BlobContainerClient client(String name, ReplicationProperties.Target c) {
        if (c.getContainer() == null || c.getContainer().isBlank()) {
            throw new IllegalArgumentException("replication target " + name + " (blob) needs a container");
        }
        BlobServiceClientBuilder b = new BlobServiceClientBuilder();
        if (c.getConnectionString() != null && !c.getConnectionString().isBlank()) {
            b.connectionString(c.getConnectionString());
        } else if (c.getAccountName() != null && !c.getAccountName().isBlank() && c.getAccountKey() != null
                && !c.getAccountKey().isBlank()) {
            b.endpoint(c.getEndpoint() == null || c.getEndpoint().isBlank()
                    ? "https://" + c.getAccountName() + ".blob.core.windows.net" : c.getEndpoint());
            b.credential(new StorageSharedKeyCredential(c.getAccountName(), c.getAccountKey()));
        } else {
            throw new IllegalArgumentException("replication target " + name + " (blob) needs connection-string, or "
                    + "account-name and account-key (from the environment)");
        }
        return b.buildClient().getBlobContainerClient(c.getContainer());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "blob";
    }

    @Override
    public String location(String destination) {
        return container.getBlobContainerUrl() + "/" + blobPrefix(destination);
    }

    private String blobPrefix(String destination) {
        return prefix + ReplicaPaths.check(destination) + "/";
    }

    @Override
    public Path stagingFolder(String replicationId) throws IOException {
        Path staging = stagingRoot.resolve("lakehub-replication").resolve(ReplicaPaths.check(replicationId));
        ReplicaPaths.deleteRecursively(staging);
        Files.createDirectories(staging);
        return staging;
    }

    @Override
    public boolean exists(String destination) {
        if (!container.exists()) {
            return false;
        }
        return container.listBlobs(new ListBlobsOptions().setPrefix(blobPrefix(destination)).setMaxResultsPerPage(1), null)
                .iterator().hasNext();
    }

    @Override
    public void publish(Path staged, String destination, List<String> files) throws IOException {
        container.createIfNotExists();
        String base = blobPrefix(destination);
        Map<BlockBlobClient, List<String>> blocks = new LinkedHashMap<>();
        for (String file : files) {
            BlockBlobClient blob = container.getBlobClient(base + file).getBlockBlobClient();
            blocks.put(blob, stage(blob, staged.resolve(file)));
        }
        List<BlockBlobClient> committed = new ArrayList<>();
        try {
            for (Map.Entry<BlockBlobClient, List<String>> e : blocks.entrySet()) {
                // overwrite=false: a replica written there meanwhile makes this fail instead of mixing files
                e.getKey().commitBlockList(e.getValue(), false);
                committed.add(e.getKey());
            }
        } catch (RuntimeException e) {
            for (BlockBlobClient blob : committed) {
                try {
                    blob.deleteIfExists();
                } catch (RuntimeException ignored) {
                    // reported through the original failure; an orphan blob lacks _lineage.json
                }
            }
            throw new IOException("publishing to blob target " + name + " failed: " + e.getMessage(), e);
        }
    }

    private static List<String> stage(BlockBlobClient blob, Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        byte[] buffer = new byte[BLOCK_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                // block ids of one blob must all have the same length (Put Block)
                String id = Base64.getEncoder().encodeToString(String.format("block-%08d", ids.size())
                        .getBytes(StandardCharsets.US_ASCII));
                blob.stageBlock(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, n)));
                ids.add(id);
            }
        } catch (RuntimeException e) {
            throw new IOException("staging " + file.getFileName() + " in blob target failed: " + e.getMessage(), e);
        }
        return ids;
    }

    @Override
    public List<RemoteFile> list(String destination) throws IOException {
        String base = blobPrefix(destination);
        List<RemoteFile> out = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(base), null)) {
                out.add(new RemoteFile(item.getName().substring(base.length()), item.getProperties().getContentLength()));
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot list blob target " + name + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    @Override
    public InputStream open(String destination, String file) throws IOException {
        try {
            return container.getBlobClient(blobPrefix(destination) + file).openInputStream();
        } catch (RuntimeException e) {
            throw new IOException("cannot read " + file + " from blob target " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void replace(String destination, String file, byte[] content) throws IOException {
        try {
            container.getBlobClient(blobPrefix(destination) + file).upload(BinaryData.fromBytes(content), true);
        } catch (RuntimeException e) {
            throw new IOException("cannot write " + file + " to blob target " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String destination, String file) throws IOException {
        try {
            container.getBlobClient(blobPrefix(destination) + file).deleteIfExists();
        } catch (RuntimeException e) {
            throw new IOException("cannot delete " + file + " from blob target " + name + ": " + e.getMessage(), e);
        }
    }
}
