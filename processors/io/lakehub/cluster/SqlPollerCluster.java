package io.lakehub.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.lakehub.config.LakeConfiguration.DataSources;
import io.lakehub.delta.LakeStorage;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.ServiceStatus;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.stereotype.Component;

/**
 * Single-active sql-incremental polling and tmdb-pull scheduling: when {@code lakehub.cluster.type} is not
 * {@code none}, every route {@code sql-incremental-poll-<source>} gets a Camel {@link ClusteredRoutePolicy} for
 * namespace {@code sql-incremental-<source>}, so it is started only on the instance that leads that namespace in
 * the cluster service of that type, and stopped when that instance loses the lead. Sources lead independently, so several sources may spread over several instances.
 *
 * <p>A route policy factory rather than a {@code master:} endpoint keeps the route template in
 * routes/sql-incremental.camel.yaml the same with clustering on or off. The admin API's "run now" and
 * {@code --once} do not go through the poll route; a load they start beside the active poller stays
 * correct (the Delta {@code txn} check makes one of two concurrent loads of a source fail and retry).
 *
 * <p>{@code lakehub.cluster.type} picks the service, built here from {@code lakehub.cluster.*}: {@code file}
 * (Camel's file lock service), {@code jdbc} ({@link JdbcClusterService}, a database lock), {@code kubernetes}
 * (Camel's Kubernetes Lease service); {@code camel}, kept for older configurations, uses the cluster service
 * already in the Camel context. Camel's own auto-configured Kubernetes service stays off
 * ({@code camel.cluster.kubernetes.enabled=false} in application.yaml): it would contact an API server on
 * every start, whatever the type.
 *
 * <p>Failure outcome: a lock folder that cannot be created, a lock database or API server that the service
 * cannot start on, or type {@code camel} without a cluster service, fails the start with the reason.
 */
@Component
public class SqlPollerCluster implements CamelContextConfiguration, RoutePolicyFactory {

    /** Route ids this factory manages, {@code sql-incremental-poll-<source>} (routes/sql-incremental.camel.yaml). */
    public static final String ROUTE_PREFIX = "sql-incremental-poll-";

    /** The scheduled tmdb-pull route (routes/tmdb-pull.camel.yaml), single-active in namespace {@code tmdb-pull}. */
    public static final String TMDB_SCHEDULE_ROUTE = "tmdb-pull-schedule";

    private static final Logger LOG = LoggerFactory.getLogger(SqlPollerCluster.class);

    private final ClusterProperties props;
    private final HubInstance instance;
    private final LakeStorage lake;
    private final boolean once;
    private final DataSources dataSources;
    private final Map<String, ClusteredRoutePolicy> policies = new ConcurrentHashMap<>();
    private volatile CamelClusterService service;
    private volatile boolean active;

    /** Without named data sources: types none, file, kubernetes and camel (tests). */
    public SqlPollerCluster(ClusterProperties props, HubInstance instance, LakeStorage lake, ApplicationArguments args) {
        this(props, instance, lake, args, new DataSources(Map.of()));
    }

    /** @param dataSources where type {@code jdbc} finds {@code lakehub.cluster.jdbc.datasource} */
    @Autowired
    public SqlPollerCluster(ClusterProperties props, HubInstance instance, LakeStorage lake, ApplicationArguments args,
            DataSources dataSources) {
        this.props = props;
        this.instance = instance;
        this.lake = lake;
        this.once = args.containsOption("once");
        this.dataSources = dataSources;
    }

    /** The namespace (lock name) of a source: {@code sql-incremental-<source>}. */
    public static String namespace(String source) {
        return "sql-incremental-" + source;
    }

    /**
     * The lock folder: {@code lakehub.cluster.root}, or {@code <lake>/_hub/cluster} for a local lake.
     *
     * @throws IllegalArgumentException if no root is set and the lake is not a local folder
     */
    public static Path lockRoot(ClusterProperties props, LakeStorage lake) {
        if (props.getRoot() != null && !props.getRoot().isBlank()) {
            return Paths.get(props.getRoot().trim()).toAbsolutePath().normalize();
        }
        if (!lake.isLocal()) {
            throw new IllegalArgumentException("lakehub.cluster.root must be set to a folder every instance can lock"
                    + " (e.g. an Azure Files mount): the lake " + lake.root() + " has no file locks");
        }
        return Paths.get(java.net.URI.create(lake.root())).resolve("_hub").resolve("cluster");
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        ClusterProperties.Type type = props.effectiveType();
        if (type == ClusterProperties.Type.NONE || once) {
            return;
        }
        if (type == ClusterProperties.Type.CAMEL) {
            LOG.info("cluster: instance {} joins single-active sql-incremental polling through the"
                    + " Camel cluster service of the context", instance.id());
        } else {
            CamelClusterService s = switch (type) {
                case FILE -> fileLockService();
                case JDBC -> jdbcService(props, instance, dataSources.get(props.getJdbc().getDatasource()));
                case KUBERNETES -> kubernetesService(props, instance);
                default -> throw new IllegalStateException("unreachable: " + type);
            };
            try {
                camelContext.addService(s, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the " + type.name().toLowerCase(java.util.Locale.ROOT)
                        + " cluster service: " + e.getMessage(), e);
            }
            this.service = s;
            LOG.info("cluster: instance {} joins single-active sql-incremental polling, lock {} ({})", instance.id(),
                    type.name().toLowerCase(java.util.Locale.ROOT), describe(s));
        }
        this.active = true;
        camelContext.addRoutePolicyFactory(this);
    }

    private String describe(CamelClusterService s) {
        if (s instanceof FileLockClusterService f) {
            return "locks in " + f.getRoot() + ", heartbeat " + props.getHeartbeat() + ", lease " + props.getLease();
        }
        if (s instanceof JdbcClusterService j) {
            return "table " + j.table() + " of data source " + props.getJdbc().getDatasource() + ", region "
                    + props.getJdbc().getRegion() + ", heartbeat " + j.heartbeat() + ", ttl " + j.ttl();
        }
        if (s instanceof KubernetesClusterService k) {
            return "Leases " + k.getKubernetesResourceName() + "-<namespace> as " + k.getPodName() + ", lease duration "
                    + k.getLeaseDurationMillis() + " ms, renew deadline " + k.getRenewDeadlineMillis()
                    + " ms, retry period " + k.getRetryPeriodMillis() + " ms";
        }
        return s.getClass().getSimpleName();
    }

    /**
     * The database lock service of type {@code jdbc}: lock table {@code lakehub.cluster.jdbc.table-prefix + LOCK}
     * in {@code dataSource}, region {@code lakehub.cluster.jdbc.region}, ttl {@code lakehub.cluster.lease},
     * renewed every {@code lakehub.cluster.heartbeat}; member id the instance id. Not started.
     *
     * @throws IllegalArgumentException on a lease shorter than two heartbeats or a bad table prefix
     */
    public static JdbcClusterService jdbcService(ClusterProperties props, HubInstance instance, DataSource dataSource) {
        ClusterProperties.Jdbc j = props.getJdbc();
        return new JdbcClusterService(instance.id(), dataSource, j.getTablePrefix(), j.getRegion(), props.getLease(),
                props.getHeartbeat(), j.isInitializeSchema());
    }

    /**
     * The Kubernetes Lease service of type {@code kubernetes} ({@code lakehub.cluster.kubernetes.*}): Leases
     * ({@code coordination.k8s.io/v1}) named {@code <lease-name>-<namespace>} in the configured Kubernetes
     * namespace (empty: the pod's), holder identity the pod name ({@code pod-name}, else {@code HOSTNAME}, else
     * the instance id). Not started: starting it contacts the API server.
     *
     * @throws IllegalArgumentException when the timings are not retry-period &lt; renew-deadline &lt; lease-duration
     */
    public static KubernetesClusterService kubernetesService(ClusterProperties props, HubInstance instance) {
        ClusterProperties.Kubernetes k = props.getKubernetes();
        k.validate();
        KubernetesClusterService s = new KubernetesClusterService();
        String pod = blankToNull(k.getPodName());
        if (pod == null) {
            pod = blankToNull(System.getenv("HOSTNAME"));
        }
        if (pod == null) {
            pod = instance.id();
        }
        s.setId(pod);
        s.setPodName(pod);
        s.setLeaseResourceType(LeaseResourceType.Lease);
        s.setKubernetesResourceName(k.getLeaseName());
        String ns = blankToNull(k.getNamespace());
        if (ns != null) {
            s.setKubernetesNamespace(ns);
        }
        String master = blankToNull(k.getMasterUrl());
        if (master != null) {
            s.setMasterUrl(master);
        }
        s.setLeaseDurationMillis(k.getLeaseDuration().toMillis());
        s.setRenewDeadlineMillis(k.getRenewDeadline().toMillis());
        s.setRetryPeriodMillis(k.getRetryPeriod().toMillis());
        return s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private FileLockClusterService fileLockService() {
        int multiplier = props.heartbeatMultiplier();
        Path root = lockRoot(props, lake);
        try {
            Files.createDirectories(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the cluster lock folder " + root + ": " + e.getMessage(), e);
        }
        FileLockClusterService s = new FileLockClusterService();
        s.setId(instance.id());
        s.setRoot(root.toString());
        long heartbeat = props.getHeartbeat().toMillis();
        s.setAcquireLockInterval(heartbeat, TimeUnit.MILLISECONDS);
        // the first attempt waits one heartbeat when another member's files exist, as a follower would
        s.setAcquireLockDelay(heartbeat, TimeUnit.MILLISECONDS);
        s.setHeartbeatTimeoutMultiplier(multiplier);
        return s;
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    /**
     * A {@link ClusteredRoutePolicy} for {@code sql-incremental-poll-<source>} (namespace
     * {@code sql-incremental-<source>}) and for {@value #TMDB_SCHEDULE_ROUTE} (namespace {@code tmdb-pull}),
     * null for every other route.
     *
     * @throws IllegalStateException with type {@code camel}, when the context has no cluster service
     */
    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (!active || routeId == null) {
            return null;
        }
        String ns;
        String what;
        if (routeId.startsWith(ROUTE_PREFIX)) {
            ns = namespace(routeId.substring(ROUTE_PREFIX.length()));
            what = "poller of sql-incremental " + routeId.substring(ROUTE_PREFIX.length());
        } else if (TMDB_SCHEDULE_ROUTE.equals(routeId)) {
            ns = "tmdb-pull";
            what = "scheduler of tmdb-pull";
        } else {
            return null;
        }
        return policies.computeIfAbsent(ns, src -> {
            CamelClusterService s = clusterService(camelContext);
            ClusteredRoutePolicy p;
            try {
                p = ClusteredRoutePolicy.forNamespace(s, ns);
                CamelClusterView view = s.getView(ns);
                AtomicBoolean leading = new AtomicBoolean();
                view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) -> {
                    boolean now = v.getLocalMember().isLeader();
                    // the view also reports "no leader" when it starts: log changes only
                    if (leading.getAndSet(now) != now) {
                        LOG.info("cluster: instance {} {} the active {}", instance.id(),
                                now ? "is now" : "is no longer", what);
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException("cannot open cluster view " + ns + ": " + e.getMessage(), e);
            }
            return p;
        });
    }

    private CamelClusterService clusterService(CamelContext camelContext) {
        CamelClusterService s = service;
        if (s == null) {
            // type camel: the service a starter registered (camel.cluster.kubernetes.*, camel.cluster.file.*, ...)
            s = ClusterServiceHelper.lookupService(camelContext).orElseThrow(() -> new IllegalStateException(
                    "lakehub.cluster.type=camel, but the Camel context has no cluster service: add one, e.g."
                            + " camel-kubernetes-cluster-service-starter with camel.cluster.kubernetes.enabled=true"));
            service = s;
        }
        return s;
    }

    /** Whether single-active polling is on in this process. */
    public boolean enabled() {
        return active;
    }

    /**
     * Whether this instance polls a source now: its poll route is started (always the case without
     * clustering, only on the leader of the source's namespace with it).
     */
    public boolean polling(CamelContext camelContext, String source) {
        ServiceStatus status = camelContext.getRouteController().getRouteStatus(ROUTE_PREFIX + source);
        return status != null && status.isStarted();
    }

    /**
     * Whether this instance may start a load of a source now: always without clustering, and for a source whose
     * poller is not clustered here (a disabled one); with clustering, only on the leader of its namespace.
     *
     * @throws NotLeaderException on a follower, with the leader's id when the cluster view reports a remote leader
     */
    public void requireLeader(String source) {
        Optional<CamelClusterView> view = view(source);
        if (view.isEmpty() || view.get().getLocalMember().isLeader()) {
            return;
        }
        throw new NotLeaderException(source, instance.id(), leaderOf(view.get()));
    }

    /**
     * The id of the instance that leads a source's namespace, as far as the lock records it: this instance's id
     * when it leads, the remote leader's when the view reports one (Kubernetes Lease holder), empty without
     * clustering, for a source not clustered here, or when the lock does not say (jdbc).
     */
    public Optional<String> leader(String source) {
        return view(source).flatMap(v -> v.getLocalMember().isLeader() ? Optional.of(instance.id()) : leaderOf(v));
    }

    private static Optional<String> leaderOf(CamelClusterView view) {
        return view.getLeader().filter(m -> !m.isLocal()).map(m -> m.getId());
    }

    /** The open view of a source's namespace, empty without clustering or when its poller is not clustered here. */
    private Optional<CamelClusterView> view(String source) {
        CamelClusterService s = service;
        if (!active || s == null || !policies.containsKey(namespace(source))) {
            return Optional.empty();
        }
        try {
            return Optional.of(s.getView(namespace(source)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open cluster view " + namespace(source) + ": " + e.getMessage(), e);
        }
    }

    /** The cluster service, once enabled and in use. */
    public Optional<CamelClusterService> service() {
        return Optional.ofNullable(service);
    }
}
