package io.lakehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.options.DataLakeFileInputStreamOptions;

/**
 * A file in an ADLS Gen2 landing file system, pinned to the ETag it was listed with. The same contract
 * as {@link BlobLandedFile} over the {@code dfs} endpoint, where a hierarchical namespace makes the
 * archive one atomic rename (Azure "Path - Create" with {@code x-ms-rename-source} and
 * {@code x-ms-source-if-match}) instead of copy and delete. No emulator serves the dfs endpoint, so this
 * class stays a thin mapping of the SDK calls; everything around it is shared with the blob landing.
 */
public final class AdlsLandedFile implements LandedFile {

    private final String landing;
    private final DataLakeFileSystemClient fileSystem;
    private final String path;
    private final String relative;
    private final String archivePrefix;
    private final long size;
    private final Instant modified;
    private final String etag;

    /**
     * @param path          the file's path in the file system
     * @param prefix        the landing's prefix as a folder ({@code incoming/} or empty)
     * @param archivePrefix the archive prefix as a folder ({@code archive/})
     */
    public AdlsLandedFile(String landing, DataLakeFileSystemClient fileSystem, String path, String prefix, String archivePrefix,
                          long size, Instant modified, String etag) {
        this.landing = landing;
        this.fileSystem = fileSystem;
        this.path = path;
        this.relative = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        this.archivePrefix = archivePrefix;
        this.size = size;
        this.modified = modified;
        this.etag = etag;
    }

    @Override
    public String landing() {
        return landing;
    }

    @Override
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    @Override
    public String location() {
        return fileSystem.getFileSystemUrl() + "/" + path;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Instant modified() {
        return modified;
    }

    @Override
    public String version() {
        return etag;
    }

    @Override
    public InputStream open() throws IOException {
        try {
            return fileSystem.getFileClient(path).openInputStream(new DataLakeFileInputStreamOptions()
                    .setBlockSize(BlobLandedFile.CHUNK_BYTES)
                    .setRequestConditions(new DataLakeRequestConditions().setIfMatch(etag))).getInputStream();
        } catch (DataLakeStorageException e) {
            throw new IOException("cannot read " + location() + " (ETag " + etag + "): " + e.getErrorCode() + " " + e.getStatusCode(), e);
        }
    }

    @Override
    public String archive(String runId) throws IOException {
        String target = LandedFile.archivePath(archivePrefix, relative, runId, false);
        try {
            if (fileSystem.getFileClient(target).exists()) {
                target = LandedFile.archivePath(archivePrefix, relative, runId, true);
            }
            fileSystem.getDirectoryClient(target.substring(0, target.lastIndexOf('/'))).createIfNotExists();
            DataLakeFileClient moved = fileSystem.getFileClient(path).renameWithResponse(null, target,
                    new DataLakeRequestConditions().setIfMatch(etag), null, null, null).getValue();
            return moved.getFileUrl();
        } catch (DataLakeStorageException e) {
            throw new IOException("cannot archive " + location() + " to " + target + ": " + e.getErrorCode() + " " + e.getStatusCode(), e);
        }
    }

    @Override
    public void delete() throws IOException {
        try {
            fileSystem.getFileClient(path).deleteWithResponse(new DataLakeRequestConditions().setIfMatch(etag), null, null);
        } catch (DataLakeStorageException e) {
            throw new IOException("cannot delete " + location() + ": " + e.getErrorCode() + " " + e.getStatusCode(), e);
        }
    }
}
