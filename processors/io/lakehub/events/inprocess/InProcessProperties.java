package io.lakehub.events.inprocess;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code lakehub.events.in-process.*} settings of the {@code in-process} transport
 * ({@code lakehub.events.transport: in-process}): an in-memory partitioned event log inside the hub,
 * fed by the generator, consumed by route {@code events-consume-<hub>}. Each key is documented with its
 * default in {@code application.yaml}.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.events.in-process")
public class InProcessProperties {

    /** Partitions of the log; a partition's events keep their order and have positions 0, 1, 2, ... */
    @Positive
    private int partitions = 4;
    /** Most events held per partition (published and not yet landed); a publisher waits while it is full. */
    @Positive
    private int capacity = 20_000;
    /** Most events per batch, i.e. per Delta commit (over all partitions). */
    @Positive
    private int batchSize = 5_000;
    /** Longest time an event waits for a batch to fill before a smaller batch is landed. */
    @NotNull
    private Duration batchLatency = Duration.ofSeconds(5);
    /** Time between two looks at the log when no batch is ready. */
    @NotNull
    private Duration pollPeriod = Duration.ofMillis(100);
    /** Wait before a failed batch is tried again (the same events, cut the same way). */
    @NotNull
    private Duration retryDelay = Duration.ofSeconds(2);

    public int getPartitions() {
        return partitions;
    }

    /** @throws IllegalArgumentException if below 1 */
    public void setPartitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("lakehub.events.in-process.partitions must be at least 1: " + partitions);
        }
        this.partitions = partitions;
    }

    public int getCapacity() {
        return capacity;
    }

    /** @throws IllegalArgumentException if below 1 */
    public void setCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("lakehub.events.in-process.capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** @throws IllegalArgumentException if below 1 */
    public void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("lakehub.events.in-process.batch-size must be at least 1: " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public Duration getBatchLatency() {
        return batchLatency;
    }

    public void setBatchLatency(Duration batchLatency) {
        this.batchLatency = batchLatency;
    }

    public Duration getPollPeriod() {
        return pollPeriod;
    }

    public void setPollPeriod(Duration pollPeriod) {
        this.pollPeriod = pollPeriod;
    }

    public Duration getRetryDelay() {
        return retryDelay;
    }

    public void setRetryDelay(Duration retryDelay) {
        this.retryDelay = retryDelay;
    }
}
