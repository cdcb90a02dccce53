package io.lakehub.events;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.lakehub.delta.DataFile;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.hadoop.fs.Path;

/**
 * Step 3 of the events route ({@code landBronzeEvents}): writes the batch's fresh records, raw, to bronze.
 *
 * <p>Reads: an {@link EventBatch} body after {@link SkipCommittedEvents}. Writes: per (enqueued minute in
 * UTC, partition) one Parquet file with {@link LandEventBatch#BRONZE_SCHEMA} (partition, offset,
 * enqueued_time, key, body) at
 * {@code bronze/events/<hub>/yyyy=/MM=/dd=/HH=/mm=/part-p<partition>-o<first>-<last>.parquet}, written under
 * {@code bronze/events/<hub>/_staging/} and renamed, so a redelivered batch replaces its earlier attempt's
 * file (same name, or an overlapping range after the committed offset); the batch gets the relative paths
 * and the count. Nothing is committed: bronze files are plain files, silver's commit names them in its
 * lineage.
 *
 * <p>Failure: {@link IllegalStateException} when a partition's silver {@code txn} version moved since
 * the batch was filtered (a rebalance gave the partition to another instance, whose files must not be
 * replaced); {@link IOException} when the lake cannot be written. Either way nothing is acknowledged and
 * the batch is redelivered. Thread-safe.
 */
public final class LandBronzeEvents implements Processor {

    private final LakeStorage lake;
    private final DeltaTable silver;

    /**
     * @param lake   the lake
     * @param silver the table {@code silver/events_<hub>} (its {@code txn} versions guard the partitions)
     */
    public LandBronzeEvents(LakeStorage lake, DeltaTable silver) {
        this.lake = lake;
        this.silver = silver;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        land(EventBatch.of(exchange));
    }

    /** Writes the batch's bronze files. */
    void land(EventBatch batch) throws IOException {
        batch.require(batch.filtered, "landBronzeEvents", "skipCommittedEvents");
        for (Map.Entry<Integer, List<EventRecord>> e : batch.fresh.entrySet()) {
            batch.bronzeCount += writeBronze(batch.hub, e.getKey(), e.getValue(), batch.committedOffsets.get(e.getKey()),
                    batch.bronzeFiles);
        }
        batch.bronzeLanded = true;
    }

    /** Writes one bronze file per enqueued minute of a partition's records; returns the records written. */
    private long writeBronze(String hub, int partition, List<EventRecord> events, long committed, List<String> written)
            throws IOException {
        Map<Instant, List<EventRecord>> byMinute = new TreeMap<>();
        for (EventRecord e : events) {
            byMinute.computeIfAbsent(e.enqueued().truncatedTo(ChronoUnit.MINUTES), m -> new ArrayList<>()).add(e);
        }
        long now = silver.txnVersion(LandEventBatch.appId(hub, partition));
        if (now != committed) {
            // this instance read the partition at `committed`; another one has committed it since (a
            // consumer group rebalance moved it): replacing files now could remove that writer's bronze
            throw new IllegalStateException("partition " + partition + " moved from txn version " + committed + " to " + now
                    + " in silver/events_" + hub + " while this batch was in flight: another instance owns it now");
        }
        Path staging = lake.path("bronze/events/" + hub + "/_staging");
        long count = 0;
        for (Map.Entry<Instant, List<EventRecord>> m : byMinute.entrySet()) {
            List<EventRecord> l = m.getValue();
            String relative = "bronze/events/" + hub + "/" + LandEventBatch.folders(m.getKey(), true) + "/"
                    + LandEventBatch.fileName(partition, l.get(0).position(), l.get(l.size() - 1).position(), "parquet");
            ParquetRowWriter writer = new ParquetRowWriter(staging, lake.conf(), LandEventBatch.BRONZE_SCHEMA,
                    LandEventBatch.PLAIN_COLUMNS);
            try {
                for (EventRecord e : l) {
                    writer.write(new Object[] {e.partition(), e.position(), e.enqueued(), e.key(), e.body()});
                }
                DataFile f = writer.finish();
                EventFiles.publish(lake.conf(), new Path(staging, f.getPath()), lake.path(relative), partition,
                        l.get(0).position(), l.get(l.size() - 1).position(), committed);
            } catch (IOException | RuntimeException e) {
                writer.delete();
                throw e;
            }
            written.add(relative);
            count += l.size();
        }
        return count;
    }
}
