package io.lakehub.config;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The settings every flow shares: the lake ({@code lakehub.lake.*}) and the named JDBC sources
 * ({@code lakehub.datasources.*}). Each flow's own settings live in its package, beside the flow
 * ({@code io.lakehub.sql.SqlProperties}, {@code io.lakehub.events.EventsProperties}, ...); docs/configuration.md
 * lists them all with their defaults, generated from the configuration metadata.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub")
public class LakehubProperties {

    /** The lake: its root and its filesystem's settings. */
    @Valid
    private final Lake lake = new Lake();
    /**
     * Extra named JDBC sources, referenced by {@code lakehub.sql.tables[].datasource} (and the cluster lock's data
     * source); {@code default} is always {@code spring.datasource}.
     */
    @Valid
    private final Map<String, Datasource> datasources = new LinkedHashMap<>();

    public Lake getLake() {
        return lake;
    }

    /** Extra named JDBC sources, referenced by {@code lakehub.sql.tables[].datasource}. */
    public Map<String, Datasource> getDatasources() {
        return datasources;
    }

    /** {@code lakehub.lake.*}. */
    public static class Lake {
        /** Lake root: a folder (relative to the working directory) or an {@code abfss://} URI. */
        @NotBlank
        private String root = "./lake";
        /**
         * Hadoop configuration keys for the lake's filesystem, e.g. the ABFS connector's OAuth settings
         * for an {@code abfss://} root (config/application-azure.yaml); keys with dots are written in
         * brackets in YAML ({@code "[fs.azure.account.auth.type]": OAuth}).
         */
        private Map<String, String> hadoop = new LinkedHashMap<>();

        public String getRoot() {
            return root;
        }

        public void setRoot(String root) {
            this.root = root;
        }

        public Map<String, String> getHadoop() {
            return hadoop;
        }

        public void setHadoop(Map<String, String> hadoop) {
            this.hadoop = hadoop;
        }
    }

    /** {@code lakehub.datasources.<name>.*}: a JDBC connection; the password should come from the environment. */
    public static class Datasource {
        /** JDBC URL, e.g. {@code jdbc:postgresql://host:5432/db}. */
        @NotBlank
        private String url;
        /** Database user. */
        private String username;
        /** Its password; from the environment ({@code ${SOME_PASSWORD}}), never a committed file. */
        private String password;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }
}
