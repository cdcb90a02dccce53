package io.lakehub.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lakehub.cluster.HubInstance;
import io.lakehub.cluster.SqlPollerCluster;
import io.lakehub.run.RunHistory;
import io.lakehub.run.RunProgress;
import io.lakehub.sample.SampleBootstrap;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSourceTable;
import io.lakehub.sql.SqlSources;
import io.lakehub.sql.Watermark;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Flows, runs and the sample generator.
 *
 * <ul>
 *   <li>{@code GET /api/flows/sql-incremental}: each source with its settings, watermark and last run, and
 *   whether this instance ({@code instance}) polls it now ({@code polling}: false on the followers when
 *   {@code lakehub.cluster.type} is not none) and who leads it ({@code leader}: an instance id, null without
 *   clustering or when the lock does not record it)</li>
 *   <li>{@code POST /api/flows/sql-incremental/{source}/run}: starts a load now (202; the result is in the runs); on a
 *   follower 409 with {@code leader} (the leading instance, null if the lock does not record it)</li>
 *   <li>{@code GET /api/runs?source=&limit=}: recent runs, newest first</li>
 *   <li>{@code POST /api/samples/lendingclub/inject?year=}: adds the sample loans of an issue year to the source</li>
 * </ul>
 */
@RestController
@RequestMapping("/api")
public class FlowsController {

    private final SqlSources sources;
    private final RunHistory runs;
    private final RunProgress progress;
    private final ProducerTemplate producer;
    private final SampleBootstrap sample;
    private final SqlPollerCluster cluster;
    private final HubInstance instance;

    public FlowsController(SqlSources sources, RunHistory runs, RunProgress progress, ProducerTemplate producer,
                           SampleBootstrap sample, SqlPollerCluster cluster, HubInstance instance) {
        this.sources = sources;
        this.progress = progress;
        this.runs = runs;
        this.producer = producer;
        this.sample = sample;
        this.cluster = cluster;
        this.instance = instance;
    }

    /** Sources of the sql-incremental flow. */
    @GetMapping("/flows/sql-incremental")
    public List<SqlSourceView> sqlSources() {
        List<SqlSourceView> out = new ArrayList<>();
        for (SqlIncrementalLoader loader : sources.all()) {
            SqlSourceTable t = loader.source();
            Watermark wm = Watermark.parse(loader.table().properties().get(Watermark.propertyKey(t.getName())));
            out.add(new SqlSourceView(t.getName(), t.isEnabled(), t.getTable() != null ? t.getTable() : "query",
                    t.getDatasource(), t.getKeys(), t.getWatermarkColumn(), t.effectiveTieBreaker(),
                    t.getSchedule().toString(), t.getLag().toString(), t.getTimeZone().getId(), "silver/" + t.target(),
                    WatermarkView.of(wm), runs.last(t.getName()), instance.id(),
                    cluster.polling(producer.getCamelContext(), t.getName()), cluster.leader(t.getName()).orElse(null)));
        }
        return out;
    }

    /**
     * Starts one load of a source in the background: 202. With clustering on, only the source's leader starts one;
     * a follower answers 409 naming the leader when the lock records it
     * ({@link io.lakehub.cluster.NotLeaderException}), so no second load runs beside the active poller.
     */
    @PostMapping("/flows/sql-incremental/{source}/run")
    @ApiResponse(responseCode = "202", description = "the load started; its outcome is in /api/runs",
            content = @Content(schema = @Schema(implementation = RunStarted.class)))
    @ApiResponse(responseCode = "409", description = "this instance follows: another one leads the source",
            content = @Content(schema = @Schema(implementation = NotLeaderError.class)))
    public ResponseEntity<RunStarted> runNow(@PathVariable String source) {
        sources.loader(source);
        cluster.requireLeader(source);
        CompletableFuture<?> ignored = producer.asyncSend("direct:sql-incremental-load", e -> e.setVariable("sqlSource", source));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new RunStarted(source, "started"));
    }

    /** Recent runs. */
    @GetMapping("/runs")
    public List<RunHistory.Run> runs(@RequestParam(required = false) String source,
                                     @RequestParam(defaultValue = "50") int limit) {
        return runs.recent(source, Math.max(1, Math.min(limit, RunHistory.CAPACITY)));
    }

    /** Runs in progress: rows so far, rows/s, elapsed (ms). */
    @GetMapping("/runs/active")
    public List<ActiveRun> activeRuns() {
        return progress.active().stream().map(ActiveRun::of).toList();
    }

    /** Injects the sample loans of one issue year into the demo source table. */
    @PostMapping("/samples/lendingclub/inject")
    public SampleInjected inject(@RequestParam int year) throws java.sql.SQLException {
        if (year < 2000 || year > 2100) {
            throw new IllegalArgumentException("year must be an issue year such as 2016");
        }
        return new SampleInjected(year, sample.inject(year));
    }
}
