package io.lakehub.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.lakehub.delta.LakeStorage;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a replication's notification mail to the outbox folder ({@code lakehub.replication.outbox},
 * default {@code _hub/outbox} in the lake) as an RFC 5322 message file {@code <id>.eml}, which any mail
 * client opens and any SMTP tool can send later. Used when no SMTP server is configured, when the
 * request named no recipients, and when every send attempt failed. Bean {@code writeReplicationOutbox}.
 *
 * <p>Reads the message composed by {@link ComposeReplicationMail}, variables {@code replicationId} and
 * {@code notifyFailure} (the last send error, if any). Writes the record's {@code notification}:
 * channel {@code outbox}, status {@code WRITTEN} (no SMTP, or no recipients) or {@code FAILED} (SMTP
 * failed; the file keeps the mail), the file and the reason. Never throws: a notification cannot fail
 * the replication; a file that cannot be written is logged and recorded.
 */
@Component("writeReplicationOutbox")
public class WriteReplicationOutbox implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WriteReplicationOutbox.class);

    private final LakeStorage lake;
    private final ReplicationStore store;
    private final ReplicationProperties props;

    public WriteReplicationOutbox(LakeStorage lake, ReplicationStore store, ReplicationProperties props) {
        this.lake = lake;
        this.store = store;
        this.props = props;
    }

    @Override
    public void process(Exchange exchange) {
        Replication r = store.get(exchange.getVariable("replicationId", String.class));
        String failure = exchange.getVariable("notifyFailure", String.class);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("channel", "outbox");
        n.put("to", r.notify);
        if (failure != null) {
            n.put("status", "FAILED");
            n.put("attempts", props.getSmtp().getMaxRedeliveries() + 1);
            n.put("error", failure);
        } else {
            n.put("status", "WRITTEN");
            n.put("reason", props.getSmtp().configured() ? "the request named no recipients" : "no SMTP server configured");
        }
        Path file = lake.path(props.getOutbox() + "/" + r.id + ".eml");
        try {
            MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()));
            mail.setFrom(new InternetAddress(props.getSmtp().getFrom()));
            for (String to : r.notify) {
                mail.addRecipient(RecipientType.TO, new InternetAddress(to));
            }
            mail.setSubject(exchange.getMessage().getHeader("Subject", String.class), "UTF-8");
            mail.setSentDate(new Date());
            mail.setText(exchange.getMessage().getBody(String.class), StandardCharsets.UTF_8.name());
            mail.setHeader("X-Lakehub-Replication", r.id);
            FileSystem fs = file.getFileSystem(lake.conf());
            fs.mkdirs(file.getParent());
            try (OutputStream out = fs.create(file, true)) {
                mail.writeTo(out);
            }
            n.put("file", props.getOutbox() + "/" + r.id + ".eml");
        } catch (IOException | MessagingException | RuntimeException e) {
            LOG.warn("replication {}: the notification could not be written to the outbox: {}", r.id, e.getMessage());
            n.put("status", "FAILED");
            n.put("outboxError", e.getMessage());
        }
        n.put("at", Instant.now().toString());
        r.notification = n;
        store.save(r);
    }
}
