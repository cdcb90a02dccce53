package io.lakehub.sql;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step 2 of a sql-incremental load: streams the window into the bronze CSV and staged Parquet files.
 *
 * <p>Reads variables {@code sqlSource} and {@code loadPlan}. Writes variable {@code loadExtract}
 * ({@link SqlIncrementalLoader.Extract}). Rows never travel in the message body: the bulk path streams
 * from the JDBC cursor to the files (DESIGN.md invariant 5). On failure, staged files are deleted and
 * the watermark is untouched.
 */
@Component("extractToBronze")
public class ExtractToBronze implements Processor {

    private final SqlSources sources;

    public ExtractToBronze(SqlSources sources) {
        this.sources = sources;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String source = exchange.getVariable("sqlSource", String.class);
        SqlIncrementalLoader.LoadPlan plan = exchange.getVariable("loadPlan", SqlIncrementalLoader.LoadPlan.class);
        exchange.setVariable("loadExtract", sources.loader(source).extract(plan));
    }
}
