package io.lakehub.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The largest used heap seen by a daemon thread sampling {@code MemoryMXBean} every {@code periodMs}
 * milliseconds, for the benchmarks' "peak heap" figures (a lower bound on the true peak; the sum of pool
 * peaks from {@link SqlIncrementalBenchmark#peakHeapMb()} is the upper one). Start it with {@link #start},
 * read {@link #peakBytes()}, stop it with {@link #close()}.
 */
final class HeapSampler implements AutoCloseable {

    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;

    private HeapSampler(long periodMs) {
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
    }

    /** A started sampler taking one reading every {@code periodMs} milliseconds. */
    static HeapSampler start(long periodMs) {
        HeapSampler s = new HeapSampler(periodMs);
        s.thread.start();
        return s;
    }

    /** The largest used heap sampled so far, in bytes. */
    long peakBytes() {
        return peak.get();
    }

    /** Stops sampling; {@link #peakBytes()} keeps its value. */
    @Override
    public void close() {
        thread.interrupt();
    }
}
