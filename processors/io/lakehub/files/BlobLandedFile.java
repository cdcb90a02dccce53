package io.lakehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;

import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;

/**
 * A blob in a Blob Storage landing container, pinned to the ETag it was listed with.
 *
 * <p>Read: {@code BlobClient.openInputStream} with {@code If-Match: <etag>} in chunks of
 * {@value #CHUNK_BYTES} bytes (the SDK keeps one chunk in memory). Archive: Blob storage has no rename,
 * so the blob is copied server-side (Copy Blob, with the source condition {@code If-Match: <etag>}) to
 * {@code <archive-prefix>/<yyyy-MM-dd>/<path under the prefix>} and then deleted with
 * {@code If-Match: <etag>}: a blob replaced meanwhile is not deleted and is ingested again as its new
 * version. A crash between the copy and the delete leaves both; the next poll finds the blob already
 * committed and archives it again ({@code <runId>-<name>} beside the first copy).
 */
public final class BlobLandedFile implements LandedFile {

    /** Bytes per ranged read of the blob: the memory a read holds. */
    public static final int CHUNK_BYTES = 4 * 1024 * 1024;
    /** Longest wait for a server-side copy to the archive prefix (same account: usually immediate). */
    static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);

    private final String landing;
    private final BlobContainerClient container;
    private final String blobName;
    private final String relative;
    private final String archivePrefix;
    private final String sasToken;
    private final long size;
    private final Instant modified;
    private final String etag;

    /**
     * @param landing       the landing's name
     * @param container     the landing container
     * @param blobName      the blob's full name
     * @param prefix        the landing's prefix as a folder ({@code incoming/} or empty)
     * @param archivePrefix the archive prefix as a folder ({@code archive/})
     * @param sasToken      the landing's SAS token (the copy source needs it), or null
     */
    public BlobLandedFile(String landing, BlobContainerClient container, String blobName, String prefix, String archivePrefix,
                          String sasToken, long size, Instant modified, String etag) {
        this.landing = landing;
        this.container = container;
        this.blobName = blobName;
        this.relative = blobName.startsWith(prefix) ? blobName.substring(prefix.length()) : blobName;
        this.archivePrefix = archivePrefix;
        this.sasToken = sasToken;
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
        int slash = blobName.lastIndexOf('/');
        return slash < 0 ? blobName : blobName.substring(slash + 1);
    }

    /** The blob's full name in its container. */
    public String blobName() {
        return blobName;
    }

    @Override
    public String location() {
        return container.getBlobContainerUrl() + "/" + blobName;
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
            return container.getBlobClient(blobName).openInputStream(new BlobInputStreamOptions().setBlockSize(CHUNK_BYTES)
                    .setRequestConditions(new BlobRequestConditions().setIfMatch(etag)));
        } catch (BlobStorageException e) {
            throw new IOException("cannot read blob " + location() + " (ETag " + etag + "): " + e.getErrorCode() + " "
                    + e.getStatusCode(), e);
        }
    }

    @Override
    public String archive(String runId) throws IOException {
        BlobClient target = container.getBlobClient(LandedFile.archivePath(archivePrefix, relative, runId, false));
        BlobClient source = container.getBlobClient(blobName);
        try {
            if (target.exists()) {
                target = container.getBlobClient(LandedFile.archivePath(archivePrefix, relative, runId, true));
            }
            String url = source.getBlobUrl() + (sasToken == null ? "" : "?" + sasToken);
            PollResponse<BlobCopyInfo> copied = target.beginCopy(new BlobBeginCopyOptions(url)
                            .setSourceRequestConditions(new BlobBeginCopySourceRequestConditions().setIfMatch(etag))
                            .setPollInterval(Duration.ofMillis(500)))
                    .waitForCompletion(COPY_TIMEOUT);
            if (copied.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
                throw new IOException("copy of " + location() + " to " + target.getBlobUrl() + " ended " + copied.getStatus());
            }
            source.deleteWithResponse(null, new BlobRequestConditions().setIfMatch(etag), null, null);
        } catch (BlobStorageException e) {
            throw new IOException("cannot archive blob " + location() + " to " + target.getBlobName() + ": " + e.getErrorCode()
                    + " " + e.getStatusCode(), e);
        }
        return target.getBlobUrl();
    }

    @Override
    public void delete() throws IOException {
        try {
            container.getBlobClient(blobName).deleteWithResponse(null, new BlobRequestConditions().setIfMatch(etag), null, null);
        } catch (BlobStorageException e) {
            throw new IOException("cannot delete blob " + location() + ": " + e.getErrorCode() + " " + e.getStatusCode(), e);
        }
    }
}
