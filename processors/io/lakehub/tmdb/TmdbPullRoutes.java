package io.lakehub.tmdb;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Instantiates the tmdb-pull route templates (routes/tmdb-pull.camel.yaml) as routes
 * {@code tmdb-pull-schedule}, {@code tmdb-pull-run}, {@code tmdb-pull-fetch-page} and
 * {@code tmdb-pull-silver}, only when TMDB credentials are set ({@code lakehub.tmdb.api-key} from
 * {@code TMDB_API_KEY}, or {@code lakehub.tmdb.bearer-token} from {@code TMDB_BEARER_TOKEN}). Without
 * them the flow is off and one INFO line says why, so the embedded default starts with no TMDB account.
 */
@Component
public class TmdbPullRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TmdbPullRoutes.class);

    private final TmdbProperties props;

    public TmdbPullRoutes(TmdbProperties props) {
        this.props = props;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (!props.hasCredentials()) {
            LOG.info("tmdb-pull: off, no TMDB credentials; set TMDB_API_KEY (v3 API key) or TMDB_BEARER_TOKEN "
                    + "(v4 read access token) to pull {} into bronze/tmdb and silver/{}", props.getLists(), props.getSilverTable());
            return;
        }
        try {
            TemplatedRouteBuilder.builder(camelContext, "tmdb-pull-fetch-page").routeId("tmdb-pull-fetch-page")
                    .parameter("baseUrl", props.getBaseUrl())
                    .parameter("requestsPerSecond", Integer.toString(Math.max(1, props.getRequestsPerSecond())))
                    .parameter("connectTimeout", Long.toString(props.getConnectTimeout().toMillis()))
                    .parameter("responseTimeout", Long.toString(props.getResponseTimeout().toMillis()))
                    .add();
            TemplatedRouteBuilder.builder(camelContext, "tmdb-pull-silver").routeId("tmdb-pull-silver").add();
            TemplatedRouteBuilder.builder(camelContext, "tmdb-pull-run").routeId("tmdb-pull-run").add();
            TemplatedRouteBuilder.builder(camelContext, "tmdb-pull-schedule").routeId("tmdb-pull-schedule")
                    .parameter("delay", Long.toString(props.getSchedule().toMillis()))
                    .parameter("initialDelay", Long.toString(props.getInitialDelay().toMillis()))
                    .add();
        } catch (RuntimeException e) {
            throw new IllegalStateException("tmdb-pull: cannot create the routes: " + props.mask(e.getMessage()), e);
        }
        LOG.info("tmdb-pull: on ({} auth), pulling {} from {} every {} (first run in {}), at most {} requests/s, into "
                        + "bronze/tmdb/<list>/run_date=<date>/run=<runId>/ and silver/{}", props.authMode(), props.getLists(),
                props.getBaseUrl(), props.getSchedule(), props.getInitialDelay(), props.getRequestsPerSecond(),
                props.getSilverTable());
    }

    /** Whether the flow's routes exist. */
    public boolean enabled() {
        return props.hasCredentials();
    }
}
