package io.lakehub.files;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClient;
import io.lakehub.files.FilesProperties;
import io.lakehub.files.FilesProperties.Landing;
import io.lakehub.files.FilesProperties.LandingType;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The landings of files-ingest ({@link FilesProperties#effectiveLandings}) with their storage clients,
 * built once at start by {@link FilesRoutes}, and the way a route step finds the {@link LandedFile} of
 * its exchange. Thread-safe (the Azure clients are).
 */
@Component
public class Landings {

    /** Exchange variable naming the landing a local route's file came from (set by the route template). */
    public static final String VARIABLE = "filesLanding";

    private final FilesProperties props;
    private volatile Map<String, Entry> byName = Map.of();

    /** A landing and its clients (null for a local one). */
    public record Entry(Landing config, BlobServiceClient blobService, BlobContainerClient blob,
                        DataLakeServiceClient dataLakeService, DataLakeFileSystemClient adls) {
    }

    public Landings(FilesProperties props) {
        this.props = props;
    }

    /**
     * Builds every landing's clients (no request is sent).
     *
     * @return the landings, in configuration order
     * @throws IllegalArgumentException for an incomplete landing, naming its setting
     */
    public synchronized List<Entry> build() {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Landing l : props.effectiveLandings()) {
            Entry e;
            if (l.getType() == LandingType.BLOB) {
                BlobServiceClient service = LandingClients.blob(l);
                e = new Entry(l, service, service.getBlobContainerClient(l.getContainer()), null, null);
            } else if (l.getType() == LandingType.ADLS) {
                DataLakeServiceClient service = LandingClients.dataLake(l);
                e = new Entry(l, null, null, service, service.getFileSystemClient(l.getContainer()));
            } else {
                e = new Entry(l, null, null, null, null);
            }
            m.put(l.getName(), e);
        }
        byName = m;
        return new ArrayList<>(m.values());
    }

    /** Every landing built so far. */
    public List<Entry> all() {
        return new ArrayList<>(byName.values());
    }

    /**
     * The landing of this name.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Entry get(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("files-ingest: no landing named '" + name + "' (landings: " + byName.keySet() + ")");
        }
        return e;
    }

    /**
     * The landed file of an exchange: the body itself when it is a {@link LandedFile} (a remote landing's
     * split), else the {@code java.io.File} body of Camel's {@code file:} consumer in the local landing
     * named by variable {@value #VARIABLE} (default {@value FilesProperties#DEFAULT_LANDING}).
     *
     * @return the file, or null when the body is neither
     * @throws IOException if a local file's size or time cannot be read
     */
    public LandedFile of(Exchange exchange) throws IOException {
        Object body = exchange.getIn().getBody();
        if (body instanceof LandedFile f) {
            return f;
        }
        File file = exchange.getIn().getBody(File.class);
        if (file == null) {
            return null;
        }
        String name = exchange.getVariable(VARIABLE, FilesProperties.DEFAULT_LANDING, String.class);
        Entry e = byName.get(name);
        String archive = e != null ? e.config().getArchive() : props.getArchive();
        return new LocalLandedFile(name, file.toPath(), exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, file.getName(), String.class),
                archive);
    }
}
