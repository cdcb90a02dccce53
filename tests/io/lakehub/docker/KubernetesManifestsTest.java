package io.lakehub.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.sql.SqlProperties;
import io.lakehub.sql.SqlSourceTable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/k8s/*.yaml parse, and hold together: the probes reach the actuator on the container's port, the
 * pods run as the image's non-root user, single-active polling goes through Leases (profile kubernetes, the pod
 * name and namespace from the downward API, a Role on {@code coordination.k8s.io} leases bound to the pods'
 * service account) with no lock volume, and the ConfigMap's overlay binds to valid source tables. (No
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
    void theDeploymentProbesTheActuatorAndLocksThroughLeasesWithoutAVolume() throws Exception {
        List<Map<String, Object>> docs = documents();
        assertThat(docs).extracting(d -> (Object) d.get("kind"))
                .contains("Deployment", "Service", "ConfigMap", "ServiceAccount", "Role", "RoleBinding")
                .doesNotContain("PersistentVolumeClaim");
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
        assertThat(data).containsEntry("SPRING_PROFILES_ACTIVE", "azure,kubernetes")
                .doesNotContainKeys("LAKEHUB_CLUSTER_ENABLED", "LAKEHUB_CLUSTER_ROOT");
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) container.get("volumeMounts");
        assertThat(mounts).as("only the configuration is mounted: no lock volume")
                .extracting(m -> (Object) m.get("mountPath")).containsExactly("/work/config");
        assertThat((List<Map<String, Object>>) pod.get("volumes")).extracting(v -> (Object) v.keySet())
                .allSatisfy(keys -> assertThat(keys.toString()).doesNotContain("persistentVolumeClaim"));
        List<Map<String, Object>> containerEnv = (List<Map<String, Object>>) container.get("env");
        assertThat(containerEnv).anySatisfy(e -> {
            assertThat(e).containsEntry("name", "LAKEHUB_POD_NAME");
            assertThat(map(e, "valueFrom", "fieldRef")).containsEntry("fieldPath", "metadata.name");
        }).anySatisfy(e -> {
            assertThat(e).containsEntry("name", "LAKEHUB_K8S_NAMESPACE");
            assertThat(map(e, "valueFrom", "fieldRef")).containsEntry("fieldPath", "metadata.namespace");
        });
        assertThat(map(kind(docs, "Service"), "spec").get("ports").toString()).contains("targetPort=http");
        assertThat(data.keySet()).noneMatch(k -> k.contains("PASSWORD") || k.contains("SECRET"));

        // the overlay is what Spring reads from /work/config: it binds to valid sql-incremental sources
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("overlay", new ByteArrayResource(((String) data.get("application-azure.yaml")).getBytes()))
                .forEach(env.getPropertySources()::addFirst);
        SqlProperties props = Binder.get(env).bind("lakehub.sql", SqlProperties.class).get();
        assertThat(props.getTables()).hasSize(1);
        SqlSourceTable orders = props.getTables().get(0);
        orders.validate();
        assertThat(orders.getKeys()).containsExactly("order_id");
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePodsServiceAccountMayCreateAndRenewLeases() throws Exception {
        List<Map<String, Object>> docs = documents();
        String account = (String) map(kind(docs, "Deployment"), "spec", "template", "spec").get("serviceAccountName");
        assertThat(map(kind(docs, "ServiceAccount"), "metadata")).containsEntry("name", account);
        Map<String, Object> role = kind(docs, "Role");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) role.get("rules");
        assertThat(rules).anySatisfy(r -> {
            assertThat((List<Object>) r.get("apiGroups")).containsExactly("coordination.k8s.io");
            assertThat((List<Object>) r.get("resources")).containsExactly("leases");
            assertThat((List<Object>) r.get("verbs")).containsExactlyInAnyOrder("get", "list", "watch", "create", "update",
                    "patch");
        });
        Map<String, Object> binding = kind(docs, "RoleBinding");
        assertThat(map(binding, "roleRef")).containsEntry("kind", "Role")
                .containsEntry("name", map(role, "metadata").get("name"))
                .containsEntry("apiGroup", "rbac.authorization.k8s.io");
        assertThat((List<Map<String, Object>>) binding.get("subjects")).singleElement().satisfies(s -> assertThat(s)
                .containsEntry("kind", "ServiceAccount").containsEntry("name", account));
        assertThat(docs).allSatisfy(d -> assertThat(d).containsKeys("apiVersion", "kind", "metadata"));
    }
}
