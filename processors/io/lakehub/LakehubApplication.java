package io.lakehub;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * lakehub: an Apache Camel integration hub that lands operational data in a Delta Lake medallion lake.
 *
 * <p>Runs as a service by default. With {@code --once} every enabled flow runs one cycle (draining
 * its backlog), the process exits 0 if all succeeded and 1 otherwise, and no web server starts, so it
 * can run from cron or CI beside a running hub. {@code --inject-sample=<year>} first adds the
 * LendingClub sample loans of that issue year to the embedded source database.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LakehubApplication {

    /** Starts the hub. */
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(LakehubApplication.class);
        if (Arrays.asList(args).contains("--once")) {
            app.setWebApplicationType(WebApplicationType.NONE);
        }
        app.run(args);
    }
}
