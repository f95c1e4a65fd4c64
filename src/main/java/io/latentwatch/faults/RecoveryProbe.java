package io.latentwatch.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * When processing resumed after a fault: the time from the fault until every input partition has
 * a committed embedding that was written after the fault. "Written after" is exact, not a guess
 * from clocks: the embedding sits at or past the end offset its output partition had when the
 * fault was complete (the killed process gone, the broker serving again), so no record of the
 * old process, committed or read late, can count.
 */
final class RecoveryProbe {
    private final long faultNanos;
    private final int inputPartitions;
    private final Map<Integer, Long> recoveredAt = new HashMap<>();
    private final List<long[]> early = new ArrayList<>();
    private Map<Integer, Long> marks;

    /**
     * @param faultNanos      {@link System#nanoTime()} of the fault
     * @param inputPartitions partitions of the input topic, all of which must resume
     */
    RecoveryProbe(long faultNanos, int inputPartitions) {
        this.faultNanos = faultNanos;
        this.inputPartitions = inputPartitions;
    }

    /** Sets the end offsets of the output partitions once the fault is complete. */
    synchronized void mark(Map<Integer, Long> endOffsets) {
        marks = Map.copyOf(endOffsets);
        for (long[] seen : early) {
            observe((int) seen[0], seen[1], (int) seen[2], seen[3]);
        }
        early.clear();
    }

    /** An embedding was read: its output partition and offset, its input partition, and when. */
    synchronized void observe(int outputPartition, long outputOffset, int inputPartition, long nanos) {
        if (marks == null) {
            early.add(new long[] {outputPartition, outputOffset, inputPartition, nanos});
            return;
        }
        Long mark = marks.get(outputPartition);
        if (mark != null && outputOffset >= mark) {
            recoveredAt.putIfAbsent(inputPartition, nanos);
        }
    }

    synchronized boolean recovered() {
        return marks != null && recoveredAt.size() >= inputPartitions;
    }

    /** Time from the fault to the last input partition's first new output, once recovered. */
    synchronized OptionalLong recoveryMillis() {
        if (!recovered()) {
            return OptionalLong.empty();
        }
        long last = recoveredAt.values().stream().mapToLong(Long::longValue).max().orElse(faultNanos);
        return OptionalLong.of(Duration.ofNanos(last - faultNanos).toMillis());
    }

    /**
     * Time from the fault to the first input partition's first new output: small when the
     * partitions of the surviving detector kept flowing, as long as the recovery when they stalled too.
     */
    synchronized OptionalLong firstResumedMillis() {
        if (recoveredAt.isEmpty()) {
            return OptionalLong.empty();
        }
        long first = recoveredAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        return OptionalLong.of(Duration.ofNanos(first - faultNanos).toMillis());
    }

    /** Partitions that resumed so far. */
    synchronized int partitionsRecovered() {
        return recoveredAt.size();
    }
}
