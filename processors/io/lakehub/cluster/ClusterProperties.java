package io.lakehub.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lakehub.cluster.*}: single-active polling when several hub instances share one lake.
 *
 * <p>When enabled, each sql-incremental poll route ({@code sql-incremental-poll-<source>}) runs on one
 * instance at a time: the instance holding the lock of namespace {@code sql-incremental-<source>} in a
 * Camel cluster service. With type {@code file} that is Camel's {@code FileLockClusterService}
 * (camel-file), an OS file lock on {@code <root>/<namespace>} plus a heartbeat file
 * {@code <root>/<namespace>.dat} that the leader rewrites every {@link #getHeartbeat() heartbeat}. A follower
 * takes over once the heartbeat has not moved for {@link #getLease() lease} (Camel's
 * {@code acquireLockInterval} = heartbeat, {@code heartbeatTimeoutMultiplier} = lease / heartbeat), so a
 * dead instance's sources move within lease + one heartbeat. With type {@code camel} the lock is the
 * cluster service already in the Camel context (e.g. a Kubernetes Lease). See the Camel clustering page
 * (https://camel.apache.org/manual/clustering.html) for the SPI.
 *
 * <p>Off by default: one instance needs no lock, and two instances without one stay correct (a load that
 * loses the race on the Delta {@code txn} fails and is retried), they only repeat each other's work.
 */
@ConfigurationProperties(prefix = "lakehub.cluster")
public class ClusterProperties {

    /** Keep each sql-incremental poller active on one instance only. */
    private boolean enabled = false;
    /**
     * Lock implementation: {@code file} (a folder every instance can lock, on a local or shared disk), or
     * {@code camel} (the cluster service already in the Camel context, e.g. a Kubernetes Lease one; root,
     * heartbeat and lease then come from that service's own settings).
     */
    private String type = "file";
    /**
     * Folder of the lock and heartbeat files; empty means {@code <lake>/_hub/cluster} for a local lake
     * (required for an {@code abfss://} lake, which has no file locks).
     */
    private String root = "";
    /** This instance's name in logs, run records and each load's lineage; empty means {@code <hostname>-<pid>}. */
    private String instanceId = "";
    /** How often the leader renews its heartbeat and followers check it; the same on every instance. */
    private Duration heartbeat = Duration.ofSeconds(2);
    /** How long a silent leader keeps its sources before a follower takes them; a whole multiple of heartbeat, at least 2x. */
    private Duration lease = Duration.ofSeconds(10);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getRoot() {
        return root;
    }

    public void setRoot(String root) {
        this.root = root;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public Duration getHeartbeat() {
        return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    /**
     * Camel's {@code heartbeatTimeoutMultiplier}: lease / heartbeat.
     *
     * @throws IllegalArgumentException if heartbeat is not positive, or lease is not a whole multiple of
     *                                  heartbeat of at least 2
     */
    public int heartbeatMultiplier() {
        long hb = heartbeat.toMillis();
        long lz = lease.toMillis();
        if (hb <= 0) {
            throw new IllegalArgumentException("lakehub.cluster.heartbeat must be positive, got " + heartbeat);
        }
        if (lz % hb != 0 || lz / hb < 2) {
            throw new IllegalArgumentException("lakehub.cluster.lease (" + lease + ") must be a whole multiple of"
                    + " lakehub.cluster.heartbeat (" + heartbeat + "), at least twice it");
        }
        return (int) (lz / hb);
    }
}
