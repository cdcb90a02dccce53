package io.lakehub;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container health check (docker/Dockerfile {@code HEALTHCHECK}): {@code GET
 * http://127.0.0.1:<port>/actuator/health} and exit 0 on HTTP 200, 1 otherwise. The JRE base image has
 * neither curl nor wget that one could count on, and this runs with the JDK's own HTTP client.
 *
 * <p>Arguments: none; the port is {@code SERVER_PORT} from the environment, else 8080. Runs outside
 * Spring (plain {@code main}), so it starts in a fraction of a second with a small heap.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    /** Probes the actuator and exits with 0 (healthy) or 1 (down, unreachable or not answering within 5 s). */
    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
        int code;
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            code = r.statusCode() == 200 ? 0 : 1;
            if (code != 0) {
                System.err.println("lakehub health: HTTP " + r.statusCode());
            }
        } catch (Exception e) {
            System.err.println("lakehub health: " + e);
            code = 1;
        }
        System.exit(code);
    }
}
