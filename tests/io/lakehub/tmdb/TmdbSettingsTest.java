package io.lakehub.tmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** tmdb-pull's settings: off without credentials, secrets masked, Retry-After and page caps. */
@ExtendWith(OutputCaptureExtension.class)
class TmdbSettingsTest {

    @Test
    void withoutCredentialsNoRouteIsCreatedAndOneLineSaysWhy(CapturedOutput output) throws Exception {
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("");
        props.setBearerToken("  ");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            new TmdbPullRoutes(props).afterApplicationStart(camel);
            assertThat(camel.getRoutes()).isEmpty();
        }
        assertThat(props.hasCredentials()).isFalse();
        assertThat(output.getAll()).contains("tmdb-pull: off, no TMDB credentials; set TMDB_API_KEY");
    }

    @Test
    void secretsAreMaskedAndTheTokenWinsOverTheKey() {
        TmdbProperties props = new TmdbProperties();
        props.setApiKey("abc123key");
        assertThat(props.authMode()).isEqualTo("api-key");
        assertThat(props.mask("GET /3/movie/popular?api_key=abc123key&page=1")).isEqualTo("GET /3/movie/popular?api_key=****&page=1");
        props.setBearerToken("eyJtoken");
        assertThat(props.authMode()).isEqualTo("bearer");
        assertThat(props.mask("Bearer eyJtoken, key abc123key")).isEqualTo("Bearer ****, key ****");
        assertThat(props.toString()).doesNotContain("abc123key").doesNotContain("eyJtoken");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:28:00Z");
        assertThat(TmdbApi.retryAfter("10", now)).isEqualTo(Duration.ofSeconds(10));
        assertThat(TmdbApi.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(TmdbApi.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(TmdbApi.retryAfter("soon", now)).isNull();
        assertThat(TmdbApi.retryAfter(null, now)).isNull();
    }

    @Test
    void backoffDoublesWithinItsCap() {
        TmdbProperties props = new TmdbProperties();
        props.setMaxAttempts(6);
        props.setBackoff(Duration.ofSeconds(1));
        props.setMaxBackoff(Duration.ofSeconds(5));
        org.apache.camel.processor.errorhandler.RedeliveryPolicy policy = TmdbRetry.redeliveryPolicy(props);
        assertThat(policy.getMaximumRedeliveries()).as("6 attempts are 5 redeliveries").isEqualTo(5);
        assertThat(policy.isUseExponentialBackOff()).isTrue();
        for (int run = 0; run < 50; run++) {
            long first = policy.calculateRedeliveryDelay(0, 1);
            assertThat(first).as("first retry: backoff +-25 %").isBetween(750L, 1250L);
            long second = policy.calculateRedeliveryDelay(first, 2);
            assertThat(second).as("second retry: doubled, +-25 %").isBetween(first * 2 * 3 / 4, Math.min(5000, first * 2 * 5 / 4 + 1));
            long delay = second;
            for (int n = 3; n <= 30; n++) {
                delay = policy.calculateRedeliveryDelay(delay, n);
                assertThat(delay).as("capped at max-backoff").isLessThanOrEqualTo(5000L);
            }
            assertThat(delay).as("reaches the cap region").isGreaterThanOrEqualTo(3750L);
        }
    }

    @Test
    void pageCapsAndNames() {
        TmdbProperties props = new TmdbProperties();
        props.setMaxPages(900);
        props.getMaxPagesByList().put("popular", 3);
        assertThat(props.maxPagesOf("upcoming")).as("the API's cap").isEqualTo(500);
        assertThat(props.maxPagesOf("popular")).isEqualTo(3);
        assertThatThrownBy(() -> props.setLists(java.util.List.of("popular", "../x"))).hasMessageContaining("../x");
        assertThatThrownBy(() -> PullTmdbLists.checkRunId("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PullTmdbLists.newRunId()).matches("\\d{8}T\\d{6}Z-[0-9a-f]{4}");
    }
}
