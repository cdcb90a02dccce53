package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The default {@code lakehub.files.max-bad-rows} (one record in a thousand, issue 16): a big dump with a few
 * broken lines lands its good rows, a small file with one bad line in ten is still quarantined whole, and a
 * kind's own threshold wins over the default.
 */
class BadRowLimitDefaultTest {

    @Test
    void theDefaultLetsABigDumpWithAFewBadLinesLandAndQuarantinesASmallBadFile() {
        BadRowLimit limit = new FilesProperties().badRowLimit(null);
        assertThat(limit.strict()).isFalse();
        assertThat(limit.exceeded(3, 12_000_000)).as("3 bad lines in a 12-million-line IMDB dump").isFalse();
        assertThat(limit.exceeded(1, 1_000)).as("exactly one in a thousand").isFalse();
        assertThat(limit.exceeded(1, 999)).isTrue();
        assertThat(limit.exceeded(1, 10)).as("one bad line in ten").isTrue();
    }

    @Test
    void aKindsOwnThresholdWinsAndZeroIsStrict() {
        FilesProperties p = new FilesProperties();
        FilesProperties.FileKind kind = new FilesProperties.FileKind();
        kind.setName("title.ratings");
        kind.setMaxBadRows("0");
        assertThat(p.badRowLimit(kind).strict()).isTrue();
        assertThat(p.badRowLimit(kind).exceeded(1, 12_000_000)).isTrue();
        kind.setMaxBadRows("5");
        assertThat(p.badRowLimit(kind).exceededWhileReading(6)).isTrue();
        assertThat(p.badRowLimit(kind).exceededWhileReading(5)).isFalse();
    }
}
