package io.lakehub.sql;

import java.time.Instant;

import io.lakehub.run.RunHistory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Step 3 of a sql-incremental load: MERGEs the staged rows into the silver Delta table in one commit
 * that also carries the watermark and the load's {@code txn}.
 *
 * <p>Reads variables {@code sqlSource}, {@code loadPlan}, {@code loadExtract}. Writes variables
 * {@code loadResult} ({@link SqlIncrementalLoader.LoadResult}) and {@code moreRows} (true when the
 * batch was full, so the route loops for the rest of the window), and records the run in
 * {@link RunHistory}, with the details entry {@value #NULL_WATERMARK_ROWS} when source rows have a NULL watermark
 * (they cannot be ordered by it, so no load reads them). A schema change that cannot be applied fails the load;
 * the watermark stays.
 */
@Component("commitDeltaMerge")
public class CommitDeltaMerge implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(CommitDeltaMerge.class);

    /**
     * The run detail (and health detail) counting source rows that no load reads because their watermark column is
     * NULL; present only when there are such rows.
     */
    public static final String NULL_WATERMARK_ROWS = "rowsWithNullWatermark";

    private final SqlSources sources;
    private final RunHistory runs;

    public CommitDeltaMerge(SqlSources sources, RunHistory runs) {
        this.sources = sources;
        this.runs = runs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String source = exchange.getVariable("sqlSource", String.class);
        SqlIncrementalLoader loader = sources.loader(source);
        SqlIncrementalLoader.LoadPlan plan = exchange.getVariable("loadPlan", SqlIncrementalLoader.LoadPlan.class);
        SqlIncrementalLoader.Extract extract = exchange.getVariable("loadExtract", SqlIncrementalLoader.Extract.class);
        SqlIncrementalLoader.LoadResult r = loader.commit(plan, extract);
        exchange.setVariable("loadResult", r);
        exchange.setVariable("moreRows", r.moreRows());
        String status = r.rows() == 0 ? "NOOP" : "SUCCEEDED";
        java.util.Map<String, Object> details = r.nullWatermarkRows() == 0 ? java.util.Map.of()
                : java.util.Map.of(NULL_WATERMARK_ROWS, r.nullWatermarkRows());
        runs.record(new RunHistory.Run(r.runId(), "sql-incremental", source, plan.started(), Instant.now(), status, r.rows(),
                r.inserted(), r.updated(), r.deleted(), r.tableVersion() < 0 ? null : r.tableVersion(), null, details));
        if (r.rows() == 0) {
            LOG.debug("sql-incremental {}: no new rows up to {}", source, plan.high());
        } else if (r.alreadyCommitted()) {
            LOG.info("sql-incremental {}: load {} was already committed, skipped", source, r.loadVersion());
        } else {
            long rate = r.durationMs() == 0 ? r.rows() : r.rows() * 1000 / Math.max(1, r.durationMs());
            LOG.info("sql-incremental {}: load {} -> silver/{} version {} ({}): {} rows ({} inserted, {} updated, {} deleted) in {} ms,"
                            + " {} rows/s; watermark {} / {}; bronze {}",
                    source, r.loadVersion(), loader.source().target(), r.tableVersion(), r.operation(), r.rows(),
                    r.inserted(), r.updated(), r.deleted(), r.durationMs(), rate, r.watermark().value(), r.watermark().tieBreaker(),
                    r.bronzePath());
        }
    }
}
