package io.lakehub.replication;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.TableSnapshot;
import io.lakehub.delta.TableVersions;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Service;

/**
 * Accepts replication requests: checks everything that can be checked before a single byte is written,
 * pins the source version, stores the record and puts its id on the {@code seda:replication-requests}
 * queue of route {@code replication-run}, so the API answers at once (202).
 *
 * <p>Checked: the request id ({@code [A-Za-z0-9_.:-]{1,128}}, required: it is what makes a retried
 * request harmless), the table and the version or tag (404 if unknown, 410 if vacuumed), the columns,
 * the filter ({@link RowFilter}), the target (only configured ones), the destination path
 * ({@link ReplicaPaths}; default {@code <table>/<replication id>}) and that nothing is there yet, the
 * format, the recipients (RFC 822 addresses, at most {@code max-recipients}). A request id seen before
 * returns the first replication and runs nothing (DESIGN.md invariant 3). Thread-safe.
 */
@Service
public class ReplicationService {

    /** The queue of route {@code replication-run}. */
    public static final String QUEUE = "seda:replication-requests";

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final LakeStorage lake;
    private final ReplicationStore store;
    private final ReplicaTargets targets;
    private final ReplicationProperties props;
    private final ProducerTemplate producer;

    public ReplicationService(LakeStorage lake, ReplicationStore store, ReplicaTargets targets, ReplicationProperties props,
                              ProducerTemplate producer) {
        this.lake = lake;
        this.store = store;
        this.targets = targets;
        this.props = props;
        this.producer = producer;
    }

    /**
     * A replication request, as {@code POST /api/replications} takes it.
     *
     * @param requestId   the client's id of this request (required); the same id never runs twice
     * @param table       silver table name
     * @param version     version to copy (null: latest, or {@code tag})
     * @param tag         tag naming the version to copy (at most one of version and tag)
     * @param columns     columns to copy, in this order (null or empty: all)
     * @param filter      row filter ({@link RowFilter}; null or blank: all rows)
     * @param target      configured target name
     * @param path        destination folder inside the target (null: {@code <table>/<replication id>})
     * @param format      csv, parquet (default) or delta
     * @param recipients  mail recipients (JSON field {@code notify})
     * @param requestedBy who asks (free text, recorded in the lineage)
     */
    public record Request(String requestId, String table, Long version, String tag, List<String> columns, String filter,
                          String target, String path, String format,
                          @com.fasterxml.jackson.annotation.JsonProperty("notify") List<String> recipients,
                          String requestedBy) {
    }

    /**
     * The outcome of {@link #accept}.
     *
     * @param replication the replication (new, or the earlier one of the same request id)
     * @param duplicate   whether the request id had been seen before (nothing new was started)
     * @param status      the replication's status when the request was answered (the record moves on meanwhile)
     */
    public record Accepted(Replication replication, boolean duplicate, String status) {
    }

    /**
     * Checks and queues a request.
     *
     * @throws IllegalArgumentException for a bad request (400), with the reason
     * @throws NoSuchElementException   for an unknown table, version or tag (404)
     * @throws IllegalStateException    if the destination already exists (409)
     */
    public Accepted accept(Request req) {
        if (req == null) {
            throw new IllegalArgumentException("the request body must be a JSON object");
        }
        if (req.requestId() == null || !req.requestId().matches("[A-Za-z0-9_.:-]{1,128}")) {
            throw new IllegalArgumentException("requestId is required and must match [A-Za-z0-9_.:-]{1,128}: the same id "
                    + "sent again returns the first replication instead of running a second one");
        }
        Replication earlier = store.byRequestId(req.requestId());
        if (earlier != null) {
            return new Accepted(earlier, true, earlier.status);
        }
        if (req.table() == null || !req.table().matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("table is required: a silver table name [A-Za-z0-9_]+");
        }
        ReplicaTarget target = targets.get(req.target());
        ReplicaFormat format = ReplicaFormat.of(req.format());
        DeltaTable table = new DeltaTable(lake, req.table());
        TableVersions versions = new TableVersions(table);
        TableSnapshot snapshot = versions.resolve(TableVersions.Selector.of(req.version(), req.tag(), null));
        versions.requireReadable(snapshot);
        TableSchema schema = snapshot.schema();
        List<String> columns = columns(req.columns(), schema);
        RowFilter filter = RowFilter.parse(req.filter(), schema);
        if (format == ReplicaFormat.DELTA) {
            List<Column> chosen = new java.util.ArrayList<>();
            for (String c : columns) {
                chosen.add(schema.column(c));
            }
            String unsupported = io.lakehub.delta.ReplicaTable.unsupported(
                    new TableSchema(chosen));
            if (unsupported != null) {
                throw new IllegalArgumentException(unsupported);
            }
        }
        List<String> notify = recipients(req.recipients());
        String requestedBy = req.requestedBy() == null || req.requestedBy().isBlank() ? "anonymous" : req.requestedBy().trim();
        if (requestedBy.length() > 128 || requestedBy.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("requestedBy must be at most 128 printable characters");
        }

        Replication r = new Replication();
        Instant now = Instant.now();
        r.id = "rep-" + ID_TIME.format(now) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        r.requestId = req.requestId();
        r.requestedBy = requestedBy;
        r.status = Replication.QUEUED;
        r.table = table.name();
        r.requestedVersion = req.version();
        r.requestedTag = req.tag() == null || req.tag().isBlank() ? null : req.tag().trim();
        r.sourceVersion = snapshot.version();
        r.columns = columns;
        r.filter = filter.text();
        r.format = format.id();
        r.target = target.name();
        r.targetType = target.type();
        r.destination = req.path() == null || req.path().isBlank() ? table.name() + "/" + r.id : ReplicaPaths.check(req.path());
        r.location = target.location(r.destination);
        r.notify = notify;
        r.createdAt = now.toString();
        try {
            if (target.exists(r.destination)) {
                throw new IllegalStateException("path " + r.destination + " already exists in target " + target.name()
                        + "; choose another path (a replica is never overwritten)");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("target " + target.name() + " cannot be reached: " + e.getMessage(), e);
        }
        Replication stored = store.create(r);
        if (stored != r) {
            return new Accepted(stored, true, stored.status);
        }
        producer.sendBody(QUEUE, r.id);
        return new Accepted(r, false, Replication.QUEUED);
    }

    /** Requeues replications a stop interrupted (called once the routes run). */
    public void resumeUnfinished() {
        for (Replication r : store.unfinished()) {
            producer.sendBody(QUEUE, r.id);
        }
    }

    private static List<String> columns(List<String> requested, TableSchema schema) {
        if (requested == null || requested.isEmpty()) {
            return schema.names();
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String c : requested) {
            String match = null;
            for (String name : schema.names()) {
                if (name.equalsIgnoreCase(c)) {
                    match = name;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException("unknown column " + c + "; the table has " + String.join(", ", schema.names()));
            }
            if (!seen.add(match.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("column " + c + " is listed twice");
            }
            out.add(match);
        }
        return out;
    }

    private List<String> recipients(List<String> notify) {
        List<String> out = new ArrayList<>();
        if (notify == null) {
            return out;
        }
        if (notify.size() > props.getMaxRecipients()) {
            throw new IllegalArgumentException("at most " + props.getMaxRecipients() + " notification recipients");
        }
        for (String a : notify) {
            try {
                InternetAddress address = new InternetAddress(a == null ? "" : a.trim(), true);
                if (address.getPersonal() != null || !address.getAddress().contains("@")) {
                    throw new AddressException("a plain address such as team@example.org");
                }
                out.add(address.getAddress());
            } catch (AddressException e) {
                throw new IllegalArgumentException("notify: '" + a + "' is not a mail address (" + e.getMessage() + ")");
            }
        }
        return out;
    }
}
