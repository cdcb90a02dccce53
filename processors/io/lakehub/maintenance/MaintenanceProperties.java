package io.lakehub.maintenance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lakehub.delta.TableMaintenance;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.maintenance.*} settings: limits of OPTIMIZE and VACUUM, and the optional schedule
 * of each table. Every key is documented with its default in {@code application.yaml} and
 * docs/configuration.md; the operations themselves are described in {@link TableMaintenance}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.maintenance")
public class MaintenanceProperties {

    /**
     * Shortest VACUUM retention accepted, from the admin API or a schedule. Default 168 h, Delta's default
     * {@code delta.deletedFileRetentionDuration}.
     */
    @NotNull
    private Duration minRetention = TableMaintenance.DEFAULT_MIN_RETENTION;
    /** OPTIMIZE rewrites files with fewer rows than this into files of up to this many rows. Default 1,000,000. */
    @Positive
    private long targetFileRows = TableMaintenance.DEFAULT_TARGET_FILE_ROWS;
    /** Delay from start to the first run of each schedule. Default 10 minutes. */
    @NotNull
    private Duration initialDelay = Duration.ofMinutes(10);
    /** Schedules by silver table name ({@code silver/<name>}); a table not listed is maintained only on request. */
    private Map<String, TableSchedule> tables = new LinkedHashMap<>();
    /** The removal of failed attempts' files at start ({@link io.lakehub.delta.OrphanFiles}). */
    @Valid
    private OrphanFilesSettings orphanFiles = new OrphanFilesSettings();

    public OrphanFilesSettings getOrphanFiles() {
        return orphanFiles;
    }

    public void setOrphanFiles(OrphanFilesSettings orphanFiles) {
        this.orphanFiles = orphanFiles;
    }

    /**
     * {@code lakehub.maintenance.orphan-files.*}: at each start the hub removes what its own failed
     * attempts left and no commit can reference (stale {@code _staging/} files, never-committed hub data
     * files of silver tables), once older than {@code min-age}; the rule is in {@link io.lakehub.delta.OrphanFiles}.
     */
    public static class OrphanFilesSettings {
        /** Remove orphan files at start. Default true. */
        private boolean enabled = true;
        /**
         * Only files last modified longer ago than this are removed; far above the time from writing a
         * data file to committing it (a load: seconds to minutes), so a concurrent writer's file is safe. Default 24 h.
         */
        private Duration minAge = Duration.ofHours(24);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getMinAge() {
            return minAge;
        }

        /** @throws IllegalArgumentException if negative */
        public void setMinAge(Duration minAge) {
            if (minAge.isNegative()) {
                throw new IllegalArgumentException("lakehub.maintenance.orphan-files.min-age must not be negative: " + minAge);
            }
            this.minAge = minAge;
        }
    }

    public Duration getMinRetention() {
        return minRetention;
    }

    public void setMinRetention(Duration minRetention) {
        this.minRetention = minRetention;
    }

    public long getTargetFileRows() {
        return targetFileRows;
    }

    public void setTargetFileRows(long targetFileRows) {
        this.targetFileRows = targetFileRows;
    }

    public Duration getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }

    public Map<String, TableSchedule> getTables() {
        return tables;
    }

    public void setTables(Map<String, TableSchedule> tables) {
        this.tables = tables;
    }

    /**
     * The schedule of one table, {@code lakehub.maintenance.tables.<table>.*}. Each {@code *-every} is
     * the time from the end of one run to the start of the next; absent means that operation is not
     * scheduled.
     */
    public static class TableSchedule {
        /** OPTIMIZE period; absent: off. */
        private Duration optimizeEvery;
        /** VACUUM period; absent: off. */
        private Duration vacuumEvery;
        /** CHECKPOINT period; absent: off. */
        private Duration checkpointEvery;
        /** Retention of the scheduled VACUUM; absent: {@code lakehub.maintenance.min-retention}. */
        private Duration vacuumRetention;

        public Duration getOptimizeEvery() {
            return optimizeEvery;
        }

        public void setOptimizeEvery(Duration optimizeEvery) {
            this.optimizeEvery = optimizeEvery;
        }

        public Duration getVacuumEvery() {
            return vacuumEvery;
        }

        public void setVacuumEvery(Duration vacuumEvery) {
            this.vacuumEvery = vacuumEvery;
        }

        public Duration getCheckpointEvery() {
            return checkpointEvery;
        }

        public void setCheckpointEvery(Duration checkpointEvery) {
            this.checkpointEvery = checkpointEvery;
        }

        public Duration getVacuumRetention() {
            return vacuumRetention;
        }

        public void setVacuumRetention(Duration vacuumRetention) {
            this.vacuumRetention = vacuumRetention;
        }

        /** The period of operation {@code op} ({@code optimize}, {@code vacuum}, {@code checkpoint}), or null. */
        public Duration every(String op) {
            return switch (op) {
                case "optimize" -> optimizeEvery;
                case "vacuum" -> vacuumEvery;
                case "checkpoint" -> checkpointEvery;
                default -> throw new IllegalArgumentException("unknown maintenance operation " + op);
            };
        }
    }

    /**
     * Checks the settings; called once at start so a bad value stops the hub with the key named.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public void validate() {
        if (minRetention == null || minRetention.isNegative()) {
            throw new IllegalArgumentException("lakehub.maintenance.min-retention must be zero or more, not " + minRetention);
        }
        if (targetFileRows < 2) {
            throw new IllegalArgumentException("lakehub.maintenance.target-file-rows must be at least 2, not " + targetFileRows);
        }
        if (initialDelay == null || initialDelay.isNegative()) {
            throw new IllegalArgumentException("lakehub.maintenance.initial-delay must be zero or more, not " + initialDelay);
        }
        tables.forEach((table, s) -> {
            String key = "lakehub.maintenance.tables." + table + ".";
            if (!table.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException(key + ": a silver table name matches [A-Za-z0-9_]+");
            }
            for (String op : new String[] {"optimize", "vacuum", "checkpoint"}) {
                Duration every = s.every(op);
                if (every != null && (every.isZero() || every.isNegative())) {
                    throw new IllegalArgumentException(key + op + "-every must be positive, not " + every);
                }
            }
            if (s.vacuumRetention != null && s.vacuumRetention.compareTo(minRetention) < 0) {
                throw new IllegalArgumentException(key + "vacuum-retention (" + s.vacuumRetention + ") is shorter than "
                        + "lakehub.maintenance.min-retention (" + minRetention + ")");
            }
        });
    }
}
