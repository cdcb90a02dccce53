package io.lakehub.replication;

import io.lakehub.delta.LakeStorage;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Routes {@code replication-run} and {@code replication-notify} of routes/replication.camel.yaml in a plain
 * {@link DefaultCamelContext} (no Spring) with the step beans of production, for tests and benchmarks that
 * run a replication as the application does: {@link #run} puts the id on the queue and waits for the route
 * to finish it, error policy (record FAILED, notification to the outbox) included. No SMTP: notifications
 * go to the outbox. Close it to stop the context.
 */
public final class ReplicationRoute implements AutoCloseable {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final ProducerTemplate producer;

    /**
     * Binds the step beans and loads the route file from the classpath, then starts the context.
     *
     * @throws Exception if the route file cannot be loaded or the context not started
     */
    public ReplicationRoute(LakeStorage lake, ReplicationStore store, ReplicationProperties props) throws Exception {
        ReplicationSteps steps = new ReplicationSteps(lake, store, new ReplicaTargets(props), props);
        camel.getRegistry().bind("pinReplicationVersion", new PinReplicationVersion(steps));
        camel.getRegistry().bind("copyReplicaRows", new CopyReplicaRows(steps));
        camel.getRegistry().bind("publishReplica", new PublishReplica(steps));
        camel.getRegistry().bind("validateReplica", new ValidateReplica(steps));
        camel.getRegistry().bind("writeReplicaLineage", new WriteReplicaLineage(steps));
        camel.getRegistry().bind("recordReplicationFailure", new RecordReplicationFailure(steps));
        camel.getRegistry().bind("composeReplicationMail", new ComposeReplicationMail(store, props));
        camel.getRegistry().bind("writeReplicationOutbox", new WriteReplicationOutbox(lake, store, props));
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveResource(camel, "classpath:routes/replication.camel.yaml"));
        camel.start();
        producer = camel.createProducerTemplate();
    }

    /** Sends the replication id to route {@code replication-run} and returns when the route has finished with it. */
    public void run(String replicationId) {
        producer.sendBody(ReplicationService.QUEUE + "?waitForTaskToComplete=Always", replicationId);
    }

    /** The context, for route statistics. */
    public DefaultCamelContext camel() {
        return camel;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
