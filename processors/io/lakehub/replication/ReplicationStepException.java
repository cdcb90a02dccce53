package io.lakehub.replication;

import java.util.Objects;

/**
 * A step of route {@code replication-run} (routes/replication.camel.yaml) failed: thrown by the step beans
 * ({@link PinReplicationVersion}, {@link CopyReplicaRows}, {@link PublishReplica}, {@link ValidateReplica},
 * {@link WriteReplicaLineage}) so that the failure reaches the route's error policy (route configuration
 * {@code replication-errors}), whose {@link RecordReplicationFailure} makes the record FAILED and whose
 * notification mails it.
 *
 * <p>Shape: {@link #step()} names the step, {@link #replicationId()} the replication (null when the body
 * held none), {@link #getCause()} is the original failure, whose {@code <class>: <message>} is what the
 * record's {@code error} shows. The message reads {@code replication <id>, step <step>: <class>: <message>}.
 * An {@link Error} (such as a test's simulated kill) is never wrapped: it passes through as a crash.
 */
public class ReplicationStepException extends Exception {

    /** The steps of route {@code replication-run}, in their order; the names are the route's step ids without the prefix. */
    public enum Step {
        PIN, COPY, PUBLISH, VALIDATE, LINEAGE;

        /** The step's name as the route's step id has it ({@code replication-<name>}). */
        public String routeName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Step step;
    private final String replicationId;

    /**
     * @param step          the step that failed
     * @param replicationId the replication, or null when not known yet
     * @param cause         the original failure, not null
     */
    public ReplicationStepException(Step step, String replicationId, Exception cause) {
        super("replication " + replicationId + ", step " + step.routeName() + ": " + describe(cause),
                Objects.requireNonNull(cause, "cause"));
        this.step = step;
        this.replicationId = replicationId;
    }

    /** The step that failed. */
    public Step step() {
        return step;
    }

    /** The replication id, or null when the failing exchange held none. */
    public String replicationId() {
        return replicationId;
    }

    /** {@code <simple class name>: <message>} of a failure, as the record's {@code error} shows it. */
    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The work of one step, which may throw anything but an {@link Error}. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /**
     * Runs one step's work, wrapping a failure in a {@link ReplicationStepException} (one already wrapped is
     * rethrown as it is; {@link Error}s pass through).
     */
    static void inStep(Step step, String replicationId, Work work) throws ReplicationStepException {
        try {
            work.run();
        } catch (ReplicationStepException e) {
            throw e;
        } catch (Exception e) {
            throw new ReplicationStepException(step, replicationId, e);
        }
    }
}
