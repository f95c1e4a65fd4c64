package io.latentwatch.config;

import io.latentwatch.image.InputLimits;

import java.util.Objects;

/**
 * Everything {@code latentwatch detect} runs with, in groups that read like the command line:
 * where the cluster is, which topics, which model, how Kafka Streams runs, and the knobs. The
 * defaults live here and in the groups' constants, and the CLI's option defaults name the same
 * constants, so {@code demo}, {@code bench} and tests get what {@code detect} gets.
 *
 * <pre>{@code
 * DetectorConfig.of(Connection.to("localhost:9092"), Topics.DEFAULTS, ModelSource.topic("fashion"),
 *                 StreamsSettings.of("latentwatch-detector"))
 *         .withTopicSetup(TopicSetup.create(6))
 *         .withHttpPort(8080);
 * }</pre>
 *
 * @param connection where the Kafka cluster is and the client settings
 * @param topics     topic names
 * @param model      which model is served and which are accepted
 * @param streams    application id, membership, threads, processing guarantee, state directory
 * @param topicSetup what to do about missing topics at start
 * @param tuning     batch size, batch linger and commit interval
 * @param limits     hostile-input bounds
 * @param httpPort   port of the HTTP endpoint (0 picks a free port, -1 turns it off)
 * @param anomalyMaps whether anomaly records carry an anomaly map, and how large it may be
 * @param drift      whether and how often drift summaries are published (docs/drift.md)
 */
public record DetectorConfig(Connection connection, Topics topics, ModelSource model, StreamsSettings streams,
                             TopicSetup topicSetup, Tuning tuning, InputLimits limits, int httpPort,
                             AnomalyMapSettings anomalyMaps, DriftPublishing drift) {
    /** Default of {@code --http-port}. */
    public static final int DEFAULT_HTTP_PORT = 8080;

    public DetectorConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(model, "model source");
        Objects.requireNonNull(streams, "streams settings");
        Objects.requireNonNull(topicSetup, "topic setup");
        Objects.requireNonNull(tuning, "tuning");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(anomalyMaps, "anomaly maps");
        Objects.requireNonNull(drift, "drift publishing");
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-port must be 0..65535 (0 picks a free port, -1 turns HTTP off),"
                    + " got " + httpPort);
        }
    }

    /** A configuration with {@code detect}'s defaults for topic set-up, tuning, input limits and HTTP port. */
    public static DetectorConfig of(Connection connection, Topics topics, ModelSource model, StreamsSettings streams) {
        return new DetectorConfig(connection, topics, model, streams, TopicSetup.DEFAULT, Tuning.DEFAULT,
                InputLimits.DEFAULT, DEFAULT_HTTP_PORT, AnomalyMapSettings.OFF, DriftPublishing.OFF);
    }

    /** This configuration with another model source. */
    public DetectorConfig withModel(ModelSource other) {
        return new DetectorConfig(connection, topics, other, streams, topicSetup, tuning, limits, httpPort, anomalyMaps, drift);
    }

    /** This configuration with other Kafka Streams settings. */
    public DetectorConfig withStreams(StreamsSettings other) {
        return new DetectorConfig(connection, topics, model, other, topicSetup, tuning, limits, httpPort, anomalyMaps, drift);
    }

    /** This configuration with another topic set-up. */
    public DetectorConfig withTopicSetup(TopicSetup other) {
        return new DetectorConfig(connection, topics, model, streams, other, tuning, limits, httpPort, anomalyMaps, drift);
    }

    /** This configuration with other tuning. */
    public DetectorConfig withTuning(Tuning other) {
        return new DetectorConfig(connection, topics, model, streams, topicSetup, other, limits, httpPort, anomalyMaps, drift);
    }

    /** This configuration with other input limits. */
    public DetectorConfig withLimits(InputLimits other) {
        return new DetectorConfig(connection, topics, model, streams, topicSetup, tuning, other, httpPort, anomalyMaps, drift);
    }

    /** This configuration with other anomaly-map settings. */
    public DetectorConfig withAnomalyMaps(AnomalyMapSettings other) {
        return new DetectorConfig(connection, topics, model, streams, topicSetup, tuning, limits, httpPort, other, drift);
    }

    /** This configuration publishing drift summaries as {@code other} says. */
    public DetectorConfig withDrift(DriftPublishing other) {
        return new DetectorConfig(connection, topics, model, streams, topicSetup, tuning, limits, httpPort, anomalyMaps,
                other);
    }

    /** This configuration with the HTTP endpoint on {@code port} (0: a free port, -1: off). */
    public DetectorConfig withHttpPort(int port) {
        return new DetectorConfig(connection, topics, model, streams, topicSetup, tuning, limits, port, anomalyMaps, drift);
    }
}
