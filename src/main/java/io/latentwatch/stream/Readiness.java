package io.latentwatch.stream;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What {@code GET /health/ready} answers: ready means the detector is doing its work now, not
 * merely that it started. All of these must hold:
 * <ul>
 *   <li>a model is loaded;</li>
 *   <li>Kafka Streams is {@code RUNNING};</li>
 *   <li>no stream thread failed in the last {@code failureWindow} (a thread that fails on every
 *       try is replaced again and again while its partitions make no progress);</li>
 *   <li>the stream threads' consumers were connected to a broker, and sent a heartbeat to the
 *       group coordinator, within {@code heartbeatWindow} (the cluster is reachable);</li>
 *   <li>when records are waiting (consumer lag above zero), one was processed within
 *       {@code stallWindow}.</li>
 * </ul>
 * The checks read Kafka's own client metrics and counters the detector keeps anyway, so answering
 * costs the hot path nothing.
 */
final class Readiness {
    private final Supplier<KafkaStreams> streams;
    private final Supplier<Boolean> modelLoaded;
    private final LongSupplier processed;
    private final LongSupplier clock;
    private final Duration failureWindow;
    private final Duration heartbeatWindow;
    private final Duration stallWindow;
    private volatile long lastThreadFailure = Long.MIN_VALUE;
    private long lastProcessed = -1;
    private long lastProgress;
    private long lastConnected;

    /** The answer, with the reasons when not ready. */
    record Report(boolean ready, String state, List<String> reasons) {
    }

    /**
     * @param processed records consumed so far, a counter the scorer keeps anyway
     * @param clock     nanosecond clock
     */
    Readiness(Supplier<KafkaStreams> streams, Supplier<Boolean> modelLoaded, LongSupplier processed,
              LongSupplier clock, Duration failureWindow, Duration heartbeatWindow, Duration stallWindow) {
        this.streams = streams;
        this.modelLoaded = modelLoaded;
        this.processed = processed;
        this.clock = clock;
        this.failureWindow = failureWindow;
        this.heartbeatWindow = heartbeatWindow;
        this.stallWindow = stallWindow;
        this.lastProgress = clock.getAsLong();
        this.lastConnected = lastProgress;
    }

    /** Called by the uncaught-exception handler when a stream thread fails. */
    void threadFailed() {
        lastThreadFailure = clock.getAsLong();
    }

    synchronized Report check() {
        long now = clock.getAsLong();
        long count = processed.getAsLong();
        if (count != lastProcessed) {
            lastProcessed = count;
            lastProgress = now;
        }
        List<String> reasons = new ArrayList<>();
        if (!modelLoaded.get()) {
            reasons.add("no model loaded yet");
        }
        KafkaStreams kafkaStreams = streams.get();
        KafkaStreams.State state = kafkaStreams == null ? null : kafkaStreams.state();
        if (state != KafkaStreams.State.RUNNING) {
            reasons.add("Kafka Streams is " + (state == null ? "not started" : state));
        }
        if (lastThreadFailure != Long.MIN_VALUE && now - lastThreadFailure < failureWindow.toNanos()) {
            reasons.add("a stream thread failed " + seconds(now - lastThreadFailure) + " s ago (see the log)");
        }
        if (kafkaStreams != null && state == KafkaStreams.State.RUNNING) {
            Map<MetricName, ? extends Metric> metrics = kafkaStreams.metrics();
            if (largest(metrics, "connection-count", "consumer-metrics") > 0) {
                lastConnected = now;
            } else if (now - lastConnected > heartbeatWindow.toNanos()) {
                reasons.add("no connection to any broker for " + seconds(now - lastConnected)
                        + " s (is the cluster reachable?)");
            }
            double heartbeat = largest(metrics, "last-heartbeat-seconds-ago", "consumer-coordinator-metrics");
            if (heartbeat > heartbeatWindow.toSeconds()) {
                reasons.add("no heartbeat answered by the group coordinator for " + (long) heartbeat
                        + " s (is the broker reachable?)");
            }
            double lag = largest(metrics, "records-lag-max", "consumer-fetch-manager-metrics");
            if (lag > 0 && now - lastProgress > stallWindow.toNanos()) {
                reasons.add("records are waiting (lag " + (long) lag + ") but none was processed for "
                        + seconds(now - lastProgress) + " s");
            }
        }
        return new Report(reasons.isEmpty(), state == null ? "NOT_STARTED" : state.name(), List.copyOf(reasons));
    }

    /** Largest finite value of a metric over the stream threads' main consumers; NaN when none. */
    private static double largest(Map<MetricName, ? extends Metric> metrics, String name, String group) {
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName m = e.getKey();
            String client = m.tags().getOrDefault("client-id", "");
            if (!m.name().equals(name) || !m.group().equals(group) || !client.endsWith("-consumer")
                    || client.endsWith("-restore-consumer")) {
                continue;
            }
            if (e.getValue().metricValue() instanceof Number n && Double.isFinite(n.doubleValue())) {
                max = Double.isNaN(max) ? n.doubleValue() : Math.max(max, n.doubleValue());
            }
        }
        return max;
    }

    private static long seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }
}
