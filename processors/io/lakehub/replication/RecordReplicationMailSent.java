package io.lakehub.replication;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Records that a replication's mail was accepted by the SMTP server: the record's {@code notification}
 * gets channel {@code smtp}, status {@code SENT}, the recipients and the attempts it took (Camel's
 * redelivery counter plus one). Bean {@code recordReplicationMailSent}; reads variable {@code replicationId}.
 */
@Component("recordReplicationMailSent")
public class RecordReplicationMailSent implements Processor {

    private final ReplicationStore store;

    public RecordReplicationMailSent(ReplicationStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        Replication r = store.get(exchange.getVariable("replicationId", String.class));
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("channel", "smtp");
        n.put("status", "SENT");
        n.put("to", r.notify);
        Integer redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        n.put("attempts", (redeliveries == null ? 0 : redeliveries) + 1);
        n.put("at", Instant.now().toString());
        r.notification = n;
        store.save(r);
    }
}
