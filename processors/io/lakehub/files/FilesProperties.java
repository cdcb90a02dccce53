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
    /** Declared schemas, one per file kind; a file of a kind not listed lands in bronze only. */
    private List<FileKind> kinds = new ArrayList<>();

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

    public List<FileKind> getKinds() {
        return kinds;
    }

    public void setKinds(List<FileKind> kinds) {
        this.kinds = kinds;
    }

    /**
     * The declared kind a file name belongs to: the longest kind name the file name starts with,
     * followed by a dot or a dash ({@code title.basics.tsv.gz}, {@code title.basics-2025-02.tsv.gz}).
     *
     * @return the kind, or null when none is declared for it
     */
    public FileKind kindOf(String fileName) {
        FileKind best = null;
        for (FileKind k : kinds) {
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

    /** A comma-joined column and the bridge table it is exploded into. */
    public static class ArrayColumn {
        /** The source column, e.g. {@code genres}. */
        private String column;
        /** Bridge table {@code silver/<table>}, e.g. {@code imdb_title_genres}. */
        private String table;
        /** Name of the element column, e.g. {@code genre}. */
        private String element;

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
