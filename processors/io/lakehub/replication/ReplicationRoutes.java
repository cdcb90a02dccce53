package io.lakehub.replication;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Wires the replication flow into Camel: configures the {@code smtp} component (credentials, timeouts,
 * STARTTLS) from {@code lakehub.replication.smtp} at component level, so no credential appears in an
 * endpoint URI; instantiates route {@code replication-send-mail} from its template
 * (routes/replication.camel.yaml) only when an SMTP host is configured, so the embedded default needs
 * no mail server; and requeues replications a stop interrupted.
 */
@Component
public class ReplicationRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationRoutes.class);

    private final ReplicationProperties props;
    private final ReplicationService service;

    public ReplicationRoutes(ReplicationProperties props, ReplicationService service) {
        this.props = props;
        this.service = service;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        ReplicationProperties.Smtp smtp = props.getSmtp();
        if (smtp.configured()) {
            MailComponent mail = camelContext.getComponent("smtp", MailComponent.class);
            var conf = mail.getConfiguration();
            if (!smtp.getUsername().isBlank()) {
                conf.setUsername(smtp.getUsername());
                conf.setPassword(smtp.getPassword());
            }
            conf.setConnectionTimeout((int) smtp.getTimeout().toMillis());
            Properties extra = new Properties();
            extra.setProperty("mail.smtp.timeout", Long.toString(smtp.getTimeout().toMillis()));
            extra.setProperty("mail.smtp.writetimeout", Long.toString(smtp.getTimeout().toMillis()));
            extra.setProperty("mail.smtp.starttls.enable", Boolean.toString(smtp.isStarttls()));
            conf.setAdditionalJavaMailProperties(extra);
            try {
                TemplatedRouteBuilder.builder(camelContext, "replication-send-mail").routeId("replication-send-mail").add();
            } catch (RuntimeException e) {
                throw new IllegalStateException("replication: cannot create the mail route: " + e.getMessage(), e);
            }
            LOG.info("replication: notifications by SMTP via {}:{} (up to {} retries), targets {}", smtp.getHost(),
                    smtp.getPort(), smtp.getMaxRedeliveries(), props.getTargets().keySet());
        } else {
            LOG.info("replication: no SMTP server configured, notifications go to {}; targets {}", props.getOutbox(),
                    props.getTargets().keySet());
        }
        // reading the records opens the lake's file system: off the start-up path
        Thread resume = new Thread(() -> {
            try {
                service.resumeUnfinished();
            } catch (RuntimeException e) {
                LOG.warn("replication: interrupted replications could not be requeued: {}", e.getMessage());
            }
        }, "replication-resume");
        resume.setDaemon(true);
        resume.start();
    }
}
