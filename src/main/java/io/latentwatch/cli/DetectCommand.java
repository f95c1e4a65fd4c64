package io.latentwatch.cli;

import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.DriftPublishing;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.drifttopic.DriftTopic;
import io.latentwatch.image.InputLimits;
import io.latentwatch.security.ModelVerifier;
import io.latentwatch.security.TrustedKeys;
import io.latentwatch.stream.Detector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/** {@code latentwatch detect}: runs the detector topology until stopped. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the detector: scores image events with an ONNX autoencoder.",
                "Reads the input topic, writes anomalies, embeddings and dead letters, and runs until stopped"
                        + " (Ctrl-C or SIGTERM)."})
public final class DetectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(names = "--model", paramLabel = "FILE",
            description = "ONNX model to serve. With --model-topic too, newer models from the topic replace it.")
    Path model;

    @Option(names = "--model-topic", arity = "0..1", fallbackValue = Topics.DEFAULT_MODELS, paramLabel = "TOPIC",
            description = "Follow this compacted topic of published models and swap live"
                    + " (default topic when given without a value: " + Topics.DEFAULT_MODELS + ").")
    String modelTopic;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Follow only this model name (record key) on the model topic (default: any).")
    String modelName;


    @CommandLine.Mixin
    InputTopicOption inputTopic;

    @CommandLine.Mixin
    OutputTopicOptions outputTopics;

    @CommandLine.Mixin
    ModelOverrideOptions overrides;

    @Option(names = "--http-port", defaultValue = "" + DetectorConfig.DEFAULT_HTTP_PORT, paramLabel = "PORT",
            description = "Port for /metrics, /health/live, /health/ready and /model; 0 picks a free port,"
                    + " -1 turns HTTP off (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--application-id", defaultValue = StreamsSettings.DEFAULT_APPLICATION_ID, paramLabel = "ID",
            description = "Kafka Streams application id; detectors with the same id share the partitions"
                    + " (default: ${DEFAULT-VALUE}).")
    String applicationId;


    @Option(names = "--stream-threads", defaultValue = "1", paramLabel = "N",
            description = "Kafka Streams threads (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--inference-threads", defaultValue = "1", paramLabel = "N",
            description = "ONNX Runtime threads per inference call (default: ${DEFAULT-VALUE}).")
    int inferenceThreads;

    @Option(names = "--processing-guarantee", defaultValue = StreamsSettings.EXACTLY_ONCE, paramLabel = "GUARANTEE",
            description = StreamsSettings.EXACTLY_ONCE + " or " + StreamsSettings.AT_LEAST_ONCE
                    + " (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Kafka Streams state directory (default: a temporary directory removed on exit).")
    Path stateDir;

    @Option(names = "--create-topics", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Create missing topics at start (default: ${DEFAULT-VALUE}; --no-create-topics to fail"
                    + " instead).")
    boolean createTopics;

    @Option(names = "--topic-partitions", defaultValue = "" + TopicSetup.DEFAULT_PARTITIONS, paramLabel = "N",
            description = "Partitions of topics created at start (default: ${DEFAULT-VALUE}).")
    int topicPartitions;

    @Option(names = "--replication-factor", defaultValue = "" + TopicSetup.BROKER_DEFAULT_REPLICATION, paramLabel = "N",
            description = "Replication factor of topics created at start; -1 takes the broker's default"
                    + " (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--max-image-bytes", defaultValue = "" + InputLimits.DEFAULT_MAX_BYTES, paramLabel = "BYTES",
            description = "Largest input record accepted; larger ones go to the DLQ (default: ${DEFAULT-VALUE}).")
    int maxImageBytes;

    @Option(names = "--max-image-pixels", defaultValue = "" + InputLimits.DEFAULT_MAX_PIXELS, paramLabel = "PIXELS",
            description = "Largest image (width x height) accepted, checked before decoding"
                    + " (default: ${DEFAULT-VALUE}, 16384x16384). Images decoded whole are also bounded by"
                    + " the heap (-Xmx): a WebP may take half of it, a progressive JPEG's coefficients a quarter.")
    long maxImagePixels;

    @Option(names = "--anomaly-maps", defaultValue = "false",
            description = "Attach to each anomaly record an anomaly map: the per-pixel reconstruction error as a"
                    + " heatmap PNG of the model input's size, base64 in field anomaly_map. Made only for anomalies;"
                    + " see docs/pictures.md (default: off).")
    boolean anomalyMaps;

    @Option(names = "--anomaly-map-max-bytes", defaultValue = "" + AnomalyMapSettings.DEFAULT_MAX_BYTES,
            paramLabel = "BYTES",
            description = "Most bytes of one anomaly map's PNG; a larger map is halved until it fits"
                    + " (default: ${DEFAULT-VALUE}).")
    int anomalyMapMaxBytes;

    @Option(names = "--allow-input-change", defaultValue = "false",
            description = "Install a published model whose input shape (channels, height, width) differs from the"
                    + " serving model's. Off by default: such a model is refused, since it was most likely"
                    + " published for other images.")
    boolean allowInputChange;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Static group membership (Kafka's group.instance.id): a detector restarted with the same"
                    + " id within the session timeout takes its partitions back without a rebalance, and under"
                    + " exactly-once its producers' transactional ids are made of the id, so it aborts the"
                    + " transaction a killed predecessor left open at once. Give each"
                    + " instance its own stable id, e.g. the pod name; never two running instances the same id"
                    + " (default: dynamic membership).")
    String instanceId;

    @Option(names = "--trusted-keys", paramLabel = "FILE|DIR",
            description = "Serve only models signed by one of these Ed25519 public keys: a PEM file of one or more"
                    + " keys, or a directory whose *.pub files are read. Unsigned, tampered and unknown-key models"
                    + " are refused (log line, latentwatch_model_refusals_total{reason}); the current model keeps"
                    + " serving. Without it models are not verified. See docs/security.md.")
    Path trustedKeys;

    @Option(names = "--allow-unsigned",
            description = "Serve unsigned models too (local use). With --trusted-keys, signed models must still"
                    + " verify; without it, it only silences the warning that models are not verified.")
    boolean allowUnsigned;

    @Option(names = "--commit-interval", defaultValue = "" + Tuning.DEFAULT_COMMIT_INTERVAL_MS, paramLabel = "MS",
            description = "Kafka Streams commit interval in ms. Under exactly_once_v2 outputs become visible to"
                    + " read_committed consumers at a commit, so this bounds the latency it adds; shorter costs"
                    + " more transactions. See docs/benchmarks.md (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--batch-size", defaultValue = "" + Tuning.DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "Images per ONNX Runtime call, at most. Above 1, records wait in a changelogged state store"
                    + " (topic <application-id>-score-buffer-changelog; exactly once even if the detector dies with a"
                    + " half-full batch) until N are there or --batch-linger passes; images over 256 KB are scored"
                    + " at once. 1 scores each record as it comes and needs no state store. See docs/benchmarks.md"
                    + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-linger", defaultValue = "" + Tuning.DEFAULT_BATCH_LINGER_MS, paramLabel = "MS",
            description = "Longest a record waits for its batch to fill, in ms (wall clock; default: ${DEFAULT-VALUE}).")
    long batchLingerMs;

    @Option(names = "--drift-topic", arity = "0..1", fallbackValue = DriftTopic.DEFAULT, paramLabel = "TOPIC",
            description = "Publish a drift summary of the serving model (PSI, KS, window, version) to this compacted"
                    + " topic every --drift-interval, for 'train --retrain-on-drift' (default topic when given without"
                    + " a value: " + DriftTopic.DEFAULT + "; default: off). See docs/drift.md.")
    String driftTopic;

    @Option(names = "--drift-interval", defaultValue = "PT30S", paramLabel = "DURATION",
            description = "With --drift-topic: how often a summary is published, ISO-8601 (default: ${DEFAULT-VALUE}).")
    String driftInterval;

    /** Where and how often drift summaries go; a bad value is a usage error that names the flag. */
    private DriftPublishing driftPublishing(DetectorConfig config) {
        CommandLine cl = spec.commandLine();
        Duration interval;
        try {
            interval = Duration.parse(driftInterval);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cl, "--drift-interval " + driftInterval
                    + " is not an ISO-8601 duration; write e.g. PT30S");
        }
        if (driftTopic != null && (config.topics().outputs().contains(driftTopic)
                || driftTopic.equals(config.topics().input()) || driftTopic.equals(config.topics().models()))) {
            throw new CommandLine.ParameterException(cl, "--drift-topic " + driftTopic
                    + " is already the input, an output or the model topic; give it a name of its own");
        }
        try {
            return new DriftPublishing(driftTopic, interval,
                    instanceId != null ? instanceId : DriftTopic.defaultInstance());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    /** Builds and validates the configuration; a bad value is a usage error that names the flag. */
    DetectorConfig config() {
        CommandLine cl = spec.commandLine();
        if (model != null && !Files.isReadable(model)) {
            throw new CommandLine.ParameterException(cl, "--model " + model + ": no such readable file");
        }
        try {
            Topics topics = outputTopics.topics(inputTopic.name, modelTopic == null ? Topics.DEFAULT_MODELS : modelTopic);
            ModelSource source = new ModelSource(model, modelTopic != null, modelName, overrides.toOverrides(),
                    allowInputChange,
                    modelVerifier());
            StreamsSettings streams = new StreamsSettings(applicationId, instanceId, streamThreads, inferenceThreads,
                    processingGuarantee, stateDir);
            DetectorConfig config = DetectorConfig.of(connection.connection(), topics, source, streams)
                    .withTopicSetup(new TopicSetup(createTopics, topicPartitions, replicationFactor))
                    .withTuning(new Tuning(batchSize, Duration.ofMillis(batchLingerMs), Duration.ofMillis(commitIntervalMs)))
                    .withLimits(new InputLimits(maxImageBytes, maxImagePixels))
                    .withHttpPort(httpPort)
                    .withAnomalyMaps(new AnomalyMapSettings(anomalyMaps, anomalyMapMaxBytes));
            return config.withDrift(driftPublishing(config));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    private ModelVerifier modelVerifier() {
        if (trustedKeys == null) {
            return ModelVerifier.unverified(allowUnsigned);
        }
        try {
            return ModelVerifier.trusting(TrustedKeys.load(trustedKeys), allowUnsigned);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trusted-keys " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        DetectorConfig config = config();
        try (StopSignal signal = StopSignal.install()) {
            Detector detector;
            try {
                detector = Detector.start(config, signal::stopRequested);
            } catch (IllegalStateException e) {
                if (signal.stopRequested()) {
                    return 0; // stopped while waiting for a first model
                }
                throw e;
            }
            try (detector) {
                signal.await();
            }
        }
        return 0;
    }
}
