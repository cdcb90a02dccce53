package io.lakehub.sql;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step 1 of a sql-incremental load: reads the watermark back from the Delta log and fixes the
 * window's upper bound.
 *
 * <p>Reads variable {@code sqlSource} (source name). Writes variable {@code loadPlan}
 * ({@link SqlIncrementalLoader.LoadPlan}). Fails (and the route's error policy records the failed
 * run) if the source is unknown, unreachable or lacks a configured column; nothing moves.
 */
@Component("planLoad")
public class PlanLoad implements Processor {

    private final SqlSources sources;

    public PlanLoad(SqlSources sources) {
        this.sources = sources;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String source = exchange.getVariable("sqlSource", String.class);
        exchange.setVariable("loadPlan", sources.loader(source).plan());
    }
}
