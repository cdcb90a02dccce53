package io.lakehub.files;

import io.lakehub.files.FilesProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Instantiates the {@code files-ingest-poll} route template (routes/files-ingest.camel.yaml) as route
 * {@code files-ingest-poll} when {@code lakehub.files.enabled} is true, after the Camel context has
 * loaded the YAML routes. Every declared kind is checked first, so a bad declaration stops the start
 * with its message instead of failing each file.
 */
@Component
public class FilesRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(FilesRoutes.class);

    private final FilesProperties props;

    public FilesRoutes(FilesProperties props) {
        this.props = props;
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
        String routeId;
        try {
            routeId = TemplatedRouteBuilder.builder(camelContext, "files-ingest-poll")
                    .routeId("files-ingest-poll")
                    .parameter("landing", props.getLanding())
                    .parameter("delayMs", Long.toString(props.getPollDelay().toMillis()))
                    .parameter("settleMs", Long.toString(props.getSettleTime().toMillis()))
                    .add();
        } catch (RuntimeException e) {
            throw new IllegalStateException("files-ingest: cannot create the landing folder route: " + e.getMessage(), e);
        }
        LOG.info("files-ingest: watching {} for .tsv/.csv[.gz] files ({} declared kinds), archive {} (route {})",
                props.getLanding(), props.getKinds().size(), props.getArchive(), routeId);
    }
}
