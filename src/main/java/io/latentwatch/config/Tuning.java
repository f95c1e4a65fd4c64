package io.latentwatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Throughput and latency knobs of the detector; docs/benchmarks.md has the measurements behind
 * the defaults.
 *
 * @param batchSize      images scored per ONNX Runtime call ({@code --batch-size}); 1 scores each
 *                       record as it comes, more buffer records in a changelogged state store
 * @param batchLinger    longest a buffered record waits for its batch to fill ({@code --batch-linger})
 * @param commitInterval Kafka Streams {@code commit.interval.ms} ({@code --commit-interval}): under
 *                       exactly-once, outputs become visible to read_committed consumers only at a
 *                       commit, so this bounds the added latency; shorter costs more commits
 */
public record Tuning(int batchSize, Duration batchLinger, Duration commitInterval) {
    /**
     * Default of {@code --batch-size}: up to 32 records per ONNX Runtime call. Against scoring each
     * record as it comes, the stream thread did 0.72-1.12 of raw ONNX Runtime's images per
     * CPU-second instead of 0.53-0.74, and the p99 at a given load was no worse (docs/benchmarks.md,
     * warm detectors and batching by default).
     */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** Default of {@code --batch-linger}, in ms: what a record waits at most when traffic is light. */
    public static final long DEFAULT_BATCH_LINGER_MS = 2;
    /** Default of {@code --commit-interval}, in ms (docs/benchmarks.md has the measurements). */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 20;
    /** The defaults of {@code latentwatch detect}. */
    public static final Tuning DEFAULT = new Tuning(DEFAULT_BATCH_SIZE, Duration.ofMillis(DEFAULT_BATCH_LINGER_MS),
            Duration.ofMillis(DEFAULT_COMMIT_INTERVAL_MS));
    /** Each record scored as it comes ({@code --batch-size 1}), the other settings the defaults. */
    public static final Tuning UNBATCHED = new Tuning(1, Duration.ofMillis(DEFAULT_BATCH_LINGER_MS),
            Duration.ofMillis(DEFAULT_COMMIT_INTERVAL_MS));
    /** Largest {@code --batch-size}. */
    public static final int MAX_BATCH_SIZE = 1024;

    public Tuning {
        Objects.requireNonNull(batchLinger, "batch linger");
        Objects.requireNonNull(commitInterval, "commit interval");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("--batch-size must be 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (batchLinger.toMillis() < 1) {
            throw new IllegalArgumentException("--batch-linger must be at least 1 ms, got " + batchLinger.toMillis());
        }
        if (commitInterval.toMillis() < 1) {
            throw new IllegalArgumentException("--commit-interval must be at least 1 ms, got "
                    + commitInterval.toMillis());
        }
    }

    /** These settings with another commit interval. */
    public Tuning withCommitInterval(Duration interval) {
        return new Tuning(batchSize, batchLinger, interval);
    }
}
