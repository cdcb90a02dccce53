package io.lakehub.replication;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * The configured replication targets ({@code lakehub.replication.targets}), by name. Only these can be
 * written to; a request naming another target is refused. Built at start, so a target with missing
 * settings stops the hub with a clear message rather than failing its first replication. Thread-safe.
 */
@Component
public class ReplicaTargets {

    private final Map<String, ReplicaTarget> byName = new LinkedHashMap<>();

    /**
     * @throws IllegalArgumentException if a target name is not {@code [A-Za-z0-9_-]+} or a target lacks a required setting
     */
    public ReplicaTargets(ReplicationProperties props) {
        Path staging = props.getStagingDir() == null || props.getStagingDir().isBlank()
                ? Paths.get(System.getProperty("java.io.tmpdir")) : Paths.get(props.getStagingDir());
        props.getTargets().forEach((name, config) -> {
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("replication target name must match [A-Za-z0-9_-]{1,64}: " + name);
            }
            byName.put(name, switch (config.getType()) {
                case LOCAL -> new LocalFolderTarget(name, config.getRoot());
                case BLOB -> new BlobContainerTarget(name, config, staging);
                case ADLS -> new AdlsGen2Target(name, config, staging);
            });
        });
    }

    /**
     * The target of that name.
     *
     * @throws IllegalArgumentException if no target has that name (the message lists the configured ones)
     */
    public ReplicaTarget get(String name) {
        ReplicaTarget t = name == null ? null : byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("target '" + name + "' is not a configured replication target; configured: "
                    + byName.keySet());
        }
        return t;
    }

    /** Target names and types, for the API (no settings, no credentials). */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        byName.forEach((n, t) -> out.put(n, t.type()));
        return out;
    }
}
