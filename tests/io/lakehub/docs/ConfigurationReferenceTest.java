package io.lakehub.docs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is what {@link ConfigurationReference} generates from this build's configuration metadata:
 * the test writes the reference to target/configuration.md and fails when the committed page differs, naming the
 * command that regenerates it. With {@code -Dlakehub.docs.regenerate=true} it rewrites docs/configuration.md instead.
 */
class ConfigurationReferenceTest {

    static final String REGENERATE = "./mvnw -q -o test -Dtest=ConfigurationReferenceTest -Dlakehub.docs.regenerate=true";

    @Test
    void theCommittedReferenceIsTheGeneratedOne() throws Exception {
        assertThat(ConfigurationReference.METADATA).as("the configuration processor ran (spring-boot-configuration-processor)")
                .exists();
        String generated = ConfigurationReference.render(ConfigurationReference.METADATA);
        Files.writeString(Path.of("target/configuration.md"), generated, StandardCharsets.UTF_8);
        Path committed = Path.of("docs/configuration.md");
        if (Boolean.getBoolean("lakehub.docs.regenerate")) {
            Files.writeString(committed, generated, StandardCharsets.UTF_8);
        }
        assertThat(generated).as("every setting type is in the reference")
                .contains("`lakehub.lake.root`", "`lakehub.sql.initial-delay`", "`lakehub.events.hub`",
                        "`lakehub.files.poll-delay`", "`lakehub.replication.smtp.retry-delay`", "`lakehub.tmdb.schedule`",
                        "`lakehub.cluster.type`", "`lakehub.progress.log-interval`");
        assertThat(Files.readString(committed))
                .as("docs/configuration.md differs from target/configuration.md, generated from the properties types; "
                        + "regenerate it with: " + REGENERATE)
                .isEqualTo(generated);
    }
}
