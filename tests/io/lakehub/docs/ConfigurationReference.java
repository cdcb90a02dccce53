package io.lakehub.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes docs/configuration.md from the Spring configuration metadata the build generates
 * ({@code target/classes/META-INF/spring-configuration-metadata.json}, written by spring-boot-configuration-processor
 * from the {@code @ConfigurationProperties} types, their field comments and initial values, plus
 * {@code processors/resources/META-INF/additional-spring-configuration-metadata.json}). Format of the metadata:
 * https://docs.spring.io/spring-boot/specification/configuration-metadata/format.html.
 *
 * <p>Output: the header below, then one table per {@code lakehub.<section>} with key, type, default and description,
 * keys in alphabetical order. Javadoc inline tags become Markdown ({@code {@code x}} to {@code `x`}, {@code {@link X y}}
 * to {@code y}). Run by {@link ConfigurationReferenceTest}; {@code main} writes the file it is given.
 */
public final class ConfigurationReference {

    /** The metadata file of a compiled build. */
    public static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

    static final String HEADER = """
            # Configuration

            <!-- Generated from the configuration metadata by io.lakehub.docs.ConfigurationReference; do not edit.
                 Change the field comment or initial value in the properties type, then regenerate:
                 ./mvnw -q -o test -Dtest=ConfigurationReferenceTest -Dlakehub.docs.regenerate=true -->

            Every `lakehub.*` setting with its type, its one default (the properties type's initial value) and what it
            does. Durations take a unit (`500ms`, `5s`, `10m`, `24h`); a bare number is milliseconds. Sizes take
            `KB`/`MB`/`GB`. Settings are checked at start: a value out of range or an unknown mode stops the start with
            the key and the reason.

            `application.yaml` is the embedded default: it sets what the demo needs (the H2 source, the sample loans
            source table, the event generator, the IMDB file kinds) and the Spring, Camel, actuator and Hawtio keys the
            hub depends on, each with a comment. Profiles in `config/` change only what differs:
            `--spring.profiles.active=postgres` (or `mariadb`, `sqlserver`, `azure`, `kubernetes`), with
            `LAKEHUB_DB_URL`, `LAKEHUB_DB_USER`, `LAKEHUB_DB_PASSWORD` from the environment. Secrets (passwords, keys,
            connection strings, tokens) come from the environment, never from a committed file.

            List items are described on their flow's page: `lakehub.sql.tables[]` in [sql-incremental.md](sql-incremental.md),
            `lakehub.files.kinds[]` in [files-ingest.md](files-ingest.md), `lakehub.gold.tables[]` in [sql.md](sql.md),
            `lakehub.events.rules` and `lakehub.events.alerts[]` in [events.md](events.md),
            `lakehub.replication.targets` in [replication.md](replication.md).
            """;

    private ConfigurationReference() {
    }

    /**
     * The Markdown reference of a metadata file.
     *
     * @throws IOException if the metadata cannot be read or parsed
     */
    public static String render(Path metadata) throws IOException {
        JsonNode root = new ObjectMapper().readTree(metadata.toFile());
        List<JsonNode> properties = new ArrayList<>();
        root.path("properties").forEach(properties::add);
        properties.sort(Comparator.comparing(p -> p.path("name").asText()));
        Map<String, List<JsonNode>> bySection = new LinkedHashMap<>();
        for (JsonNode p : properties) {
            String name = p.path("name").asText();
            if (name.startsWith("lakehub.")) {
                bySection.computeIfAbsent(section(name), s -> new ArrayList<>()).add(p);
            }
        }
        StringBuilder md = new StringBuilder(HEADER);
        bySection.forEach((section, props) -> {
            md.append("\n## `").append(section).append("`\n\n");
            md.append("| key | type | default | description |\n|---|---|---|---|\n");
            for (JsonNode p : props) {
                md.append("| `").append(p.path("name").asText()).append("` | ")
                        .append(cell(type(p.path("type").asText()))).append(" | ")
                        .append(p.has("defaultValue") ? "`" + cell(defaultOf(p.get("defaultValue"))) + "`" : "")
                        .append(" | ").append(cell(prose(p.path("description").asText()))).append(" |\n");
            }
        });
        return md.toString();
    }

    /** {@code lakehub.events.eventhubs.batch-size} is in section {@code lakehub.events}. */
    static String section(String name) {
        String[] parts = name.split("\\.");
        return parts.length > 2 ? parts[0] + "." + parts[1] : parts[0];
    }

    /** A Java type without packages: {@code java.util.Map<java.lang.String,java.lang.String>} to {@code Map<String,String>}. */
    static String type(String javaType) {
        return javaType.replaceAll("(?:[a-z][a-z0-9_]*\\.)+([A-Z])", "$1").replace('$', '.');
    }

    private static String defaultOf(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return String.join(", ", items);
        }
        return value.isTextual() && value.asText().isEmpty() ? "\"\"" : value.asText();
    }

    /** Javadoc inline tags as Markdown. */
    static String prose(String javadoc) {
        return javadoc
                .replaceAll("\\{@code ([^}]*)}", "`$1`")
                .replaceAll("\\{@link(?:plain)? [^}\\s]+ ([^}]*)}", "$1")
                .replaceAll("\\{@link(?:plain)? #?([^}]*)}", "`$1`")
                .replaceAll("</?(?:p|ul|ol|li|em|b|i|br|pre)\\s*/?>", "")
                .replaceAll("\\s+", " ").trim();
    }

    /** A table cell: pipes escaped; angle brackets escaped outside code spans (inside, Markdown shows them as they are). */
    private static String cell(String s) {
        String[] spans = s.replace("|", "\\|").split("`", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spans.length; i++) {
            out.append(i > 0 ? "`" : "").append(i % 2 == 0 ? spans[i].replace("<", "&lt;").replace(">", "&gt;") : spans[i]);
        }
        return out.toString();
    }

    /**
     * Writes the reference of {@link #METADATA} to the file given (default docs/configuration.md).
     *
     * @throws IOException if the metadata cannot be read or the file written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
        Files.writeString(out, render(METADATA), StandardCharsets.UTF_8);
    }
}
