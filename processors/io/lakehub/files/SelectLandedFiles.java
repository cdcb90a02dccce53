package io.lakehub.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.file.datalake.models.PathItem;
import io.lakehub.files.FilesProperties.Landing;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * First step of a blob or ADLS landing's poll: turns the listing that camel-azure-storage-blob
 * ({@code operation=listBlobs}) or camel-azure-storage-datalake ({@code operation=listPaths}) returned
 * into the files to ingest now, each a {@link LandedFile} pinned to its listed ETag.
 *
 * <p>Reads: the body, a {@code List<BlobItem>} or {@code List<PathItem>}, and variable
 * {@value Landings#VARIABLE} (the landing's name). Writes: the body, a {@code List<LandedFile>}, oldest
 * first (last modified, then name), keeping only files whose name matches {@link FilesRoutes#INCLUDE},
 * that are not folders, not under the archive prefix, and unchanged for the landing's settle time (an
 * ADLS file is visible while its writer still appends and flushes; a block blob only once committed, so
 * for a blob this only delays a fresh upload). Opens nothing: each file is read when its turn comes,
 * so memory does not grow with the number of files listed. Failure: none of its own.
 */
@Component("selectLandedFiles")
public class SelectLandedFiles implements Processor {

    private static final Pattern INCLUDE = Pattern.compile(FilesRoutes.INCLUDE);

    private final Landings landings;

    public SelectLandedFiles(Landings landings) {
        this.landings = landings;
    }

    @Override
    public void process(Exchange exchange) {
        Landings.Entry entry = landings.get(exchange.getVariable(Landings.VARIABLE, String.class));
        Landing l = entry.config();
        String prefix = Landing.folder(l.getPrefix());
        String archive = Landing.folder(l.getArchivePrefix());
        Instant settled = Instant.now().minus(l.getSettleTime());
        List<LandedFile> files = new ArrayList<>();
        List<?> listing = exchange.getIn().getBody(List.class);
        for (Object item : listing == null ? List.of() : listing) {
            LandedFile f;
            if (item instanceof BlobItem b) {
                if (Boolean.TRUE.equals(b.isPrefix()) || Boolean.TRUE.equals(b.isDeleted()) || b.getProperties() == null) {
                    continue;
                }
                f = new BlobLandedFile(l.getName(), entry.blob(), b.getName(), prefix, archive,
                        l.getSasToken() == null || l.getSasToken().isBlank() ? null : LandingClients.sas(l),
                        b.getProperties().getContentLength() == null ? 0 : b.getProperties().getContentLength(),
                        b.getProperties().getLastModified().toInstant(), b.getProperties().getETag());
            } else if (item instanceof PathItem p) {
                if (p.isDirectory()) {
                    continue;
                }
                f = new AdlsLandedFile(l.getName(), entry.adls(), p.getName(), prefix, archive, p.getContentLength(),
                        p.getLastModified().toInstant(), p.getETag());
            } else {
                continue;
            }
            String path = item instanceof BlobItem b ? b.getName() : ((PathItem) item).getName();
            if (!path.startsWith(prefix) || path.startsWith(archive) || !INCLUDE.matcher(f.name()).matches()
                    || f.modified().isAfter(settled)) {
                continue;
            }
            files.add(f);
        }
        files.sort(Comparator.comparing(LandedFile::modified).thenComparing(LandedFile::location));
        exchange.getIn().setBody(files);
    }
}
