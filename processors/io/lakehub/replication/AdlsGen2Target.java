package io.lakehub.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeDirectoryClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.ListPathsOptions;
import com.azure.storage.file.datalake.models.PathItem;

/**
 * A replication target that is an Azure Data Lake Storage Gen2 file system (a storage account with
 * hierarchical namespace), written through the {@code dfs} endpoint with the Azure Storage Data Lake SDK.
 *
 * <p>Files are uploaded into a hidden folder {@code .staging/<replication id>} of the file system, which
 * is then renamed to the destination: with a hierarchical namespace a directory rename is one atomic
 * operation (Azure "Path - Create" with {@code x-ms-rename-source}), so a reader sees no replica or a
 * complete one. No emulator serves the dfs endpoint, so this class is kept thin and only its
 * configuration is tested here. Thread-safe.
 */
public final class AdlsGen2Target implements ReplicaTarget {

    private final String name;
    private final DataLakeFileSystemClient fileSystem;
    private final String prefix;
    private final Path stagingRoot;

    /**
     * @param name        the configured target name
     * @param config      file system ({@code container}), optional path prefix, a connection string or account name and key
     * @param stagingRoot local folder for staging folders
     * @throws IllegalArgumentException if the file system or the credentials are missing
     */
    public AdlsGen2Target(String name, ReplicationProperties.Target config, Path stagingRoot) {
        if (config.getContainer() == null || config.getContainer().isBlank()) {
            throw new IllegalArgumentException("replication target " + name + " (adls) needs a container (the file system)");
        }
        DataLakeServiceClientBuilder b = new DataLakeServiceClientBuilder();
        if (config.getConnectionString() != null && !config.getConnectionString().isBlank()) {
            b.connectionString(config.getConnectionString());
        } else if (config.getAccountName() != null && !config.getAccountName().isBlank()
                && config.getAccountKey() != null && !config.getAccountKey().isBlank()) {
            b.endpoint(endpoint(config));
            b.credential(new StorageSharedKeyCredential(config.getAccountName(), config.getAccountKey()));
        } else {
            throw new IllegalArgumentException("replication target " + name + " (adls) needs connection-string, or "
                    + "account-name and account-key (from the environment)");
        }
        this.name = name;
        this.fileSystem = b.buildClient().getFileSystemClient(config.getContainer());
        this.prefix = config.getPath() == null || config.getPath().isBlank() ? "" : ReplicaPaths.check(config.getPath()) + "/";
        this.stagingRoot = stagingRoot;
    }

    /** The dfs endpoint of a target: the configured one, or {@code https://<account>.dfs.core.windows.net}. */
    static String endpoint(ReplicationProperties.Target config) {
        return config.getEndpoint() == null || config.getEndpoint().isBlank()
                ? "https://" + config.getAccountName() + ".dfs.core.windows.net" : config.getEndpoint();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "adls";
    }

    @Override
    public String location(String destination) {
        return fileSystem.getFileSystemUrl() + "/" + path(destination);
    }

    private String path(String destination) {
        return prefix + ReplicaPaths.check(destination);
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
        return fileSystem.exists() && fileSystem.getDirectoryClient(path(destination)).exists();
    }

    @Override
    public void publish(Path staged, String destination, List<String> files) throws IOException {
        String remoteStaging = ".staging/" + staged.getFileName();
        try {
            fileSystem.createIfNotExists();
            DataLakeDirectoryClient tmp = fileSystem.getDirectoryClient(remoteStaging);
            tmp.deleteIfExists();
            for (String file : files) {
                fileSystem.getFileClient(remoteStaging + "/" + file).uploadFromFile(staged.resolve(file).toString(), false);
            }
            String target = path(destination);
            int slash = target.lastIndexOf('/');
            if (slash > 0) {
                fileSystem.getDirectoryClient(target.substring(0, slash)).createIfNotExists();
            }
            tmp.rename(null, target);
        } catch (RuntimeException e) {
            try {
                fileSystem.getDirectoryClient(remoteStaging).deleteIfExists();
            } catch (RuntimeException ignored) {
                // a hidden staging folder is harmless
            }
            throw new IOException("publishing to adls target " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<RemoteFile> list(String destination) throws IOException {
        String base = path(destination) + "/";
        List<RemoteFile> out = new ArrayList<>();
        try {
            for (PathItem item : fileSystem.listPaths(new ListPathsOptions().setPath(path(destination)).setRecursive(true), null)) {
                if (!item.isDirectory()) {
                    out.add(new RemoteFile(item.getName().substring(base.length()), item.getContentLength()));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot list adls target " + name + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    @Override
    public InputStream open(String destination, String file) throws IOException {
        try {
            return fileSystem.getFileClient(path(destination) + "/" + file).openInputStream().getInputStream();
        } catch (RuntimeException e) {
            throw new IOException("cannot read " + file + " from adls target " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void replace(String destination, String file, byte[] content) throws IOException {
        try {
            fileSystem.getFileClient(path(destination) + "/" + file)
                    .upload(new java.io.ByteArrayInputStream(content), content.length, true);
        } catch (RuntimeException e) {
            throw new IOException("cannot write " + file + " to adls target " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String destination, String file) throws IOException {
        try {
            fileSystem.getFileClient(path(destination) + "/" + file).deleteIfExists();
        } catch (RuntimeException e) {
            throw new IOException("cannot delete " + file + " from adls target " + name + ": " + e.getMessage(), e);
        }
    }
}
