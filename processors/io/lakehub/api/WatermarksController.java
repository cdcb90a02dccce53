package io.lakehub.api;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.TableProperties;
import io.lakehub.sql.SqlIncrementalLoader;
import io.lakehub.sql.SqlSources;
import io.lakehub.sql.Watermark;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.InflightRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The high-water mark of a sql-incremental source: read, move, reset. Moving or resetting is allowed
 * only while the source's poll route is stopped and no load of it is in flight, as Kafka Connect allows
 * altering offsets only of a stopped connector (KIP-875). The change is a {@code SET TBLPROPERTIES} or
 * {@code UNSET TBLPROPERTIES} commit on the silver table ({@link TableProperties}) with who, the old and
 * the new value in {@code commitInfo.userMetadata}, so the table history shows it.
 *
 * <ul>
 *   <li>{@code GET /api/flows/sql-incremental/{source}/watermark}: {@code {source, watermark, routeState, table}}</li>
 *   <li>{@code PUT} the same path, body {@code {"value": "2016-01-01T00:00:00", "tieBreaker": "1234"}}:
 *       the next load reads rows after {@code (value, tieBreaker)}; value is ISO-8601 local date-time for a
 *       timestamp watermark or an integer; the tie-breaker is optional (without it, every row at {@code value} is re-read
 *       and MERGE keeps it once)</li>
 *   <li>{@code DELETE} the same path: the next load is a full load (MERGE by key, so rows are not duplicated)</li>
 * </ul>
 * Errors: unknown source 404, bad value 400, route running or a load in flight 409.
 */
@RestController
@RequestMapping("/api/flows/sql-incremental/{source}/watermark")
public class WatermarksController {

    private static final Logger LOG = LoggerFactory.getLogger(WatermarksController.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Body of a PUT. */
    public record WatermarkRequest(String value, String tieBreaker) {
    }

    private final SqlSources sources;
    private final CamelContext camel;

    public WatermarksController(SqlSources sources, CamelContext camel) {
        this.sources = sources;
        this.camel = camel;
    }

    /** The route id polling a source. */
    public static String pollRouteId(String source) {
        return "sql-incremental-poll-" + source;
    }

    /** The current watermark. */
    @GetMapping
    public WatermarkState get(@PathVariable String source) {
        SqlIncrementalLoader loader = sources.loader(source);
        DeltaTable table = loader.table();
        Watermark wm = table.exists() ? Watermark.parse(table.properties().get(Watermark.propertyKey(source))) : null;
        return new WatermarkState(source, "silver/" + loader.source().target(), routeState(source), WatermarkView.of(wm));
    }

    /**
     * Moves the watermark.
     *
     * @throws IllegalArgumentException if the body has no value or the value has the wrong form (400)
     * @throws IllegalStateException    if the route is not stopped or a load is in flight (409)
     */
    @PutMapping
    public WatermarkChange set(@PathVariable String source, @RequestBody WatermarkRequest body, Authentication who) {
        SqlIncrementalLoader loader = sources.loader(source);
        if (body == null || body.value() == null || body.value().isBlank()) {
            throw new IllegalArgumentException("the body needs \"value\": an ISO-8601 local date-time or an integer");
        }
        String value = body.value().strip();
        if (!value.matches("-?\\d{1,19}")) {
            try {
                LocalDateTime.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("value must be an ISO-8601 local date-time such as 2016-01-01T00:00:00 "
                        + "or an integer, not " + value);
            }
        }
        String tieColumn = body.tieBreaker() == null ? null : loader.source().effectiveTieBreaker();
        Watermark next = new Watermark(loader.source().getWatermarkColumn(), value, tieColumn,
                body.tieBreaker() == null ? null : body.tieBreaker().strip());
        return change(source, loader, "set", who, props -> TableProperties.Edit.set(Map.of(Watermark.propertyKey(source), next.toJson())));
    }

    /** Removes the watermark: the next load reads the whole source. */
    @DeleteMapping
    public WatermarkChange reset(@PathVariable String source, Authentication who) {
        SqlIncrementalLoader loader = sources.loader(source);
        return change(source, loader, "reset", who, props -> props.containsKey(Watermark.propertyKey(source))
                ? TableProperties.Edit.unset(List.of(Watermark.propertyKey(source))) : null);
    }

    private WatermarkChange change(String source, SqlIncrementalLoader loader, String action, Authentication who,
                                       java.util.function.Function<Map<String, String>, TableProperties.Edit> edit) {
        requireStopped(source);
        DeltaTable table = loader.table();
        if (!table.exists()) {
            throw new IllegalStateException("silver/" + loader.source().target() + " does not exist yet: the first load "
                    + "starts from the beginning anyway");
        }
        String by = who == null ? "anonymous" : who.getName();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("flow", "sql-incremental");
        meta.put("operation", "watermark " + action);
        meta.put("source", source);
        meta.put("by", by);
        meta.put("at", Instant.now().toString());
        String userMetadata;
        try {
            userMetadata = JSON.writeValueAsString(meta);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        TableProperties.Result r = new TableProperties(table).commit((props, readVersion) -> edit.apply(props), userMetadata);
        Watermark previous = Watermark.parse(r.before().get(Watermark.propertyKey(source)));
        LOG.info("sql-incremental {}: watermark {} by {} (was {}), table version {}", source, action, by,
                previous == null ? "none" : previous.toJson(), r.commitVersion());
        WatermarkState now = get(source);
        return new WatermarkChange(now.source(), now.table(), now.routeState(), now.watermark(), WatermarkView.of(previous),
                r.committed(), r.commitVersion());
    }

    private String routeState(String source) {
        ServiceStatus s = camel.getRouteController().getRouteStatus(pollRouteId(source));
        return s == null ? "NotCreated" : s.name();
    }

    private void requireStopped(String source) {
        ServiceStatus s = camel.getRouteController().getRouteStatus(pollRouteId(source));
        if (s != null && !s.isStopped()) {
            throw new IllegalStateException("route " + pollRouteId(source) + " is " + s.name()
                    + ": stop it first (POST /api/routes/" + pollRouteId(source) + "/stop), as KIP-875 requires a stopped connector");
        }
        InflightRepository inflight = camel.getInflightRepository();
        boolean loading = inflight.browse().stream().anyMatch(e -> source.equals(e.getExchange().getVariable("sqlSource")));
        if (loading) {
            throw new IllegalStateException("a load of " + source + " is in flight: wait for it to finish");
        }
    }
}
