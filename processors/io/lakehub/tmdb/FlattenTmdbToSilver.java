package io.lakehub.tmdb;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import io.lakehub.delta.StagedLoad;
import io.lakehub.run.RunHistory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The silver step of tmdb-pull, started by the completion event: flattens a complete run's bronze
 * pages into {@code silver/<lakehub.tmdb.silver-table>} (default {@code tmdb_movies}), one row per
 * movie per list per run date, in one Delta commit.
 *
 * <p>Reads the body: a {@link CompletedRun}. Reads the run's pages from bronze in list and page order
 * (one page in memory at a time). A movie that appears twice in one list of one run (TMDB's lists
 * move while they are paged, so a movie can slide from page 1 to page 2) keeps its first, best
 * ranked occurrence; the others are counted as {@code duplicatesDropped}.
 *
 * <p>The commit is the copy-on-write MERGE of {@link DeltaTable#commitLoad} by key
 * (run_date, list, movie_id): a row with the key of an existing row replaces it, so another run on
 * the same run date updates its rows instead of adding them. run_date is the first key column
 * because the MERGE prunes existing files by the first key's statistics and each run writes one
 * run date. The commit carries {@code txn} ({@code lakehub-tmdb-<runId>}, 0): a repeated event of
 * the same run finds it and writes nothing.
 *
 * <p>When the run fetched movie details ({@code fetch-details}), they are MERGEd by movie_id into
 * {@code silver/<details-table>} (one row per movie, the latest details win), with txn
 * {@code lakehub-tmdb-details-<runId>}.
 *
 * <p>Records the run in {@link RunHistory} (SUCCEEDED with inserted/updated, NOOP when already
 * committed, FAILED with the cause); on failure the staged files are deleted and the exception is
 * rethrown to the route's error policy. Thread-safe.
 */
@Component("flattenTmdbToSilver")
public class FlattenTmdbToSilver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FlattenTmdbToSilver.class);

    /** MERGE key columns, first key first. */
    public static final List<String> KEYS = List.of("run_date", "list", "movie_id");

    /** Columns of the silver table; the fields of a TMDB list result plus the run's. */
    public static final TableSchema SCHEMA = TableSchema.of(
        new Column("run_date", ColumnType.DATE, true),
        new Column("list", ColumnType.STRING, true),
        new Column("movie_id", ColumnType.LONG, true),
        new Column("rank", ColumnType.INTEGER, true),
        new Column("page", ColumnType.INTEGER, true),
        new Column("title", ColumnType.STRING, true),
        new Column("original_title", ColumnType.STRING, true),
        new Column("original_language", ColumnType.STRING, true),
        new Column("overview", ColumnType.STRING, true),
        new Column("release_date", ColumnType.DATE, true),
        new Column("genre_ids", ColumnType.array(ColumnType.INTEGER, false), true),
        new Column("popularity", ColumnType.DOUBLE, true),
        new Column("vote_average", ColumnType.DOUBLE, true),
        new Column("vote_count", ColumnType.LONG, true),
        new Column("adult", ColumnType.BOOLEAN, true),
        new Column("video", ColumnType.BOOLEAN, true),
        new Column("poster_path", ColumnType.STRING, true),
        new Column("backdrop_path", ColumnType.STRING, true),
        new Column("run_id", ColumnType.STRING, true),
        new Column("pulled_at", ColumnType.TIMESTAMP, true));

    private final TmdbProperties props;
    private final LakeStorage lake;
    private final TmdbBronze bronze;
    private final TmdbRuns runs;
    private final RunHistory history;

    public FlattenTmdbToSilver(TmdbProperties props, LakeStorage lake, TmdbRuns runs, RunHistory history) {
        this.props = props;
        this.lake = lake;
        this.bronze = new TmdbBronze(lake);
        this.runs = runs;
        this.history = history;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        CompletedRun done = exchange.getMessage().getMandatoryBody(CompletedRun.class);
        TmdbRuns.Run run = runs.find(done.runId());
        Instant started = Instant.now();
        DeltaTable table = new DeltaTable(lake, props.getSilverTable());
        try {
            DeltaTable.CommitOutcome outcome = commitMovies(done, run, table);
            if (done.details() != null && done.details() > 0) {
                commitDetails(done);
            }
            long rows = outcome.alreadyCommitted() ? 0 : outcome.inserted() + outcome.updated();
            finish(run, "SUCCEEDED", null, rows, outcome.version());
            history.record(new RunHistory.Run(done.runId(), PullTmdbLists.FLOW, PullTmdbLists.SOURCE, started, Instant.now(),
                    outcome.alreadyCommitted() ? "NOOP" : "SUCCEEDED", rows, outcome.inserted(), outcome.updated(), 0,
                    outcome.version(), null));
        } catch (Exception e) {
            String message = props.mask(e.getClass().getSimpleName() + ": " + e.getMessage());
            finish(run, "FAILED", message, 0, null);
            history.record(new RunHistory.Run(done.runId(), PullTmdbLists.FLOW, PullTmdbLists.SOURCE, started, Instant.now(),
                    "FAILED", 0, 0, 0, 0, null, "silver step: " + message));
            throw e;
        }
    }

    /** MERGEs the run's list rows into the movies table, unless its txn is already there. */
    private DeltaTable.CommitOutcome commitMovies(CompletedRun done, TmdbRuns.Run run, DeltaTable table) throws Exception {
        String appId = PullTmdbLists.appId(done.runId());
        if (table.txnVersion(appId) >= 0) {
            LOG.info("tmdb-pull {}: already in silver/{}, nothing to write", done.runId(), table.name());
            return new DeltaTable.CommitOutcome(table.latest().version(), true, "NONE", 0, 0, 0, 0, 0, 0);
        }
        StagedLoad load = new StagedLoad(SCHEMA, KEYS);
        long duplicates = 0;
        try {
            ParquetRowWriter writer = new ParquetRowWriter(table.path(), lake.conf(), SCHEMA);
            try {
                for (Map.Entry<String, Integer> list : done.pages().entrySet()) {
                    duplicates += flattenList(done, list.getKey(), list.getValue(), writer, load);
                }
            } catch (IOException | RuntimeException e) {
                writer.delete();
                throw e;
            }
            if (writer.rows() > 0) {
                load.addFile(writer.finish());
            } else {
                writer.delete();
            }
            Map<String, Object> lineage = new LinkedHashMap<>();
            lineage.put("flow", PullTmdbLists.FLOW);
            lineage.put("runId", done.runId());
            lineage.put("runDate", done.runDate().toString());
            lineage.put("bronze", "bronze/tmdb/<list>/run_date=" + done.runDate() + "/run=" + done.runId());
            lineage.put("pages", done.pages());
            lineage.put("duplicatesDropped", duplicates);
            DeltaTable.CommitOutcome outcome = table.commitLoad(load, appId, 0, Map.of(), List.of(),
                    PullTmdbLists.JSON.writeValueAsString(lineage), 2);
            if (outcome.alreadyCommitted()) {
                table.deleteUnreferenced(load.files());
            }
            if (run != null) {
                run.duplicatesDropped = duplicates;
            }
            LOG.info("tmdb-pull {}: silver/{} version {} ({}): {} rows, {} inserted, {} updated, {} duplicates within a list dropped",
                    done.runId(), table.name(), outcome.version(), outcome.operation(), load.rows(), outcome.inserted(),
                    outcome.updated(), duplicates);
            return outcome;
        } catch (Exception e) {
            table.deleteUnreferenced(load.files());
            throw e;
        }
    }

    /** Columns of the details table, from {@code GET /movie/<id>}. */
    public static final TableSchema DETAILS_SCHEMA = TableSchema.of(
        new Column("movie_id", ColumnType.LONG, true),
        new Column("imdb_id", ColumnType.STRING, true),
        new Column("title", ColumnType.STRING, true),
        new Column("original_title", ColumnType.STRING, true),
        new Column("original_language", ColumnType.STRING, true),
        new Column("overview", ColumnType.STRING, true),
        new Column("tagline", ColumnType.STRING, true),
        new Column("status", ColumnType.STRING, true),
        new Column("release_date", ColumnType.DATE, true),
        new Column("runtime", ColumnType.INTEGER, true),
        new Column("budget", ColumnType.LONG, true),
        new Column("revenue", ColumnType.LONG, true),
        new Column("genre_ids", ColumnType.array(ColumnType.INTEGER, false), true),
        new Column("genres", ColumnType.array(ColumnType.STRING, false), true),
        new Column("production_countries", ColumnType.array(ColumnType.STRING, false), true),
        new Column("spoken_languages", ColumnType.array(ColumnType.STRING, false), true),
        new Column("collection_id", ColumnType.LONG, true),
        new Column("homepage", ColumnType.STRING, true),
        new Column("popularity", ColumnType.DOUBLE, true),
        new Column("vote_average", ColumnType.DOUBLE, true),
        new Column("vote_count", ColumnType.LONG, true),
        new Column("run_date", ColumnType.DATE, true),
        new Column("run_id", ColumnType.STRING, true));

    /** MERGEs the run's movie details into the details table by movie_id (txn {@code lakehub-tmdb-details-<runId>}). */
    private void commitDetails(CompletedRun done) throws Exception {
        DeltaTable table = new DeltaTable(lake, props.getDetailsTable());
        String appId = PullTmdbLists.detailsAppId(done.runId());
        if (table.txnVersion(appId) >= 0) {
            return;
        }
        StagedLoad load = new StagedLoad(DETAILS_SCHEMA, List.of("movie_id"));
        try {
            ParquetRowWriter writer = new ParquetRowWriter(table.path(), lake.conf(), DETAILS_SCHEMA);
            try {
                for (org.apache.hadoop.fs.Path file : bronze.detailFiles(done.runDate(), done.runId())) {
                    Object[] row = detailsRow(done, PullTmdbLists.JSON.readTree(bronze.read(file)));
                    writer.write(row);
                    load.addKey(row);
                }
            } catch (IOException | RuntimeException e) {
                writer.delete();
                throw e;
            }
            if (writer.rows() > 0) {
                load.addFile(writer.finish());
            } else {
                writer.delete();
            }
            DeltaTable.CommitOutcome outcome = table.commitLoad(load, appId, 0, Map.of(), List.of(),
                    PullTmdbLists.JSON.writeValueAsString(Map.of("flow", PullTmdbLists.FLOW, "runId", done.runId(),
                            "bronze", TmdbBronze.detailsFolder(done.runDate(), done.runId()))), 2);
            LOG.info("tmdb-pull {}: silver/{} version {}: {} movie details, {} inserted, {} updated", done.runId(),
                    table.name(), outcome.version(), load.rows(), outcome.inserted(), outcome.updated());
        } catch (Exception e) {
            table.deleteUnreferenced(load.files());
            throw e;
        }
    }

    private static Object[] detailsRow(CompletedRun done, JsonNode d) {
        List<Integer> genreIds = new ArrayList<>();
        List<String> genres = new ArrayList<>();
        for (JsonNode g : d.path("genres")) {
            genreIds.add(g.path("id").asInt());
            genres.add(g.path("name").asText());
        }
        JsonNode collection = d.get("belongs_to_collection");
        return new Object[] {
            d.path("id").asLong(), text(d, "imdb_id"), text(d, "title"), text(d, "original_title"),
            text(d, "original_language"), text(d, "overview"), text(d, "tagline"), text(d, "status"),
            date(d.path("release_date")),
            d.path("runtime").isNumber() ? d.path("runtime").asInt() : null,
            d.path("budget").isNumber() ? d.path("budget").asLong() : null,
            d.path("revenue").isNumber() ? d.path("revenue").asLong() : null,
            genreIds, genres, codes(d.path("production_countries"), "iso_3166_1"), codes(d.path("spoken_languages"), "iso_639_1"),
            collection != null && collection.path("id").isNumber() ? collection.path("id").asLong() : null,
            text(d, "homepage"), number(d, "popularity"), number(d, "vote_average"),
            d.path("vote_count").isNumber() ? d.path("vote_count").asLong() : null,
            done.runDate(), done.runId()};
    }

    private static List<String> codes(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.path(field).isTextual()) {
                out.add(n.path(field).asText());
            }
        }
        return out;
    }

    private static void finish(TmdbRuns.Run run, String status, String error, long rows, Long version) {
        if (run == null) {
            return;
        }
        if (error != null) {
            run.error("silver step: " + error);
        }
        run.silverRows = rows;
        run.silverVersion = version;
        run.status = status;
        run.ended = Instant.now();
    }

    /** Writes the rows of one list's pages; returns the duplicates dropped. */
    private long flattenList(CompletedRun done, String list, int pages, ParquetRowWriter writer, StagedLoad load)
            throws IOException {
        Set<Long> seen = new HashSet<>();
        long duplicates = 0;
        int position = 0;
        for (int page = 1; page <= pages; page++) {
            JsonNode json = PullTmdbLists.JSON.readTree(bronze.read(bronze.page(list, done.runDate(), done.runId(), page)));
            for (JsonNode r : json.path("results")) {
                position++;
                if (!r.path("id").canConvertToLong()) {
                    throw new IllegalStateException("bronze " + TmdbBronze.listFolder(list, done.runDate(), done.runId()) + "/"
                            + TmdbBronze.pageName(page) + ": result " + position + " has no numeric id");
                }
                long id = r.path("id").asLong();
                if (!seen.add(id)) {
                    duplicates++;
                    continue;
                }
                Object[] row = row(done, list, page, position, r);
                writer.write(row);
                load.addKey(row);
            }
        }
        return duplicates;
    }

    private static Object[] row(CompletedRun done, String list, int page, int rank, JsonNode r) {
        List<Integer> genres = new ArrayList<>();
        for (JsonNode g : r.path("genre_ids")) {
            if (g.canConvertToInt()) {
                genres.add(g.asInt());
            }
        }
        return new Object[] {
            done.runDate(), list, r.path("id").asLong(), rank, page,
            text(r, "title"), text(r, "original_title"), text(r, "original_language"), text(r, "overview"),
            date(r.path("release_date")), r.has("genre_ids") ? genres : null,
            number(r, "popularity"), number(r, "vote_average"),
            r.path("vote_count").isNumber() ? r.path("vote_count").asLong() : null,
            bool(r, "adult"), bool(r, "video"),
            text(r, "poster_path"), text(r, "backdrop_path"),
            done.runId(), done.completedAt()};
    }

    private static String text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double number(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n != null && n.isNumber() ? n.asDouble() : null;
    }

    private static Boolean bool(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n != null && n.isBoolean() ? n.asBoolean() : null;
    }

    /** {@code release_date} is {@code YYYY-MM-DD}, or an empty string for a film without one: null then. */
    private static LocalDate date(JsonNode n) {
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
