package io.lakehub.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lakehub.testsupport.Databases;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.yaml as Compose itself reads it: {@code docker-compose -f docker/compose.yaml config}
 * (Debian's docker-compose 1.29, which parses and interpolates without a Docker engine). Skips when
 * docker-compose is not installed, fails instead with {@code CI=true} (.ci/run installs it).
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("docker", "compose.yaml");

    private record Result(int exit, String out) {
    }

    private static Result compose(Map<String, String> env, String... args) throws Exception {
        String binary = findOnPath("docker-compose");
        if (binary == null) {
            String message = "docker-compose not installed (Debian package docker-compose)";
            if (Databases.isCi()) {
                Assertions.fail(message + " (CI=true, so this is a failure, not a skip)");
            }
            Assumptions.abort(message);
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(binary, "-f", COMPOSE.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("MSSQL_SA_PASSWORD");
        pb.environment().remove("ACCEPT_EULA");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileValidatesAndWiresTheHubToItsStandIns() throws Exception {
        Result r = compose(Map.of("MSSQL_SA_PASSWORD", "placeholder-Passw0rd", "ACCEPT_EULA", "Y"), "config");
        assertThat(r.exit()).as("docker-compose config:\n%s", r.out()).isZero();
        Map<String, Object> model = new Yaml().load(r.out());
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) model.get("services");
        assertThat(services).containsKeys("lakehub", "sqlserver", "sqlserver-init", "azurite", "eventhubs", "mailpit");

        Map<String, Object> hub = services.get("lakehub");
        Map<String, Object> env = (Map<String, Object>) hub.get("environment");
        assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "sqlserver,compose")
                .containsEntry("LAKEHUB_DB_PASSWORD", "placeholder-Passw0rd");
        assertThat((String) env.get("LAKEHUB_DB_URL")).startsWith("jdbc:sqlserver://sqlserver:1433;databaseName=lakehub");
        assertThat(hub.get("volumes").toString()).contains("/work/lake");
        assertThat(((Map<String, Object>) hub.get("build")).get("dockerfile")).isEqualTo("docker/Dockerfile");
        assertThat(hub.get("healthcheck").toString()).contains("io.lakehub.HealthProbe");
        Map<String, Object> dependsOn = (Map<String, Object>) hub.get("depends_on");
        assertThat(dependsOn.get("sqlserver").toString()).contains("service_healthy");
        assertThat(dependsOn.get("sqlserver-init").toString()).contains("service_completed_successfully");
        for (String s : List.of("sqlserver", "azurite", "mailpit")) {
            assertThat(services.get(s)).as("%s has a health check", s).containsKey("healthcheck");
        }
        Map<String, Object> emulator = services.get("eventhubs");
        assertThat(((Map<String, Object>) emulator.get("environment"))).containsEntry("BLOB_SERVER", "azurite")
                .containsEntry("METADATA_SERVER", "azurite").containsEntry("ACCEPT_EULA", "Y");
        assertThat(emulator.get("volumes").toString()).contains("/Eventhubs_Emulator/ConfigFiles/Config.json");

        // the files the compose file and the hub's profiles point at exist
        assertThat(Path.of("docker", "eventhubs-emulator", "Config.json")).exists();
        assertThat(Path.of("docker", "Dockerfile")).exists();
        assertThat(Files.readString(Path.of("config", "application-compose.yaml"))).contains("root: /work/lake");
    }

    @Test
    void theSqlServerPasswordMustComeFromTheEnvironment() throws Exception {
        Result r = compose(Map.of(), "config", "-q");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("set MSSQL_SA_PASSWORD");
    }
}
