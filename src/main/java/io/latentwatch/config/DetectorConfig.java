package io.latentwatch.config;

import io.latentwatch.image.InputLimits;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.security.ModelVerifier;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code latentwatch detect} runs with. Defaults live in the CLI option definitions;
 * this record only holds and checks values.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param applicationId       Kafka Streams application id: detectors with the same id share the work
 * @param topics              topic names
 * @param modelFile           ONNX file to serve, or null to wait for the models topic
 * @param followModelTopic    whether to follow {@code topics.models()} and swap models live
 * @param modelName           key on the models topic to follow; null follows every key
 * @param overrides           threshold, normalisation and score function that win over model metadata
 * @param limits              hostile-input bounds
 * @param httpPort            port of the HTTP endpoint (0 picks a free port, -1 turns it off)
 * @param streamThreads       Kafka Streams threads
 * @param inferenceThreads    ONNX Runtime intra-op threads per session
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param stateDir            Kafka Streams state directory; null uses a temporary one removed on exit
 * @param createTopics        create missing topics at start
 * @param topicPartitions     partitions of topics created at start
 * @param replicationFactor   replication factor of topics created at start; -1 takes the broker default
 * @param kafkaProperties     client and Streams properties from {@code --kafka-config}
 * @param allowInputChange    install a published model whose input shape differs from the serving one's
 * @param instanceId          static group member id ({@code group.instance.id}), or null for dynamic membership
 * @param modelVerifier       which models may be served: signed by {@code --trusted-keys}, or
 *                            unverified (the default); see docs/security.md
 * @param tuning              batch size, batch linger and commit interval
 */
public record DetectorConfig(
        String bootstrapServers,
        String applicationId,
        Topics topics,
        Path modelFile,
        boolean followModelTopic,
        String modelName,
        ModelOverrides overrides,
        InputLimits limits,
        int httpPort,
        int streamThreads,
        int inferenceThreads,
        String processingGuarantee,
        Path stateDir,
        boolean createTopics,
        int topicPartitions,
        short replicationFactor,
        Map<String, String> kafkaProperties,
        boolean allowInputChange,
        String instanceId,
        ModelVerifier modelVerifier,
        Tuning tuning) {

    /** A configuration with the default {@link Tuning}. */
    public DetectorConfig(String bootstrapServers, String applicationId, Topics topics, Path modelFile,
                          boolean followModelTopic, String modelName, ModelOverrides overrides, InputLimits limits,
                          int httpPort, int streamThreads, int inferenceThreads, String processingGuarantee,
                          Path stateDir, boolean createTopics, int topicPartitions, short replicationFactor,
                          Map<String, String> kafkaProperties, boolean allowInputChange, String instanceId,
                          ModelVerifier modelVerifier) {
        this(bootstrapServers, applicationId, topics, modelFile, followModelTopic, modelName, overrides, limits,
                httpPort, streamThreads, inferenceThreads, processingGuarantee, stateDir, createTopics,
                topicPartitions, replicationFactor, kafkaProperties, allowInputChange, instanceId, modelVerifier,
                Tuning.DEFAULT);
    }

    /** A configuration with dynamic membership, refusing models for another input shape, serving them unverified. */
    public DetectorConfig(String bootstrapServers, String applicationId, Topics topics, Path modelFile,
                          boolean followModelTopic, String modelName, ModelOverrides overrides, InputLimits limits,
                          int httpPort, int streamThreads, int inferenceThreads, String processingGuarantee,
                          Path stateDir, boolean createTopics, int topicPartitions, short replicationFactor,
                          Map<String, String> kafkaProperties) {
        this(bootstrapServers, applicationId, topics, modelFile, followModelTopic, modelName, overrides, limits,
                httpPort, streamThreads, inferenceThreads, processingGuarantee, stateDir, createTopics,
                topicPartitions, replicationFactor, kafkaProperties, false, null, ModelVerifier.unverified(false));
    }

    /** This configuration with another model verifier. */
    public DetectorConfig withModelVerifier(ModelVerifier verifier) {
        return new DetectorConfig(bootstrapServers, applicationId, topics, modelFile, followModelTopic, modelName,
                overrides, limits, httpPort, streamThreads, inferenceThreads, processingGuarantee, stateDir,
                createTopics, topicPartitions, replicationFactor, kafkaProperties, allowInputChange, instanceId,
                verifier, tuning);
    }

    /** This configuration with other tuning. */
    public DetectorConfig withTuning(Tuning other) {
        return new DetectorConfig(bootstrapServers, applicationId, topics, modelFile, followModelTopic, modelName,
                overrides, limits, httpPort, streamThreads, inferenceThreads, processingGuarantee, stateDir,
                createTopics, topicPartitions, replicationFactor, kafkaProperties, allowInputChange, instanceId,
                modelVerifier, other);
    }

    public DetectorConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrap servers");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(modelVerifier, "model verifier");
        Objects.requireNonNull(tuning, "tuning");
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (modelFile == null && !followModelTopic) {
            throw new IllegalArgumentException("no model to serve: pass --model FILE.onnx, or --model-topic to"
                    + " follow the models topic (or both)");
        }
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-port must be 0..65535 (0 picks a free port, -1 turns HTTP off),"
                    + " got " + httpPort);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("--stream-threads must be at least 1, got " + streamThreads);
        }
        if (inferenceThreads < 1) {
            throw new IllegalArgumentException("--inference-threads must be at least 1, got " + inferenceThreads);
        }
        if (!processingGuarantee.equals("exactly_once_v2") && !processingGuarantee.equals("at_least_once")) {
            throw new IllegalArgumentException("--processing-guarantee must be exactly_once_v2 or at_least_once, got "
                    + processingGuarantee);
        }
        if (topicPartitions < 1) {
            throw new IllegalArgumentException("--topic-partitions must be at least 1, got " + topicPartitions);
        }
        if (instanceId != null && (instanceId.isBlank() || !instanceId.matches("[A-Za-z0-9._-]+"))) {
            throw new IllegalArgumentException("--instance-id must be letters, digits, '.', '_' or '-' (a pod name,"
                    + " for one), got '" + instanceId + "'");
        }
        if (replicationFactor < -1 || replicationFactor == 0) {
            throw new IllegalArgumentException("--replication-factor must be -1 (broker default) or at least 1, got "
                    + replicationFactor);
        }
    }
}
