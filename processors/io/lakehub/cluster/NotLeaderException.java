package io.lakehub.cluster;

import java.util.Optional;

/**
 * A request that only the leader of a cluster namespace may serve (a sql-incremental "run now") reached a follower.
 * The admin API answers 409 Conflict with {@code source}, {@code instance} (this one) and {@code leader}: the leading
 * member's id when the lock records it (Kubernetes Lease: the holder's pod name; jdbc: the lock row's client id, for
 * ids of at most 36 characters; file lock: when Camel reports it), null when it does not. Send the request to the
 * leader.
 */
public class NotLeaderException extends IllegalStateException {

    private final String source;
    private final String instance;
    private final String leader;

    /**
     * @param source   the sql-incremental source
     * @param instance this instance's id
     * @param leader   the leader's id, if known
     */
    public NotLeaderException(String source, String instance, Optional<String> leader) {
        super("instance " + instance + " does not lead sql-incremental " + source + ": "
                + leader.map(l -> "instance " + l + " does; send the request there")
                        .orElse("another instance does (its lock does not say which); send the request to the instance"
                                + " whose GET /api/flows/sql-incremental shows \"polling\": true"));
        this.source = source;
        this.instance = instance;
        this.leader = leader.orElse(null);
    }

    /** The source the request was for. */
    public String source() {
        return source;
    }

    /** This (follower) instance's id. */
    public String instance() {
        return instance;
    }

    /** The leader's id, or null when the lock does not record it. */
    public String leader() {
        return leader;
    }
}
