package io.lakehub.replication;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Writes the notification mail of a finished replication: the summary (source and version, filter,
 * columns, target and location, rows, files) and the validation result with every check, or the error.
 * Bean {@code composeReplicationMail} of route {@code replication-notify}.
 *
 * <p>Reads variable {@code replicationId}. Writes the body (plain text) and only the headers camel-mail
 * turns into mail headers: {@code Subject}, {@code To}, {@code From}, {@code Content-Type}; every other
 * header is removed first, so nothing else leaks into the mail. Sets variable {@code notifyChannel}:
 * {@code smtp} when an SMTP host is configured and the request named recipients, else {@code outbox}.
 * Stateless.
 */
@Component("composeReplicationMail")
public class ComposeReplicationMail implements Processor {

    private final ReplicationStore store;
    private final ReplicationProperties props;

    public ComposeReplicationMail(ReplicationStore store, ReplicationProperties props) {
        this.store = store;
        this.props = props;
    }

    @Override
    public void process(Exchange exchange) {
        Replication r = store.get(exchange.getVariable("replicationId", String.class));
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader("Subject", subject(r));
        m.setHeader("From", props.getSmtp().getFrom());
        if (!r.notify.isEmpty()) {
            m.setHeader("To", String.join(", ", r.notify));
        }
        m.setHeader("Content-Type", "text/plain; charset=UTF-8");
        m.setBody(body(r));
        exchange.setVariable("notifyChannel", props.getSmtp().configured() && !r.notify.isEmpty() ? "smtp" : "outbox");
    }

    /** The subject: {@code [lakehub] replication <id> of <table> v<version>: SUCCEEDED|FAILED}. */
    static String subject(Replication r) {
        return "[lakehub] replication " + r.id + " of " + r.table + " v" + r.sourceVersion + ": " + r.status
                + (r.validation != null ? " (validation " + r.validation.get("status") + ")" : "");
    }

    /** The plain-text body. */
    static String body(Replication r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Replication ").append(r.id).append(' ').append(r.status).append("\n\n");
        line(sb, "Source", "silver/" + r.table + " version " + r.sourceVersion
                + (r.requestedTag != null ? " (tag " + r.requestedTag + ")" : ""));
        line(sb, "Columns", String.join(", ", r.columns));
        line(sb, "Filter", r.filter == null || r.filter.isEmpty() ? "(all rows)" : r.filter);
        line(sb, "Format", r.format);
        line(sb, "Target", r.target + " (" + r.targetType + ")");
        line(sb, "Location", r.location);
        if (r.rowsWritten != null) {
            line(sb, "Rows", r.rowsWritten + " replicated of " + r.rowsRead + " read");
        }
        if (r.files != null) {
            long bytes = 0;
            for (Map<String, Object> f : r.files) {
                bytes += ((Number) f.get("size")).longValue();
            }
            line(sb, "Files", r.files.size() + " (" + bytes + " bytes), listed with SHA-256 in " + ReplicationSteps.LINEAGE);
        }
        line(sb, "Requested", "by " + r.requestedBy + ", request id " + r.requestId + ", at " + r.createdAt);
        line(sb, "Finished", r.finishedAt);
        if (r.validation != null) {
            sb.append("\nValidation: ").append(r.validation.get("status")).append('\n');
            for (Object c : (List<?>) r.validation.get("checks")) {
                Map<?, ?> check = (Map<?, ?>) c;
                boolean passed = Boolean.TRUE.equals(check.get("passed"));
                sb.append("  [").append(passed ? "PASS" : "FAIL").append("] ").append(check.get("name"));
                if (!passed) {
                    sb.append(": expected ").append(check.get("expected")).append(", found ").append(check.get("actual"));
                }
                sb.append('\n');
            }
        } else {
            sb.append("\nValidation: not run\n");
        }
        if (r.error != null) {
            sb.append("\nError: ").append(r.error).append('\n');
        }
        sb.append("\nDetails: GET /api/replications/").append(r.id).append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("%-10s %s%n", label + ":", value));
    }
}
