package io.latentwatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether and how a detector publishes drift summaries ({@code detect --drift-topic},
 * {@code --drift-interval}).
 *
 * @param topic    the compacted drift topic, or null when the detector publishes none
 * @param interval how often a summary is published per detector instance
 * @param instance this instance's name in the record key and value
 */
public record DriftPublishing(String topic, Duration interval, String instance) {
    /** Default period: often enough for a trainer to react within a minute, cheap for the broker. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** No drift summaries. */
    public static final DriftPublishing OFF = new DriftPublishing(null, DEFAULT_INTERVAL, "none");

    public DriftPublishing {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(instance, "instance");
        if (interval.isNegative() || interval.toMillis() < 100) {
            throw new IllegalArgumentException("--drift-interval must be at least 100 ms (e.g. PT30S), got " + interval);
        }
        if (topic != null && topic.isBlank()) {
            throw new IllegalArgumentException("--drift-topic must not be empty");
        }
    }

    /** Whether summaries are published. */
    public boolean enabled() {
        return topic != null;
    }
}
