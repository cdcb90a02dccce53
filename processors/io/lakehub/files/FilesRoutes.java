package io.lakehub.files;

import java.util.List;
import java.util.Locale;

import io.lakehub.files.FilesProperties;
import io.lakehub.files.FilesProperties.Landing;
import io.lakehub.files.FilesProperties.LandingType;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Instantiates one files-ingest route per landing ({@link FilesProperties#effectiveLandings}) from the
 * templates of routes/files-ingest.camel.yaml when {@code lakehub.files.enabled} is true, after the
 * Camel context has loaded the YAML routes: {@code files-ingest-poll} for a local folder,
 * {@code files-ingest-blob} for a Blob container, {@code files-ingest-adls} for an ADLS Gen2 file system.
 *
 * <p>Route ids: {@code files-ingest-poll} for the landing made of the flat keys
 * ({@code lakehub.files.landing}, named {@value FilesProperties#DEFAULT_LANDING}), with its step ids as
 * they are; {@code files-ingest-<name>} for every other landing, its step ids prefixed with
 * {@code <name>-}. A blob or ADLS landing's service client (built by {@link LandingClients}) is bound in
 * the Camel registry as {@code files-landing-<name>}, so the listing endpoint takes it by reference and
 * no secret is in a URI.
 *
 * <p>Every declared kind and every landing is checked first, so a bad declaration or an incomplete
 * credential stops the start with its message instead of failing each poll.
 */
@Component
public class FilesRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(FilesRoutes.class);

    /** The file names files-ingest takes, in every landing (case-insensitive). */
    public static final String INCLUDE = "(?i).*\\.((tsv|txt|csv|jsonl|ndjson|json)(\\.gz)?|zip)";

    private final FilesProperties props;
    private final Landings landings;

    public FilesRoutes(FilesProperties props, Landings landings) {
        this.props = props;
        this.landings = landings;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (!props.isEnabled()) {
            LOG.info("files-ingest: disabled (lakehub.files.enabled=false)");
            return;
        }
        props.getKinds().forEach(DeclaredSchema::new);
        List<Landings.Entry> entries;
        try {
            entries = landings.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("files-ingest: " + e.getMessage(), e);
        }
        for (Landings.Entry e : entries) {
            Landing l = e.config();
            String routeId;
            try {
                routeId = addRoute(camelContext, e);
            } catch (Exception ex) {
                throw new IllegalStateException("files-ingest: cannot create the route of landing " + l.getName() + " (" + l + "): "
                        + ex.getMessage(), ex);
            }
            LOG.info("files-ingest: watching {} {} for .tsv/.csv/.jsonl/.json[.gz] and .zip files ({} declared kinds), archive {} (route {})",
                    l.getName(), l, props.getKinds().size(),
                    l.getType() == LandingType.LOCAL ? l.getArchive() : Landing.folder(l.getArchivePrefix()), routeId);
        }
    }

    private String addRoute(CamelContext camelContext, Landings.Entry e) throws Exception {
        Landing l = e.config();
        String delayMs = Long.toString(l.getPollDelay().toMillis());
        if (l.getType() == LandingType.LOCAL) {
            boolean flat = FilesProperties.DEFAULT_LANDING.equals(l.getName());
            TemplatedRouteBuilder b = TemplatedRouteBuilder.builder(camelContext, "files-ingest-poll")
                    .routeId(flat ? "files-ingest-poll" : "files-ingest-" + l.getName())
                    .parameter("landingName", l.getName())
                    .parameter("landing", l.getPath())
                    .parameter("include", INCLUDE)
                    .parameter("delayMs", delayMs)
                    .parameter("settleMs", Long.toString(l.getSettleTime().toMillis()));
            if (!flat) {
                b.prefixId(l.getName() + "-");
            }
            return b.add();
        }
        String client = "files-landing-" + l.getName();
        String account;
        if (l.getType() == LandingType.BLOB) {
            camelContext.getRegistry().bind(client, e.blobService());
            account = e.blobService().getAccountName();
        } else {
            camelContext.getRegistry().bind(client, e.dataLakeService());
            account = e.dataLakeService().getAccountName();
        }
        String prefix = Landing.folder(l.getPrefix());
        return TemplatedRouteBuilder.builder(camelContext, "files-ingest-" + l.getType().name().toLowerCase(Locale.ROOT))
                .routeId("files-ingest-" + l.getName())
                .prefixId(l.getName() + "-")
                .parameter("landingName", l.getName())
                .parameter("account", account == null || account.isBlank() ? "account" : account)
                .parameter("container", l.getContainer())
                .parameter("client", client)
                .parameter("prefix", l.getType() == LandingType.BLOB ? prefix : prefix.substring(0, prefix.length() - 1))
                .parameter("delayMs", delayMs)
                .add();
    }
}
