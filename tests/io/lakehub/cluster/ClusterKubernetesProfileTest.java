package io.lakehub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Validation;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.component.kubernetes.springboot.cluster.KubernetesClusterServiceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * {@code lakehub.cluster.type: kubernetes} as the profile {@code config/application-kubernetes.yaml} sets it, on
 * top of application.yaml: the settings bind and validate, and the Kubernetes Lease cluster service built from them
 * carries the namespace, pod name and timings. There is no Kubernetes API server here, so the service is built and
 * inspected, never started. Also: Camel's auto-configured Kubernetes cluster service stays off with the shipped
 * application.yaml, so nothing contacts an API server unless the type is kubernetes.
 */
class ClusterKubernetesProfileTest {

    /** application.yaml, the kubernetes profile over it, and the downward-API variables over both. */
    private static StandardEnvironment environment(Map<String, Object> env) throws Exception {
        StandardEnvironment e = new StandardEnvironment();
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        yaml.load("application.yaml", new FileSystemResource(Path.of("application.yaml")))
                .forEach(e.getPropertySources()::addFirst);
        yaml.load("application-kubernetes.yaml", new FileSystemResource(Path.of("config", "application-kubernetes.yaml")))
                .forEach(e.getPropertySources()::addFirst);
        e.getPropertySources().addFirst(new MapPropertySource("pod", env));
        return e;
    }

    private static ClusterProperties bind(StandardEnvironment env) {
        var validator = new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator());
        return Binder.get(env).bind("lakehub.cluster", Bindable.of(ClusterProperties.class),
                new ValidationBindHandler(validator)).get();
    }

    @Test
    void theProfileBuildsALeaseServiceWithTheDownwardApiNamesAndTheTimings() throws Exception {
        ClusterProperties props = bind(environment(Map.of("LAKEHUB_POD_NAME", "lakehub-7d9f8-x2x4q",
                "LAKEHUB_K8S_NAMESPACE", "data-platform")));
        assertThat(props.effectiveType()).isEqualTo(ClusterProperties.Type.KUBERNETES);
        ClusterProperties.Kubernetes k = props.getKubernetes();
        assertThat(k.getLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(k.getRenewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(k.getRetryPeriod()).isEqualTo(Duration.ofSeconds(2));

        KubernetesClusterService s = SqlPollerCluster.kubernetesService(props, new HubInstance(props));
        assertThat(s.getPodName()).isEqualTo("lakehub-7d9f8-x2x4q");
        assertThat(s.getId()).isEqualTo("lakehub-7d9f8-x2x4q");
        assertThat(s.getKubernetesNamespace()).isEqualTo("data-platform");
        assertThat(s.getLeaseResourceType()).isEqualTo(LeaseResourceType.Lease);
        assertThat(s.getKubernetesResourceName()).isEqualTo("lakehub");
        assertThat(s.getLeaseDurationMillis()).isEqualTo(15_000);
        assertThat(s.getRenewDeadlineMillis()).isEqualTo(10_000);
        assertThat(s.getRetryPeriodMillis()).isEqualTo(2_000);
        assertThat(s.getMasterUrl()).as("in-cluster: the client finds the API server itself").isNull();
        assertThat(s.getStatus().isStarted()).isFalse();
    }

    @Test
    void withoutTheDownwardApiThePodNameIsTheHostname() throws Exception {
        ClusterProperties props = bind(environment(Map.of("HOSTNAME", "lakehub-0")));
        assertThat(props.getKubernetes().getPodName()).isEqualTo("lakehub-0");
        assertThat(props.getKubernetes().getNamespace()).as("empty: the pod's own namespace").isEmpty();
        KubernetesClusterService s = SqlPollerCluster.kubernetesService(props, new HubInstance(props));
        assertThat(s.getPodName()).isEqualTo("lakehub-0");
    }

    @Test
    void timingsOutOfOrderAreRefusedAndABlankLeaseNameFailsValidation() throws Exception {
        ClusterProperties props = bind(environment(Map.of("lakehub.cluster.kubernetes.renew-deadline", "20s")));
        assertThatThrownBy(() -> SqlPollerCluster.kubernetesService(props, new HubInstance(props)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retry-period (PT2S) < renew-deadline (PT20S) < lease-duration (PT15S)");
        assertThatThrownBy(() -> bind(environment(Map.of("lakehub.cluster.kubernetes.lease-name", " "))))
                .as("@Validated: a blank Lease name fails the binding").hasStackTraceContaining("leaseName");
    }

    @Test
    void camelsOwnKubernetesServiceIsOffWithTheShippedSettings() throws Exception {
        StandardEnvironment shipped = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application.yaml", new FileSystemResource(Path.of("application.yaml")))
                .forEach(shipped.getPropertySources()::addFirst);
        String enabled = shipped.getProperty("camel.cluster.kubernetes.enabled");
        assertThat(enabled).isEqualTo("false");
        assertThat(shipped.getProperty("lakehub.cluster.type")).isEqualTo("none");
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KubernetesClusterServiceAutoConfiguration.class));
        runner.withPropertyValues("camel.cluster.kubernetes.enabled=" + enabled)
                .run(ctx -> assertThat(ctx).doesNotHaveBean(CamelClusterService.class));
        // the starter's default (matchIfMissing) would register one: the shipped setting is what keeps it off
        runner.run(ctx -> assertThat(ctx).hasSingleBean(CamelClusterService.class));
    }
}
