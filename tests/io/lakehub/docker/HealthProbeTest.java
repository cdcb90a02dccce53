package io.lakehub.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.lakehub.HealthProbe;
import org.junit.jupiter.api.Test;

/**
 * The container health check, run as docker/Dockerfile's {@code HEALTHCHECK} runs it (a separate JVM,
 * {@code SERVER_PORT} from the environment) against a real HTTP server: exit 0 on 200, 1 on 503 and when
 * nothing listens.
 */
class HealthProbeTest {

    private record Probe(int exit, String out) {
    }

    private static Probe probe(int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), HealthProbe.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("SERVER_PORT", Integer.toString(port));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Probe(p.exitValue(), out);
    }

    @Test
    void exitsZeroOnlyWhenTheActuatorAnswers200() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/actuator/health", ex -> {
            byte[] body = (status.get() == 200 ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Probe up = probe(port);
            assertThat(up.exit()).as("UP: %s", up.out()).isZero();
            status.set(503);
            Probe down = probe(port);
            assertThat(down.exit()).as("DOWN: %s", down.out()).isEqualTo(1);
            assertThat(down.out()).contains("HTTP 503");
        } finally {
            server.stop(0);
        }
        Probe none = probe(freePort());
        assertThat(none.exit()).as("nothing listening: %s", none.out()).isEqualTo(1);
        assertThat(none.out()).contains("lakehub health:");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
