package io.lakehub.delta;

import java.net.URI;
import java.nio.file.Paths;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The lake root and the Hadoop configuration every Delta and Parquet access goes through.
 *
 * <p>The root is one URI: a local folder by default ({@code ./lake}, resolved against the working
 * directory), or {@code abfss://container@account.dfs.core.windows.net/path} in Azure. Layout under
 * the root follows DESIGN.md: {@code bronze/}, {@code silver/}, {@code quarantine/}, {@code _hub/}.
 *
 * <p>Local paths use Hadoop's {@code RawLocalFileSystem}: the checksummed {@code LocalFileSystem}
 * would leave a {@code .crc} sidecar beside every data and log file, which Delta readers ignore but
 * which litter the lake and double the file count.
 */
public final class LakeStorage {

    private final String root;
    private final Map<String, String> hadoopSettings;
    private volatile Configuration hadoopConf;

    /**
     * @param root lake root: a plain local path (relative to the working directory or absolute), a
     *             {@code file:} URI, or any Hadoop filesystem URI such as {@code abfss://...}
     * @throws IllegalArgumentException if {@code root} is blank
     */
    public LakeStorage(String root) {
        this(root, Map.of());
    }

    /**
     * @param root           as {@link #LakeStorage(String)}
     * @param hadoopSettings Hadoop configuration keys set on top of {@link #hadoopConfiguration()}
     *                       ({@code lakehub.lake.hadoop.*}), e.g. the ABFS connector's
     *                       {@code fs.azure.account.auth.type} for an {@code abfss://} lake; values may be
     *                       secrets (a service principal's client secret) and are never logged; a blank
     *                       value leaves the key unset
     * @throws IllegalArgumentException if {@code root} is blank
     */
    public LakeStorage(String root, Map<String, String> hadoopSettings) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("lakehub.lake.root must be set (a folder or an abfss:// URI)");
        }
        this.root = normalise(root.trim());
        this.hadoopSettings = Map.copyOf(hadoopSettings);
    }

    private static String normalise(String root) {
        URI uri = URI.create(root.replace('\\', '/').replace(" ", "%20"));
        if (uri.getScheme() == null || uri.getScheme().length() == 1) {
            return Paths.get(root).toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
        }
        return root.replaceAll("/$", "");
    }

    /** A Hadoop configuration with raw local files (no {@code .crc}) and no filesystem cache sharing. */
    public static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        // Delta's default log store commits through FileContext: make its local form raw as well
        conf.set("fs.AbstractFileSystem.file.impl", "org.apache.hadoop.fs.local.RawLocalFs");
        // a local rename replaces its target: commits go through a hard link instead, so two hub
        // processes sharing a folder cannot overwrite each other's commit (AtomicLocalLogStore)
        // (delta-storage's per-scheme key, and Delta Kernel's default engine's own key for the same store)
        conf.set("delta.logStore.file.impl", AtomicLocalLogStore.class.getName());
        conf.set("io.delta.kernel.logStore.file.impl", AtomicLocalLogStore.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.setBoolean("parquet.enable.summary-metadata", false);
        return conf;
    }

    /** The lake root URI without a trailing slash, e.g. {@code file:/srv/hub/lake}. */
    public String root() {
        return root;
    }

    /**
     * The Hadoop configuration to open Delta logs and Parquet files with: {@link #hadoopConfiguration()}
     * plus the configured settings, created on first use (loading Hadoop's defaults takes a moment the
     * hub's start need not wait for).
     */
    public Configuration conf() {
        Configuration c = hadoopConf;
        if (c == null) {
            synchronized (this) {
                if (hadoopConf == null) {
                    Configuration created = hadoopConfiguration();
                    // a blank value means "not set", so one profile can list the keys of several sign-in modes
                    hadoopSettings.forEach((k, v) -> {
                        if (v != null && !v.isBlank()) {
                            created.set(k, v.trim());
                        }
                    });
                    hadoopConf = created;
                }
                c = hadoopConf;
            }
        }
        return c;
    }

    /** A path under the root; {@code relative} uses {@code /} separators, e.g. {@code silver/loans}. */
    public Path path(String relative) {
        return new Path(root + "/" + relative);
    }

    /** The Delta table {@code silver/<name>}. */
    public Path silverTable(String name) {
        return path("silver/" + name);
    }

    /** Whether {@code relative} is a local path (tests and the embedded default use a local lake). */
    public boolean isLocal() {
        return root.startsWith("file:");
    }
}
