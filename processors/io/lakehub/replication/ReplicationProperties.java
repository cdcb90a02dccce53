package io.lakehub.replication;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.replication.*} settings of the replication flow; each key is documented with its
 * default in {@code application.yaml} and docs/configuration.md. Secrets (connection strings, account keys, the
 * SMTP password) are meant to come from environment variables through placeholders; they are never
 * logged, shown by the API, or written into records, lineage or mails.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.replication")
public class ReplicationProperties {

    /** Named targets a request may choose; a name not listed here is refused (400). */
    private Map<String, Target> targets = new LinkedHashMap<>();
    /** Replications that run at the same time (consumers of the seda queue). */
    @Positive
    private int concurrentReplications = 1;
    /** Rows per Parquet data file of a Parquet or Delta replica. */
    @Positive
    private long rowsPerFile = 1_000_000;
    /** Local folder for staging a replica bound for a remote target (blank: java.io.tmpdir). */
    private String stagingDir = "";
    /** Most notification recipients per request. */
    @PositiveOrZero
    private int maxRecipients = 20;
    /** SMTP settings; without a host, notifications are written to the outbox folder. */
    @Valid
    private final Smtp smtp = new Smtp();
    /** Lake-relative folder of notifications that were not (or could not be) sent by SMTP. */
    @NotBlank
    private String outbox = "_hub/outbox";

    public Map<String, Target> getTargets() {
        return targets;
    }

    public void setTargets(Map<String, Target> targets) {
        this.targets = targets;
    }

    public int getConcurrentReplications() {
        return concurrentReplications;
    }

    public void setConcurrentReplications(int concurrentReplications) {
        this.concurrentReplications = concurrentReplications;
    }

    public long getRowsPerFile() {
        return rowsPerFile;
    }

    public void setRowsPerFile(long rowsPerFile) {
        this.rowsPerFile = rowsPerFile;
    }

    public String getStagingDir() {
        return stagingDir;
    }

    public void setStagingDir(String stagingDir) {
        this.stagingDir = stagingDir;
    }

    public int getMaxRecipients() {
        return maxRecipients;
    }

    public void setMaxRecipients(int maxRecipients) {
        this.maxRecipients = maxRecipients;
    }

    public Smtp getSmtp() {
        return smtp;
    }

    public String getOutbox() {
        return outbox;
    }

    public void setOutbox(String outbox) {
        this.outbox = outbox;
    }

    /** Target kinds. */
    public enum TargetType {
        /** A folder on a file system the hub can write (rename is atomic inside it). */
        LOCAL,
        /** An Azure Blob Storage container (or Azurite), through the Blob endpoint. */
        BLOB,
        /** An Azure Data Lake Storage Gen2 file system (hierarchical namespace), through the dfs endpoint. */
        ADLS
    }

    /** {@code lakehub.replication.targets.<name>.*}: one place replicas may be written to. */
    public static class Target {
        /** local, blob or adls. */
        private TargetType type = TargetType.LOCAL;
        /** local: the root folder; replicas go below it, never outside. */
        private String root;
        /** blob: the container; adls: the file system. */
        private String container;
        /** blob and adls: a folder prefix inside the container that every replica goes below (may be blank). */
        private String path = "";
        /** blob and adls: a connection string (from the environment); takes precedence over account and key. */
        private String connectionString;
        /** blob and adls: the storage account name. */
        private String accountName;
        /** blob and adls: the account key (from the environment). */
        private String accountKey;
        /** blob and adls: the service endpoint; blank means https://account.blob|dfs.core.windows.net. */
        private String endpoint;

        public TargetType getType() {
            return type;
        }

        public void setType(TargetType type) {
            this.type = type;
        }

        public String getRoot() {
            return root;
        }

        public void setRoot(String root) {
            this.root = root;
        }

        public String getContainer() {
            return container;
        }

        public void setContainer(String container) {
            this.container = container;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getConnectionString() {
            return connectionString;
        }

        public void setConnectionString(String connectionString) {
            this.connectionString = connectionString;
        }

        public String getAccountName() {
            return accountName;
        }

        public void setAccountName(String accountName) {
            this.accountName = accountName;
        }

        public String getAccountKey() {
            return accountKey;
        }

        public void setAccountKey(String accountKey) {
            this.accountKey = accountKey;
        }

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }
    }

    /** {@code lakehub.replication.smtp.*}: where notification mails are sent (camel-mail). */
    public static class Smtp {
        /** SMTP server host; blank: mails go to the outbox folder instead. */
        private String host = "";
        /** SMTP server port. */
        @Min(1) @Max(65535)
        private int port = 25;
        /** SMTP user (blank: no authentication). */
        private String username = "";
        /** SMTP password (from the environment). */
        private String password = "";
        /** Sender address. */
        private String from = "lakehub@localhost";
        /** Retries of a failed send after the first attempt; when they are used up the mail goes to the outbox. */
        @PositiveOrZero
        private int maxRedeliveries = 2;
        /**
         * Pause between two attempts (the route's redelivery delay); a duration such as {@code 2s}, a bare number is
         * milliseconds.
         */
        @NotNull
        private Duration retryDelay = Duration.ofSeconds(2);
        /** Connect and read timeout of one attempt. */
        @NotNull
        private Duration timeout = Duration.ofSeconds(10);
        /** Upgrade the connection with STARTTLS when the server offers it. */
        private boolean starttls = false;

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
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

        public String getFrom() {
            return from;
        }

        public void setFrom(String from) {
            this.from = from;
        }

        public int getMaxRedeliveries() {
            return maxRedeliveries;
        }

        public void setMaxRedeliveries(int maxRedeliveries) {
            this.maxRedeliveries = maxRedeliveries;
        }

        public Duration getRetryDelay() {
            return retryDelay;
        }

        public void setRetryDelay(Duration retryDelay) {
            this.retryDelay = retryDelay;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public boolean isStarttls() {
            return starttls;
        }

        public void setStarttls(boolean starttls) {
            this.starttls = starttls;
        }

        /** Whether an SMTP server is configured. */
        public boolean configured() {
            return host != null && !host.isBlank();
        }
    }
}
