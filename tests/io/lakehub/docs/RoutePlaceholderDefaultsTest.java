package io.lakehub.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One default per setting: Camel's property placeholders see only the Spring environment, not a
 * {@code @ConfigurationProperties} field's initial value, so a route that reads a {@code lakehub.*} key directly keeps
 * a placeholder default ({@code {{lakehub.replication.smtp.retry-delay:2s}}}). This test holds every such default
 * in routes/*.camel.yaml equal to the properties type's default (from the configuration metadata); durations compare
 * as durations ({@code 2000} equals {@code 2s}), and a key with a route default must have a type default.
 */
class RoutePlaceholderDefaultsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(lakehub\\.[A-Za-z0-9.\\-\\[\\]]+):([^}]*)}}");

    @Test
    void routePlaceholderDefaultsAreThePropertiesTypesDefaults() throws Exception {
        Map<String, JsonNode> metadata = new LinkedHashMap<>();
        new ObjectMapper().readTree(ConfigurationReference.METADATA.toFile()).path("properties")
                .forEach(p -> metadata.put(p.path("name").asText(), p));
        Map<String, String> routeDefaults = new LinkedHashMap<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList()) {
                Matcher m = PLACEHOLDER.matcher(Files.readString(route));
                while (m.find()) {
                    routeDefaults.put(route.getFileName() + " " + m.group(1), m.group(2));
                }
            }
        }
        assertThat(routeDefaults).as("the routes read lakehub.* keys with defaults").isNotEmpty();
        routeDefaults.forEach((where, routeDefault) -> {
            String key = where.substring(where.indexOf(' ') + 1);
            JsonNode property = metadata.get(key);
            assertThat(property).as(where + ": a key of a properties type").isNotNull();
            assertThat(property.has("defaultValue")).as(where + ": the properties type has a default").isTrue();
            String typeDefault = property.get("defaultValue").asText();
            if ("java.time.Duration".equals(property.path("type").asText())) {
                Duration route = DurationStyle.detectAndParse(routeDefault);
                assertThat(route).as(where + ": route default " + routeDefault + " vs the type's " + typeDefault)
                        .isEqualTo(DurationStyle.detectAndParse(typeDefault));
            } else {
                assertThat(routeDefault).as(where + ": route default vs the properties type's").isEqualTo(typeDefault);
            }
        });
    }
}
