package io.lakehub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lakehub.delta.LakeStorage;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.DefaultApplicationArguments;

/**
 * {@link SqlPollerCluster} on a plain Camel context: which routes it manages, and {@code type: camel},
 * where the lock is whatever cluster service the context already has (here Camel's file lock service
 * registered as a starter would register one; in Kubernetes the Lease service of
 * camel-kubernetes-cluster-service-starter).
 */
class SqlPollerClusterTest {

    @TempDir
    Path dir;

    private SqlPollerCluster cluster(String type) {
        ClusterProperties props = new ClusterProperties();
        props.setType(ClusterProperties.Type.valueOf(type.toUpperCase(java.util.Locale.ROOT)));
        props.setInstanceId("unit");
        return new SqlPollerCluster(props, new HubInstance(props), new LakeStorage(dir.resolve("lake").toString()),
                new DefaultApplicationArguments());
    }

    private static void addRoutes(CamelContext camel, AtomicInteger polls, AtomicInteger others) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:poll?period=100").routeId("sql-incremental-poll-orders").process(e -> polls.incrementAndGet());
                from("timer:other?period=100").routeId("maintenance-optimize-orders").process(e -> others.incrementAndGet());
                from("timer:tmdb?period=100").routeId("tmdb-pull-schedule").process(e -> others.incrementAndGet());
            }
        });
    }

    @Test
    void typeCamelLocksThroughTheContextsClusterServiceAndManagesOnlyThePollRoutes() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            FileLockClusterService service = new FileLockClusterService();
            service.setId("context-service");
            service.setRoot(dir.resolve("locks").toString());
            service.setAcquireLockInterval(200, TimeUnit.MILLISECONDS);
            service.setAcquireLockDelay(200, TimeUnit.MILLISECONDS);
            camel.addService(service);
            SqlPollerCluster cluster = cluster("camel");
            cluster.beforeApplicationStart(camel);
            camel.start();
            AtomicInteger polls = new AtomicInteger();
            AtomicInteger others = new AtomicInteger();
            addRoutes(camel, polls, others);

            await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() > 0);
            assertThat(cluster.polling(camel, "orders")).isTrue();
            assertThat(cluster.service()).containsSame(service);
            assertThat(dir.resolve("locks/sql-incremental-orders")).as("the namespace's lock file").exists();
            assertThat(camel.getRoute("maintenance-optimize-orders").getRoutePolicyList()).as("other routes are not clustered")
                    .isEmpty();
            assertThat(camel.getRoute("sql-incremental-poll-orders").getRoutePolicyList()).hasSize(1);
            assertThat(camel.getRoute("tmdb-pull-schedule").getRoutePolicyList()).as("the tmdb-pull scheduler is single-active")
                    .hasSize(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("locks/tmdb-pull")));
        }
    }

    @Test
    void typeCamelWithoutAClusterServiceFailsTheRouteWithTheReason() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            cluster("camel").beforeApplicationStart(camel);
            camel.start();
            assertThatThrownBy(() -> addRoutes(camel, new AtomicInteger(), new AtomicInteger()))
                    .hasStackTraceContaining("the Camel context has no cluster service")
                    .hasStackTraceContaining("camel.cluster.kubernetes.enabled=true");
        }
    }

    @Test
    void anUnknownTypeIsRefusedWhenTheSettingsBind() {
        var source = new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                java.util.Map.of("lakehub.cluster.type", "zookeeper"));
        assertThatThrownBy(() -> new org.springframework.boot.context.properties.bind.Binder(source)
                .bind("lakehub.cluster", ClusterProperties.class))
                .hasStackTraceContaining("zookeeper").hasStackTraceContaining("lakehub.cluster.type");
    }
}
