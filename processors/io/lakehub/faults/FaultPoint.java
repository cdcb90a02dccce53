package io.lakehub.faults;

/**
 * The named places in the flows where a crash test may inject a fault, through {@link FaultInjection}.
 *
 * <p>Each point sits at one of the crash windows DESIGN.md's invariants are about: between writing data
 * and committing it, between committing and acknowledging (or archiving) the source. A point is reached
 * with a context string (the table, hub/partition or run it concerns) so a test can aim at one of many.
 * Add a point here, with the window it stands for, rather than a hook or a property in a production class.
 */
public enum FaultPoint {

    /** A load's or append's Delta commit is about to be attempted; its data files are written. Context: the table name. */
    DELTA_BEFORE_COMMIT,

    /** An OPTIMIZE has written its compacted files and is about to commit them. Context: the table name. */
    OPTIMIZE_BEFORE_COMMIT,

    /**
     * An event batch has written bronze, quarantine and its silver data file, and is about to commit silver;
     * nothing is committed or acknowledged yet; reached once per batch with something to commit. Context: the hub.
     */
    EVENTS_BEFORE_SILVER_COMMIT,

    /** An aggregation is starting after the silver commit of the batches it reads. Context: the event hub. */
    EVENTS_BEFORE_AGGREGATE,

    /** A bronze compaction has renamed its merged file into place; its originals are not deleted yet. Context: the merged file. */
    BRONZE_COMPACTION_AFTER_RENAME,

    /** A replication has written one more row to its replica. Context: the replication id. */
    REPLICATION_ROW_WRITTEN,

    /** A replication has published its replica; validation has not run. Context: the replication id. */
    REPLICATION_AFTER_PUBLISH,

    /** A landed file's silver commit is done; the file is not archived (moved or marked) yet. Context: the file name. */
    FILES_BEFORE_ARCHIVE
}
