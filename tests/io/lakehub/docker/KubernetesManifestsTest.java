package io.lakehub.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.config.LakehubProperties;
import io.lakehub.sql.SqlSourceTable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/k8s/*.yaml parse, and hold together: the probes reach the actuator on the container's port, the
 * pods run as the image's non-root user, the lock volume is ReadWriteMany and mounted where the ConfigMap
 * points {@code LAKEHUB_CLUSTER_ROOT}, and the ConfigMap's overlay binds to valid source tables. (No
 * Kubernetes API server here: {@code kubectl apply --dry-run=server} is for a real cluster.)
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("docker", "k8s");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (var files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader r = Files.newBufferedReader(f)) {
                    for (Object d : new Yaml().loadAll(r)) {
                        docs.add((Map<String, Object>) d);
                    }
                }
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDeploymentProbesTheActuatorAndMountsTheSharedLockFolder() throws Exception {
        List<Map<String, Object>> docs = documents();
        assertThat(docs).extracting(d -> (Object) d.get("kind"))
                .contains("Deployment", "Service", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount");
        Map<String, Object> deployment = kind(docs, "Deployment");
        assertThat(map(deployment, "spec").get("replicas")).isEqualTo(2);
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertThat(container.get("ports").toString()).contains("containerPort=8080");
        assertThat(map(container, "livenessProbe", "httpGet")).containsEntry("path", "/actuator/health/liveness")
                .containsEntry("port", "http");
        assertThat(map(container, "readinessProbe", "httpGet")).containsEntry("path", "/actuator/health/readiness");
        assertThat(map(container, "startupProbe", "httpGet")).containsEntry("path", "/actuator/health/liveness");
        assertThat(map(container, "resources", "limits")).containsKey("memory");

        Map<String, Object> configMap = kind(docs, "ConfigMap");
        Map<String, Object> data = map(configMap, "data");
        assertThat(data).containsEntry("SPRING_PROFILES_ACTIVE", "azure").containsEntry("LAKEHUB_CLUSTER_ENABLED", "true");
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) container.get("volumeMounts");
        assertThat(mounts).extracting(m -> (Object) m.get("mountPath")).contains(data.get("LAKEHUB_CLUSTER_ROOT"), "/work/config");
        assertThat(map(kind(docs, "PersistentVolumeClaim"), "spec").get("accessModes").toString()).contains("ReadWriteMany");
        assertThat(map(kind(docs, "Service"), "spec").get("ports").toString()).contains("targetPort=http");
        assertThat(data.keySet()).noneMatch(k -> k.contains("PASSWORD") || k.contains("SECRET"));

        // the overlay is what Spring reads from /work/config: it binds to valid sql-incremental sources
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("overlay", new ByteArrayResource(((String) data.get("application-azure.yaml")).getBytes()))
                .forEach(env.getPropertySources()::addFirst);
        LakehubProperties props = Binder.get(env).bind("lakehub", LakehubProperties.class).get();
        assertThat(props.getSql().getTables()).hasSize(1);
        SqlSourceTable orders = props.getSql().getTables().get(0);
        orders.validate();
        assertThat(orders.getKeys()).containsExactly("order_id");
    }
}
