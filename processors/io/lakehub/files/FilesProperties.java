package io.lakehub.files;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code lakehub.files.*} settings of the files-ingest flow; each key is documented with its
 * default in {@code application.yaml}. On by default: the landing folder is created empty on start and
 * polled, so the embedded default ingests an IMDB dump dropped into it and needs nothing else.
 */
@ConfigurationProperties(prefix = "lakehub.files")
public class FilesProperties {

    /** Watch the landing folder (false: no route, no folder is created). */
    private boolean enabled = true;
    /** Landing folder (relative to the working directory or absolute); created if missing. */
    private String landing = "./landing/imdb";
    /** Processed files are moved to {@code <archive>/<yyyy-MM-dd>/<name>}. */
    private String archive = "./archive/imdb";
    /** Time from the end of one poll of the landing folder to the next. */
    private Duration pollDelay = Duration.ofSeconds(5);
    /** A file is taken only once its size and modification time stopped changing for this long. */
    private Duration settleTime = Duration.ofSeconds(2);
    /** Parquet row group size of the bronze files; bounds the memory of a conversion. */
    private DataSize rowGroupSize = DataSize.ofMegabytes(32);
    /** Rows per silver data file. */
    private long rowsPerFile = 1_000_000;
    /**
     * Bad records a landed file may have while its good rows land (each rejected to quarantine with its line
     * and reason), for the kinds that set no {@code max-bad-rows} and for files of no declared kind: a count
     * ({@code 100}) or a fraction of the records read ({@code 0.01}, {@code 1%}); {@code 0}: the first bad
     * record quarantines the whole file. See {@link BadRowLimit}.
     */
    private String maxBadRows = "0";
    /** Declared schemas, one per file kind; a file of a kind not listed lands in bronze only. */
    private List<FileKind> kinds = new ArrayList<>();
    /**
     * Where files come from, one route per landing; empty: one local landing named {@value #DEFAULT_LANDING}
     * made of {@link #landing}, {@link #archive}, {@link #pollDelay} and {@link #settleTime}.
     */
    private List<Landing> landings = new ArrayList<>();

    /** Name of the landing made of the flat keys when {@code landings} is empty. */
    public static final String DEFAULT_LANDING = "local";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getLanding() {
        return landing;
    }

    public void setLanding(String landing) {
        this.landing = landing;
    }

    public String getArchive() {
        return archive;
    }

    public void setArchive(String archive) {
        this.archive = archive;
    }

    public Duration getPollDelay() {
        return pollDelay;
    }

    public void setPollDelay(Duration pollDelay) {
        this.pollDelay = pollDelay;
    }

    public Duration getSettleTime() {
        return settleTime;
    }

    public void setSettleTime(Duration settleTime) {
        this.settleTime = settleTime;
    }

    public DataSize getRowGroupSize() {
        return rowGroupSize;
    }

    /** @throws IllegalArgumentException if below 1 MiB or above 1 GiB */
    public void setRowGroupSize(DataSize rowGroupSize) {
        if (rowGroupSize.toBytes() < DataSize.ofMegabytes(1).toBytes() || rowGroupSize.toBytes() > DataSize.ofGigabytes(1).toBytes()) {
            throw new IllegalArgumentException("lakehub.files.row-group-size must be between 1MB and 1GB: " + rowGroupSize);
        }
        this.rowGroupSize = rowGroupSize;
    }

    public long getRowsPerFile() {
        return rowsPerFile;
    }

    /** @throws IllegalArgumentException if not positive */
    public void setRowsPerFile(long rowsPerFile) {
        if (rowsPerFile <= 0) {
            throw new IllegalArgumentException("lakehub.files.rows-per-file must be positive: " + rowsPerFile);
        }
        this.rowsPerFile = rowsPerFile;
    }

    public String getMaxBadRows() {
        return maxBadRows;
    }

    /** @throws IllegalArgumentException if not a count or a fraction (see {@link BadRowLimit#parse}) */
    public void setMaxBadRows(String maxBadRows) {
        BadRowLimit.parse(maxBadRows, "lakehub.files.max-bad-rows");
        this.maxBadRows = maxBadRows;
    }

    /** The threshold of a kind: its own {@code max-bad-rows}, else {@link #maxBadRows}; {@code kind} may be null. */
    public BadRowLimit badRowLimit(FileKind kind) {
        if (kind != null && kind.getMaxBadRows() != null && !kind.getMaxBadRows().isBlank()) {
            return BadRowLimit.parse(kind.getMaxBadRows(), "lakehub.files.kinds[" + kind.getName() + "].max-bad-rows");
        }
        return BadRowLimit.parse(maxBadRows, "lakehub.files.max-bad-rows");
    }

    public List<FileKind> getKinds() {
        return kinds;
    }

    public List<Landing> getLandings() {
        return landings;
    }

    public void setLandings(List<Landing> landings) {
        this.landings = landings;
    }

    /**
     * The landings to watch: {@link #landings} with their poll and settle times defaulted from the flat
     * keys, or, when none is declared, the local landing {@value #DEFAULT_LANDING} of {@link #landing} and
     * {@link #archive}.
     *
     * @throws IllegalArgumentException naming {@code lakehub.files.landings[i]} and the missing or bad
     *                                  setting, if a landing is incomplete or two share a name
     */
    public List<Landing> effectiveLandings() {
        List<Landing> out = new ArrayList<>();
        if (landings.isEmpty()) {
            Landing l = new Landing();
            l.setName(DEFAULT_LANDING);
            l.setType(LandingType.LOCAL);
            l.setPath(landing);
            l.setArchive(archive);
            out.add(l);
        } else {
            out.addAll(landings);
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < out.size(); i++) {
            Landing l = out.get(i);
            if (l.getPollDelay() == null) {
                l.setPollDelay(pollDelay);
            }
            if (l.getSettleTime() == null) {
                l.setSettleTime(settleTime);
            }
            l.validate("lakehub.files.landings[" + i + "]");
            if (!names.add(l.getName())) {
                throw new IllegalArgumentException("lakehub.files.landings[" + i + "]: the name '" + l.getName()
                        + "' is used by an earlier landing");
            }
        }
        return out;
    }

    public void setKinds(List<FileKind> kinds) {
        this.kinds = kinds;
    }

    /**
     * The declared kind a file name belongs to: the first kind whose {@code pattern} (a regular expression)
     * matches the whole name, else the longest kind name without a pattern that the file name starts with,
     * followed by a dot or a dash ({@code title.basics.tsv.gz}, {@code title.basics-2025-02.tsv.gz}).
     *
     * @return the kind, or null when none is declared for it
     */
    public FileKind kindOf(String fileName) {
        FileKind best = null;
        for (FileKind k : kinds) {
            if (k.getPattern() != null && !k.getPattern().isBlank()) {
                if (java.util.regex.Pattern.compile(k.getPattern()).matcher(fileName).matches()) {
                    return k;
                }
                continue;
            }
            String n = k.getName();
            if (n != null && fileName.length() > n.length() && fileName.startsWith(n)
                    && (fileName.charAt(n.length()) == '.' || fileName.charAt(n.length()) == '-')
                    && (best == null || n.length() > best.getName().length())) {
                best = k;
            }
        }
        return best;
    }

    /**
     * One file kind (e.g. IMDB's {@code title.basics}) and its silver schema. Column and type
     * names follow IMDB's dataset page (developer.imdb.com/non-commercial-datasets).
     */
    public static class FileKind {
        /** File name prefix, e.g. {@code title.basics}; also the bronze folder {@code bronze/files/<name>/}. */
        private String name;
        /** Silver table of the scalar columns, {@code silver/<table>}. */
        private String table;
        /** The column that identifies a row; the first column of every bridge table. */
        private String key;
        /** Scalar silver columns as {@code "<name> <type>"}, type string (default), int, long, double or boolean (0/1). */
        private List<String> columns = new ArrayList<>();
        /** Comma-joined columns exploded into bridge tables {@code (key, element)}. */
        private List<ArrayColumn> arrays = new ArrayList<>();
        /**
         * The columns that identify a row of the main table, written as its {@code lakehub.keys} table
         * property (the default key of a version diff); empty: {@link #key} alone. Bridge tables get
         * {@code (key, element)}.
         */
        private List<String> keys = new ArrayList<>();
        /**
         * A dump with fewer rows than this fraction of the rows the main table holds now is held in
         * quarantine instead of replacing the tables (a cut or partial export); 0 turns the check off.
         */
        private double minRowsRatio = 0.5;
        /** Whether a dump with a header and no rows may replace (or create) the tables with empty ones. */
        private boolean allowEmpty = false;
        /**
         * A regular expression the whole file name must match to be of this kind (e.g. {@code users.*\\.jsonl(\\.gz)?});
         * empty: the file name starts with {@link #name} and a dot or a dash.
         */
        private String pattern;
        /** The format of the kind's files (tsv, csv, jsonl, json); empty: from the file extension. */
        private DumpReader.Format format;
        /**
         * JSON formats: keep the fields the columns and arrays do not name in the column {@value DeclaredSchema#RESCUED}
         * (JSON text, null when there are none), as Databricks Auto Loader's rescued data column does; false drops them.
         */
        private boolean rescue = true;
        /** Bad records a file may have while its good rows land (a count or a fraction); empty: {@code lakehub.files.max-bad-rows}. */
        private String maxBadRows;
        /**
         * How a file changes the tables: {@code overwrite} (a full snapshot replaces every table of the kind, as an
         * IMDB dump) or {@code merge} (an upsert by {@code keys}: a file of a few records, such as one product).
         */
        private WriteMode mode = WriteMode.OVERWRITE;

        public String getPattern() {
            return pattern;
        }

        /** @throws IllegalArgumentException if not a regular expression */
        public void setPattern(String pattern) {
            if (pattern != null && !pattern.isBlank()) {
                try {
                    java.util.regex.Pattern.compile(pattern);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("lakehub.files.kinds[" + name + "].pattern is not a regular expression: "
                            + e.getMessage());
                }
            }
            this.pattern = pattern;
        }

        public DumpReader.Format getFormat() {
            return format;
        }

        public void setFormat(DumpReader.Format format) {
            this.format = format;
        }

        public boolean isRescue() {
            return rescue;
        }

        public void setRescue(boolean rescue) {
            this.rescue = rescue;
        }

        public String getMaxBadRows() {
            return maxBadRows;
        }

        /** @throws IllegalArgumentException if not a count or a fraction */
        public void setMaxBadRows(String maxBadRows) {
            BadRowLimit.parse(maxBadRows, "lakehub.files.kinds[" + name + "].max-bad-rows");
            this.maxBadRows = maxBadRows;
        }

        public WriteMode getMode() {
            return mode;
        }

        public void setMode(WriteMode mode) {
            this.mode = mode;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getTable() {
            return table;
        }

        /** @throws IllegalArgumentException if not {@code [A-Za-z0-9_]+} */
        public void setTable(String table) {
            requireTableName(table);
            this.table = table;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public List<String> getColumns() {
            return columns;
        }

        public void setColumns(List<String> columns) {
            this.columns = columns;
        }

        public List<ArrayColumn> getArrays() {
            return arrays;
        }

        public void setArrays(List<ArrayColumn> arrays) {
            this.arrays = arrays;
        }

        public List<String> getKeys() {
            return keys;
        }

        public void setKeys(List<String> keys) {
            this.keys = keys;
        }

        public double getMinRowsRatio() {
            return minRowsRatio;
        }

        /** @throws IllegalArgumentException if not within [0, 1] */
        public void setMinRowsRatio(double minRowsRatio) {
            if (!(minRowsRatio >= 0 && minRowsRatio <= 1)) {
                throw new IllegalArgumentException("lakehub.files.kinds[" + name + "].min-rows-ratio must be between 0 and 1: "
                        + minRowsRatio);
            }
            this.minRowsRatio = minRowsRatio;
        }

        public boolean isAllowEmpty() {
            return allowEmpty;
        }

        public void setAllowEmpty(boolean allowEmpty) {
            this.allowEmpty = allowEmpty;
        }
    }

    /** How a file of a kind changes its silver tables. */
    public enum WriteMode {
        /** Replace every table of the kind in one commit each (a full snapshot; time travel keeps the previous one). */
        OVERWRITE,
        /** Upsert the main table by its keys (copy-on-write MERGE with a {@code txn}); bridge rows of the incoming keys are replaced. */
        MERGE
    }

    /** Kind of storage a landing is. */
    public enum LandingType {
        /** A folder of the hub's file system (or a mount of a container), read with Camel's {@code file:}. */
        LOCAL,
        /** An Azure Blob Storage container, listed and read with camel-azure-storage-blob and the Blob SDK. */
        BLOB,
        /** An Azure Data Lake Storage Gen2 file system (hierarchical namespace), through its {@code dfs} endpoint. */
        ADLS
    }

    /** How a blob or ADLS landing authenticates; every secret comes from the environment. */
    public enum LandingCredential {
        /** The first of connection-string, sas-token, account-key that is set, else Azure identity. */
        AUTO,
        /** {@code connection-string} (the account's, or Azurite's). */
        CONNECTION_STRING,
        /** {@code account} and {@code account-key} (Shared Key). */
        ACCOUNT_KEY,
        /** {@code account} and {@code sas-token} (a service or account SAS with read, list, write/create and delete). */
        SAS,
        /**
         * {@code account} and Azure identity: {@code DefaultAzureCredential} (environment service principal,
         * workload identity, managed identity, Azure CLI), learn.microsoft.com/azure/developer/java/sdk/authentication/credential-chains.
         */
        AZURE_IDENTITY
    }

    /**
     * One landing: where files of a source arrive, and where they go after their silver commit. A local
     * landing is a folder ({@code path}, archive folder {@code archive}); a blob or ADLS landing is a
     * container or file system with a {@code prefix} that is watched and an {@code archive-prefix} that
     * ingested files are moved under ({@code <archive-prefix>/<yyyy-MM-dd>/<name>}). Validated by
     * {@link #validate}; the credentials are checked when the client is built (LandingClients).
     */
    public static class Landing {
        /** Name of the landing, {@code [A-Za-z0-9_-]+}: route {@code files-ingest-<name>}, and each run's lineage. */
        private String name;
        /** Kind of storage. */
        private LandingType type = LandingType.LOCAL;
        /** local: the folder to watch, created if missing. */
        private String path;
        /** local: ingested files move to {@code <archive>/<yyyy-MM-dd>/<name>}. */
        private String archive;
        /** blob: the container; adls: the file system. */
        private String container;
        /** blob/adls: only files under this prefix (a folder, no leading slash; empty: the whole container). */
        private String prefix = "";
        /** blob/adls: ingested files move under this prefix, which must not lie under {@code prefix}. */
        private String archivePrefix = "archive";
        /** Time from the end of one poll to the next (default {@code lakehub.files.poll-delay}). */
        private Duration pollDelay;
        /** A file is taken only once unchanged for this long (default {@code lakehub.files.settle-time}). */
        private Duration settleTime;
        /** blob/adls: the storage account name (not needed with a connection string). */
        private String account;
        /** blob/adls: service endpoint; empty: {@code https://<account>.blob.core.windows.net} or {@code .dfs.core.windows.net}. */
        private String endpoint;
        /** blob/adls: how to authenticate. */
        private LandingCredential credential = LandingCredential.AUTO;
        /** blob/adls: a connection string (secret: from the environment). */
        private String connectionString;
        /** blob/adls: the account key (secret: from the environment). */
        private String accountKey;
        /** blob/adls: a SAS token, with or without its leading {@code ?} (secret: from the environment). */
        private String sasToken;
        /** blob/adls, Azure identity: the client id of a user-assigned managed identity (empty: the default one). */
        private String managedIdentityClientId;

        /**
         * Checks the settings that do not depend on the credentials.
         *
         * @param where the configuration path for messages, e.g. {@code lakehub.files.landings[0]}
         * @throws IllegalArgumentException naming the setting
         */
        public void validate(String where) {
            String at = where + (name == null ? "" : " (" + name + ")");
            if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException(at + ".name must match [A-Za-z0-9_-]+: " + name);
            }
            if (type == null) {
                throw new IllegalArgumentException(at + ".type must be local, blob or adls");
            }
            if (type == LandingType.LOCAL) {
                if (blank(path)) {
                    throw new IllegalArgumentException(at + ".path: a local landing needs the folder to watch");
                }
                if (blank(archive)) {
                    throw new IllegalArgumentException(at + ".archive: a local landing needs the folder ingested files move to");
                }
                return;
            }
            if (blank(container)) {
                throw new IllegalArgumentException(at + ".container: a " + type.name().toLowerCase(java.util.Locale.ROOT)
                        + " landing needs the " + (type == LandingType.BLOB ? "container" : "file system"));
            }
            String p = folder(prefix);
            String a = folder(archivePrefix);
            if (a.isEmpty()) {
                throw new IllegalArgumentException(at + ".archive-prefix must not be empty: ingested files would stay in the landing");
            }
            if (p.isEmpty() || a.startsWith(p)) {
                throw new IllegalArgumentException(at + ".archive-prefix '" + archivePrefix + "' lies under the watched prefix '"
                        + prefix + "': archived files would be ingested again; set a prefix (e.g. incoming) beside the archive");
            }
            if (p.startsWith(a)) {
                throw new IllegalArgumentException(at + ".prefix '" + prefix + "' lies under archive-prefix '" + archivePrefix + "'");
            }
        }

        /** A prefix as a folder: no leading slash, one trailing slash, or empty. */
        public static String folder(String prefix) {
            if (prefix == null) {
                return "";
            }
            String p = prefix.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            return p.isEmpty() ? "" : p + "/";
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public LandingType getType() {
            return type;
        }

        public void setType(LandingType type) {
            this.type = type;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getArchive() {
            return archive;
        }

        public void setArchive(String archive) {
            this.archive = archive;
        }

        public String getContainer() {
            return container;
        }

        public void setContainer(String container) {
            this.container = container;
        }

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        public String getArchivePrefix() {
            return archivePrefix;
        }

        public void setArchivePrefix(String archivePrefix) {
            this.archivePrefix = archivePrefix;
        }

        public Duration getPollDelay() {
            return pollDelay;
        }

        public void setPollDelay(Duration pollDelay) {
            this.pollDelay = pollDelay;
        }

        public Duration getSettleTime() {
            return settleTime;
        }

        public void setSettleTime(Duration settleTime) {
            this.settleTime = settleTime;
        }

        public String getAccount() {
            return account;
        }

        public void setAccount(String account) {
            this.account = account;
        }

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        public LandingCredential getCredential() {
            return credential;
        }

        public void setCredential(LandingCredential credential) {
            this.credential = credential;
        }

        public String getConnectionString() {
            return connectionString;
        }

        public void setConnectionString(String connectionString) {
            this.connectionString = connectionString;
        }

        public String getAccountKey() {
            return accountKey;
        }

        public void setAccountKey(String accountKey) {
            this.accountKey = accountKey;
        }

        public String getSasToken() {
            return sasToken;
        }

        public void setSasToken(String sasToken) {
            this.sasToken = sasToken;
        }

        public String getManagedIdentityClientId() {
            return managedIdentityClientId;
        }

        public void setManagedIdentityClientId(String managedIdentityClientId) {
            this.managedIdentityClientId = managedIdentityClientId;
        }

        /** Never the secrets (DESIGN.md invariant 7). */
        @Override
        public String toString() {
            return type == LandingType.LOCAL ? "local " + path
                    : type.name().toLowerCase(java.util.Locale.ROOT) + " " + container + "/" + folder(prefix);
        }
    }

    /** A comma-joined column and the bridge table it is exploded into. */
    public static class ArrayColumn {
        /** The source column, e.g. {@code genres}. */
        private String column;
        /** Bridge table {@code silver/<table>}, e.g. {@code imdb_title_genres}. */
        private String table;
        /** Name of the element column, e.g. {@code genre}. */
        private String element;
        /** JSON: for an array of objects, the path of the element's field to keep (e.g. {@code name}); empty: the element's JSON text. */
        private String field;

        public String getField() {
            return field;
        }

        public void setField(String field) {
            this.field = field;
        }

        public String getColumn() {
            return column;
        }

        public void setColumn(String column) {
            this.column = column;
        }

        public String getTable() {
            return table;
        }

        /** @throws IllegalArgumentException if not {@code [A-Za-z0-9_]+} */
        public void setTable(String table) {
            requireTableName(table);
            this.table = table;
        }

        public String getElement() {
            return element;
        }

        public void setElement(String element) {
            this.element = element;
        }
    }

    private static void requireTableName(String table) {
        if (table == null || !table.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("lakehub.files.kinds: a table name must match [A-Za-z0-9_]+: " + table);
        }
    }
}
