package io.lakehub.cluster;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code lakehub.cluster.*}: single-active polling when several hub instances share one lake.
 *
 * <p>When a lock {@link #getType() type} is chosen, each sql-incremental poll route
 * ({@code sql-incremental-poll-<source>}) runs on one instance at a time: the instance that leads namespace
 * {@code sql-incremental-<source>} in a Camel cluster service (SPI: https://camel.apache.org/manual/clustering.html).
 * The type decides which service:
 * <ul>
 *   <li>{@code file}: Camel's {@code FileLockClusterService} (camel-file), an OS file lock on {@code <root>/<namespace>}
 *   plus a heartbeat file {@code <root>/<namespace>.dat} that the leader rewrites every {@link #getHeartbeat() heartbeat}.
 *   A follower takes over once the heartbeat has not moved for {@link #getLease() lease}, so a dead instance's sources
 *   move within lease + one heartbeat. Needs a folder every instance can lock.</li>
 *   <li>{@code jdbc}: {@link JdbcClusterService}, Spring Integration's JDBC lock registry (table {@code INT_LOCK}) on
 *   {@link Jdbc#getDatasource() a data source} every instance reaches; the lock's time to live is {@link #getLease()
 *   lease}, renewed every {@link #getHeartbeat() heartbeat}.</li>
 *   <li>{@code kubernetes}: Camel's {@code KubernetesClusterService} (camel-kubernetes), one
 *   {@code coordination.k8s.io/v1} Lease per namespace, timed by {@link Kubernetes}.</li>
 *   <li>{@code camel}: kept for older configurations: the cluster service already in the Camel context.</li>
 *   <li>{@code none}: no lock.</li>
 * </ul>
 *
 * <p>Off by default: one instance needs no lock, and two instances without one stay correct (a load that
 * loses the race on the Delta {@code txn} fails and is retried), they only repeat each other's work.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.cluster")
public class ClusterProperties {

    /** The lock that keeps a poller single-active; see the class comment. */
    public enum Type {
        /** No lock: every instance polls. */
        NONE,
        /** Camel's file lock cluster service on {@code lakehub.cluster.root}. */
        FILE,
        /** A database lock: Spring Integration's JDBC lock registry with a leader initiator per namespace. */
        JDBC,
        /** A Kubernetes Lease per namespace (camel-kubernetes-cluster-service-starter). */
        KUBERNETES,
        /** Deprecated: whatever cluster service the Camel context already has. */
        CAMEL
    }

    /**
     * Deprecated switch of older configurations: {@code true} with type {@code none} means {@code file}, the type
     * these configurations got by default. Use {@link #getType() type} alone.
     */
    private boolean enabled = false;
    /** Lock implementation: {@code none}, {@code file}, {@code jdbc} or {@code kubernetes} ({@code camel} still accepted). */
    @NotNull
    private Type type = Type.NONE;
    /**
     * Type {@code file}: folder of the lock and heartbeat files; empty means {@code <lake>/_hub/cluster} for a local
     * lake (required for an {@code abfss://} lake, which has no file locks).
     */
    private String root = "";
    /** This instance's name in logs, run records and each load's lineage; empty means {@code <hostname>-<pid>}. */
    private String instanceId = "";
    /** Types file and jdbc: how often the leader renews its lock and followers try theirs; the same on every instance. */
    @NotNull
    private Duration heartbeat = Duration.ofSeconds(2);
    /**
     * Types file and jdbc: how long a silent leader keeps its sources before a follower takes them; a whole multiple
     * of heartbeat, at least 2x.
     */
    @NotNull
    private Duration lease = Duration.ofSeconds(10);
    /** Type {@code jdbc}: the lock database. */
    @Valid
    @NotNull
    private Jdbc jdbc = new Jdbc();
    /** Type {@code kubernetes}: the Lease settings. */
    @Valid
    @NotNull
    private Kubernetes kubernetes = new Kubernetes();

    /**
     * The lock in use: {@link #getType() type}, or {@code file} for the deprecated {@code enabled: true} with type
     * {@code none}.
     */
    public Type effectiveType() {
        return type == Type.NONE && enabled ? Type.FILE : type;
    }

    /** {@code lakehub.cluster.jdbc.*}: Spring Integration's {@code JdbcLockRegistry} (table {@code <prefix>LOCK}). */
    public static class Jdbc {
        /** Data source holding the lock table: {@code default} (spring.datasource) or a name under lakehub.datasources. */
        @NotBlank
        private String datasource = "default";
        /** Lock table prefix: the table is {@code <prefix>LOCK} ({@code INT_LOCK}, Spring Integration's default). */
        @NotBlank
        private String tablePrefix = "INT_";
        /** Region column of the lock rows: hubs with the same region compete, so one region per hub cluster. */
        @NotBlank
        private String region = "lakehub";
        /** Create the lock table at start when it is missing (Spring Integration's schema-&lt;database&gt;.sql). */
        private boolean initializeSchema = true;

        public String getDatasource() {
            return datasource;
        }

        public void setDatasource(String datasource) {
            this.datasource = datasource;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        public boolean isInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(boolean initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /**
     * {@code lakehub.cluster.kubernetes.*}: Camel's {@code KubernetesClusterService}, one Lease
     * {@code <lease-name>-<namespace>} per cluster namespace (Camel's Kubernetes cluster service page,
     * https://camel.apache.org/components/latest/others/kubernetes-cluster-service.html). The pod needs RBAC on
     * {@code coordination.k8s.io} leases (docker/k8s/rbac.yaml).
     */
    public static class Kubernetes {
        /** Kubernetes namespace of the Leases; empty means the pod's own (the service account's namespace). */
        private String namespace = "";
        /** Prefix of the Lease names, {@code <lease-name>-<cluster namespace>}. */
        @NotBlank
        private String leaseName = "lakehub";
        /** This pod's name, the Lease holder identity; empty means {@code HOSTNAME} (the pod name in Kubernetes). */
        private String podName = "";
        /** How long a Lease is valid after its last renewal: a dead leader's sources move after this. */
        @NotNull
        private Duration leaseDuration = Duration.ofSeconds(15);
        /** How long the leader keeps trying to renew before it gives the lead up; shorter than lease-duration. */
        @NotNull
        private Duration renewDeadline = Duration.ofSeconds(10);
        /** How often the leader renews and followers check; shorter than renew-deadline. */
        @NotNull
        private Duration retryPeriod = Duration.ofSeconds(2);
        /** API server URL; empty means in-cluster (the service account token and KUBERNETES_SERVICE_HOST). */
        private String masterUrl = "";

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public String getLeaseName() {
            return leaseName;
        }

        public void setLeaseName(String leaseName) {
            this.leaseName = leaseName;
        }

        public String getPodName() {
            return podName;
        }

        public void setPodName(String podName) {
            this.podName = podName;
        }

        public Duration getLeaseDuration() {
            return leaseDuration;
        }

        public void setLeaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
        }

        public Duration getRenewDeadline() {
            return renewDeadline;
        }

        public void setRenewDeadline(Duration renewDeadline) {
            this.renewDeadline = renewDeadline;
        }

        public Duration getRetryPeriod() {
            return retryPeriod;
        }

        public void setRetryPeriod(Duration retryPeriod) {
            this.retryPeriod = retryPeriod;
        }

        public String getMasterUrl() {
            return masterUrl;
        }

        public void setMasterUrl(String masterUrl) {
            this.masterUrl = masterUrl;
        }

        /**
         * Checks retry-period &lt; renew-deadline &lt; lease-duration, all positive (the order client-go's leader
         * election requires).
         *
         * @throws IllegalArgumentException naming the settings otherwise
         */
        public void validate() {
            if (retryPeriod.isNegative() || retryPeriod.isZero() || retryPeriod.compareTo(renewDeadline) >= 0
                    || renewDeadline.compareTo(leaseDuration) >= 0) {
                throw new IllegalArgumentException("lakehub.cluster.kubernetes needs 0 < retry-period (" + retryPeriod
                        + ") < renew-deadline (" + renewDeadline + ") < lease-duration (" + leaseDuration + ")");
            }
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
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

    public Jdbc getJdbc() {
        return jdbc;
    }

    public void setJdbc(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Kubernetes getKubernetes() {
        return kubernetes;
    }

    public void setKubernetes(Kubernetes kubernetes) {
        this.kubernetes = kubernetes;
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
