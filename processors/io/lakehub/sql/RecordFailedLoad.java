package io.lakehub.sql;

import java.time.Instant;

import io.lakehub.run.FailureKind;
import io.lakehub.run.RunHistory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Error policy step of the sql-incremental flow: logs the failure once, with its cause, records a
 * FAILED run (with its {@link FailureKind} under detail {@value FailureKind#DETAIL}, which the flow's health reads),
 * sets variable {@code loadFailed=true} and stops the drain loop ({@code moreRows=false}).
 * The watermark was not moved (it only moves inside a Delta commit), so the next poll retries the
 * same window: the flow recovers by itself once the cause is gone.
 */
@Component("recordFailedLoad")
public class RecordFailedLoad implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordFailedLoad.class);

    private final RunHistory runs;

    public RecordFailedLoad(RunHistory runs) {
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) {
        String source = exchange.getVariable("sqlSource", String.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        SqlIncrementalLoader.LoadPlan plan = exchange.getVariable("loadPlan", SqlIncrementalLoader.LoadPlan.class);
        String message = cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        LOG.error("sql-incremental {}: load failed, watermark unchanged, will retry on the next poll: {}", source, message);
        LOG.debug("sql-incremental {} failure", source, cause);
        runs.record(new RunHistory.Run(plan == null ? java.util.UUID.randomUUID().toString() : plan.runId(), "sql-incremental",
                source, plan == null ? Instant.now() : plan.started(), Instant.now(), "FAILED", 0, 0, 0, 0, null, message,
                java.util.Map.of(FailureKind.DETAIL, FailureKind.of(cause).name())));
        exchange.setVariable("loadFailed", true);
        exchange.setVariable("moreRows", false);
    }
}
