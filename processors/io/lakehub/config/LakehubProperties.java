package io.lakehub.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.sql.SqlSourceTable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lakehub.*} settings; each key is documented with its default in {@code application.yaml}
 * and in docs/configuration.md.
 */
@ConfigurationProperties(prefix = "lakehub")
public class LakehubProperties {

    private final Lake lake = new Lake();
    private final Sql sql = new Sql();
    private final Map<String, Datasource> datasources = new LinkedHashMap<>();
    private final Sample sample = new Sample();

    public Lake getLake() {
        return lake;
    }

    public Sql getSql() {
        return sql;
    }

    /** Extra named JDBC sources, referenced by {@code lakehub.sql.tables[].datasource}. */
    public Map<String, Datasource> getDatasources() {
        return datasources;
    }

    public Sample getSample() {
        return sample;
    }

    /** {@code lakehub.lake.*}. */
    public static class Lake {
        /** Lake root: a folder (relative to the working directory) or an {@code abfss://} URI. */
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

    /** {@code lakehub.sql.*}. */
    public static class Sql {
        /** The source tables of the sql-incremental flow. */
        private List<SqlSourceTable> tables = new ArrayList<>();
        /** Delay before a source's first poll after start. */
        private java.time.Duration initialDelay = java.time.Duration.ofSeconds(1);

        public List<SqlSourceTable> getTables() {
            return tables;
        }

        public void setTables(List<SqlSourceTable> tables) {
            this.tables = tables;
        }

        public java.time.Duration getInitialDelay() {
            return initialDelay;
        }

        public void setInitialDelay(java.time.Duration initialDelay) {
            this.initialDelay = initialDelay;
        }
    }

    /** {@code lakehub.datasources.<name>.*}: a JDBC connection; the password should come from the environment. */
    public static class Datasource {
        private String url;
        private String username;
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

    /** {@code lakehub.sample.lendingclub.*}: the shipped LendingClub demo source. */
    public static class Sample {
        private final LendingClub lendingclub = new LendingClub();

        public LendingClub getLendingclub() {
            return lendingclub;
        }
    }

    /** Seeding of the demo loans table. */
    public static class LendingClub {
        /** Create and seed the source table on start when it is empty. */
        private boolean enabled = false;
        /** Data source to seed. */
        private String datasource = "default";
        /** Source table name. */
        private String table = "loans";
        /** Issue years loaded by the first start. */
        private List<Integer> seedYears = new ArrayList<>(List.of(2015));

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getDatasource() {
            return datasource;
        }

        public void setDatasource(String datasource) {
            this.datasource = datasource;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public List<Integer> getSeedYears() {
            return seedYears;
        }

        public void setSeedYears(List<Integer> seedYears) {
            this.seedYears = seedYears;
        }
    }
}
