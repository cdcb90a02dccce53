package io.lakehub.sql;

import io.lakehub.run.RunProgress;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step 2 of a sql-incremental load: streams the window into the bronze CSV and staged Parquet files.
 *
 * <p>Reads variables {@code sqlSource} and {@code loadPlan}. Writes variable {@code loadExtract}
 * ({@link SqlIncrementalLoader.Extract}). Rows never travel in the message body: the bulk path streams
 * from the JDBC cursor to the files (DESIGN.md invariant 5). On failure, staged files are deleted and
 * the watermark is untouched. Rows read so far are published to {@link RunProgress} while it runs.
 */
@Component("extractToBronze")
public class ExtractToBronze implements Processor {

    private final SqlSources sources;
    private final RunProgress progress;

    public ExtractToBronze(SqlSources sources, RunProgress progress) {
        this.sources = sources;
        this.progress = progress;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String source = exchange.getVariable("sqlSource", String.class);
        SqlIncrementalLoader.LoadPlan plan = exchange.getVariable("loadPlan", SqlIncrementalLoader.LoadPlan.class);
        RunProgress.Active active = progress.start(plan.runId(), "sql-incremental", source);
        SqlIncrementalLoader.Extract extract = sources.loader(source).extract(plan, active.rows());
        if (extract.staged() == null) {
            progress.end(plan.runId());
        }
        exchange.setVariable("loadExtract", extract);
    }
}
