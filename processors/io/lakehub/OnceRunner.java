package io.lakehub;

import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSources;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * {@code --once}: runs one cycle of every enabled flow through the same routes the scheduler uses,
 * then stops the application with exit code 0 when every load succeeded and 1 otherwise.
 */
@Component
public class OnceRunner implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(OnceRunner.class);

    private final SqlSources sources;
    private final ProducerTemplate producer;
    private final ConfigurableApplicationContext context;

    public OnceRunner(SqlSources sources, ProducerTemplate producer, ConfigurableApplicationContext context) {
        this.sources = sources;
        this.producer = producer;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!args.containsOption("once")) {
            return;
        }
        int failed = 0;
        for (SqlIncrementalLoader loader : sources.all()) {
            if (!loader.source().isEnabled()) {
                continue;
            }
            Exchange done = producer.send("direct:sql-incremental-load",
                    e -> e.setVariable("sqlSource", loader.source().getName()));
            if (done.getException() != null || Boolean.TRUE.equals(done.getVariable("loadFailed", Boolean.class))) {
                failed++;
            }
        }
        int code = failed == 0 ? 0 : 1;
        LOG.info("--once: {} flow run(s) failed; exiting with {}", failed, code);
        System.exit(SpringApplication.exit(context, () -> code));
    }
}
