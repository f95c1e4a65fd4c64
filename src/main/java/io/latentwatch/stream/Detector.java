package io.latentwatch.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.metrics.HttpEndpoint;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.modeltopic.ModelFollower;
import io.latentwatch.security.ModelSignature;
import io.latentwatch.security.ModelVerifier;
import io.latentwatch.util.FileTrees;
import io.latentwatch.util.Json;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A running detector: topics checked, model loaded (from a file and/or the models topic),
 * HTTP endpoint, metrics and the Kafka Streams application. {@link #close()} stops it all and
 * removes the temporary state directory.
 */
public final class Detector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Detector.class);
    /** Not ready for this long after a stream thread failed. */
    static final Duration READY_FAILURE_WINDOW = Duration.ofSeconds(60);
    /** Not ready when the group coordinator answered no heartbeat for this long. */
    static final Duration READY_HEARTBEAT_WINDOW = Duration.ofSeconds(30);
    /** Not ready when records wait and none was processed for this long. */
    static final Duration READY_STALL_WINDOW = Duration.ofSeconds(60);
    private static final String TEMP_STATE_PREFIX = "latentwatch-streams-";
    private static final String OWNER_FILE = "latentwatch-owner.pid";
    private final DetectorConfig config;
    private DriftPublisher driftPublisher;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DetectorMetrics metrics;
    private final ModelRegistry models = new ModelRegistry();
    private JvmGcMetrics gcMetrics;
    private Path tempStateDir;
    private ModelFollower follower;
    private ModelFollower challengers;
    private HttpEndpoint http;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private final Readiness readiness;
    private volatile boolean closed;

    private final BooleanSupplier stopRequested;

    private Detector(DetectorConfig config, BooleanSupplier stopRequested) {
        this.config = config;
        this.stopRequested = stopRequested;
        this.metrics = DetectorMetrics.forApplication(registry, String.valueOf(config.streams().applicationId()));
        this.readiness = new Readiness(() -> streams, () -> models.current().isPresent(),
                () -> (long) registry.get("latentwatch.images.consumed").counter().count(), System::nanoTime,
                READY_FAILURE_WINDOW, READY_HEARTBEAT_WINDOW, READY_STALL_WINDOW);
    }

    /**
     * Starts a detector and returns once Kafka Streams has been started (it may still be
     * rebalancing: see {@link #isReady()}). Blocks while no model is available yet.
     */
    public static Detector start(DetectorConfig config) {
        return start(config, () -> false);
    }

    /**
     * Starts a detector; while it waits for a first model, {@code stopRequested} can end the wait
     * (start then fails with an {@link IllegalStateException} and leaves nothing running).
     */
    public static Detector start(DetectorConfig config, BooleanSupplier stopRequested) {
        Detector detector = new Detector(config, stopRequested);
        try {
            detector.startAll();
            return detector;
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    private void startAll() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        models.onSwap(metrics::modelSwapped);
        metrics.challenger().follow(models.challenger());

        Map<String, Object> clientProps = clientProps();
        List<String> topics = new ArrayList<>(List.of(config.topics().input()));
        topics.addAll(config.topics().outputs());
        if (config.model().followTopic()) {
            topics.add(config.topics().models());
        }
        if (config.drift().enabled()) {
            topics.add(config.drift().topic());
        }
        TopicAdmin admin = new TopicAdmin(clientProps, Duration.ofSeconds(30));
        Set<String> compacted = config.drift().enabled()
                ? Set.of(config.topics().models(), config.drift().topic()) : Set.of(config.topics().models());
        admin.ensure(topics, compacted, config.topicSetup().create(), config.topicSetup().partitions(),
                config.topicSetup().replicationFactor(), DetectorTopology.topicMaxMessageBytes(config));
        RecordBudget budget = recordBudget(admin);
        alignBufferChangelog(admin);

        if (config.httpPort() >= 0) {
            http = HttpEndpoint.start(config.httpPort(), registry, this::health, this::modelJson);
            LOG.info("HTTP on port {}: /metrics /health/live /health/ready /model", http.port());
        }
        logModelVerification();
        if (config.model().file() != null) {
            models.swap(loadFile(config.model().file()));
        }
        if (config.model().followTopic()) {
            follower = new ModelFollower(clientProps, config.topics().models(), config.model().name(), models, metrics,
                    config.model().overrides(), config.streams().inferenceThreads(), config.model().allowInputChange(), config.model().verifier());
            follower.start();
            awaitFirstModel();
            // after the serving model, whose input shape a challenger must match
            challengers = ModelFollower.challengers(clientProps, config.topics().models(), config.model().name(), models,
                    metrics, config.model().overrides(), config.streams().inferenceThreads(), config.model().verifier());
            challengers.start();
        }
        ModelInfo info = models.current().orElseThrow();
        LOG.info("serving model {} version {} (threshold {}, input {}x{}x{})", info.name(), info.version(),
                info.threshold(), info.channels(), info.height(), info.width());

        Path stateDir = config.streams().stateDir();
        if (stateDir == null) {
            removeStaleStateDirs(Path.of(System.getProperty("java.io.tmpdir")));
            try {
                tempStateDir = Files.createTempDirectory(TEMP_STATE_PREFIX);
                Files.writeString(tempStateDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a state directory: " + e.getMessage()
                        + "; pass --state-dir DIR", e);
            }
            stateDir = tempStateDir;
        }
        Properties props = DetectorTopology.streamsProperties(config, stateDir, metrics);
        props.put(DeadLetterExceptionHandler.MAX_RECORD_BYTES_CONFIG, budget.maxRecordBytes());
        streams = new KafkaStreams(DetectorTopology.build(config, models, metrics, budget), props,
                new StableTransactionalIds(config.streams().applicationId(), config.streams().instanceId()));
        streams.setUncaughtExceptionHandler(e -> {
            readiness.threadFailed();
            LOG.error("a stream thread failed; replacing it", e);
            if (String.valueOf(e.getMessage()).contains("has invalid partitions")) {
                // partitions were added to the input while the detector ran: the replacement thread
                // finds the buffer's changelog grown to match
                try {
                    alignBufferChangelog(admin);
                } catch (RuntimeException alignFailed) {
                    LOG.error("the batch buffer's changelog cannot follow the input's partitions", alignFailed);
                }
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("Kafka Streams {} -> {}", before, now));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.start();
        if (config.drift().enabled()) {
            driftPublisher = new DriftPublisher(config.drift(), clientProps, metrics.drift(), registry);
            driftPublisher.start();
        }
    }

    /**
     * With batching, gives the buffer's changelog as many partitions as the input topic: Kafka
     * Streams refuses to run a changelog with fewer partitions than its input, and partitions
     * may have been added to the input since the changelog was made (docs/deployment.md).
     */
    private void alignBufferChangelog(TopicAdmin admin) {
        if (config.tuning().batchSize() > 1) {
            admin.growToMatch(DetectorTopology.bufferChangelog(config.streams().applicationId()), config.topics().input());
        }
    }

    /**
     * The largest record the outputs may have: the smaller of the producer's max.request.size and
     * the output topics' max.message.bytes, read from the broker. Dead letters are cut to fit it.
     */
    private RecordBudget recordBudget(TopicAdmin admin) {
        int producerMax = DetectorTopology.producerMaxRequestSize(config);
        Map<String, Integer> topicMax = admin.maxMessageBytes(config.topics().outputs());
        int limit = producerMax;
        String by = "the producer's max.request.size";
        for (String topic : config.topics().outputs()) {
            int max = topicMax.getOrDefault(topic, RecordBudget.KAFKA_DEFAULT.maxRecordBytes());
            if (max < limit) {
                limit = max;
                by = "max.message.bytes of topic '" + topic + "'";
            }
        }
        RecordBudget budget = RecordBudget.of(limit);
        if (budget.maxRecordBytes() < config.limits().maxBytes()) {
            LOG.warn("dead letters are limited to {} bytes by {}, less than --max-image-bytes {}: a larger input that"
                    + " cannot be scored goes to '{}' with its headers and SHA-256 but without its bytes; raise the"
                    + " topic's max.message.bytes to keep them", budget.maxRecordBytes(), by,
                    config.limits().maxBytes(), config.topics().deadLetter());
        } else {
            LOG.info("output records up to {} bytes ({}); larger dead letters keep headers and SHA-256 only",
                    budget.maxRecordBytes(), by);
        }
        return budget;
    }

    /** Removes temporary state directories left by detectors that were killed (their owner is gone). */
    static void removeStaleStateDirs(Path tmp) {
        try (var dirs = Files.newDirectoryStream(tmp, TEMP_STATE_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir) && !ownerAlive(dir)) {
                    try {
                        FileTrees.deleteRecursively(dir);
                        LOG.info("removed {}, left by a detector that is no longer running", dir);
                    } catch (RuntimeException e) {
                        LOG.debug("cannot remove stale state directory {}", dir, e);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {} for stale state directories", tmp, e);
        }
    }

    private static boolean ownerAlive(Path dir) {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            // no owner file: made by an older version, or still being set up; stale once an hour old
            try {
                return Files.getLastModifiedTime(dir).toInstant().isAfter(Instant.now().minus(Duration.ofHours(1)));
            } catch (IOException gone) {
                return true;
            }
        }
    }

    private OnnxAutoencoder loadFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        checkSignature(file, bytes);
        try {
            return OnnxAutoencoder.load(bytes, file.toString(), config.model().overrides(), config.streams().inferenceThreads());
        } catch (ModelRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void logModelVerification() {
        ModelVerifier verifier = config.model().verifier();
        if (verifier.verifies() || verifier.allowsUnsigned()) {
            LOG.info(verifier.describe());
        } else {
            LOG.warn(verifier.describe());
        }
    }

    /** A --model file is checked against its detached FILE.sig; a refusal stops the start. */
    private void checkSignature(Path file, byte[] bytes) {
        ModelVerifier.Verdict verdict;
        try {
            verdict = config.model().verifier().verify(bytes, ModelSignature.readFor(file));
        } catch (IllegalArgumentException e) {
            verdict = new ModelVerifier.Verdict(false, ModelVerifier.BAD_SIGNATURE, null, e.getMessage());
        }
        if (!verdict.accepted()) {
            metrics.modelRefused(verdict.reason());
            throw new IllegalArgumentException("--model " + file + " refused (" + verdict.reason() + "): "
                    + verdict.detail() + "; its signature is read from " + ModelSignature.fileOf(file));
        }
        LOG.info("model file {}: {}", file, verdict.detail());
    }

    private void awaitFirstModel() {
        long lastLog = 0;
        while (models.current().isEmpty() && !closed && !stopRequested.getAsBoolean()) {
            if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
                LOG.info("waiting for a model on topic '{}' (publish one with 'latentwatch train --publish')",
                        config.topics().models());
                lastLog = System.nanoTime();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a model", e);
            }
        }
        if (models.current().isEmpty()) {
            throw new IllegalStateException("stopped before a model arrived");
        }
    }

    private Map<String, Object> clientProps() {
        return config.connection().clientProperties();
    }

    /** Ready: a model loaded, Streams RUNNING, and work getting done (see {@link Readiness}). */
    public boolean isReady() {
        return readiness.check().ready();
    }

    private HttpEndpoint.Health health() {
        Readiness.Report report = readiness.check();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", report.ready() ? "UP" : "DOWN");
        json.put("streams_state", report.state());
        json.put("model_version", models.current().map(ModelInfo::version).orElse(null));
        if (!report.ready()) {
            json.put("reasons", report.reasons());
        }
        try {
            return new HttpEndpoint.Health(report.ready(), Json.MAPPER.writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Port the HTTP endpoint listens on, or -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    public ModelRegistry models() {
        return models;
    }

    private String modelJson() {
        return models.current().map(info -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", info.name());
            json.put("version", info.version());
            json.put("model_type", info.modelType());
            json.put("threshold", info.threshold());
            json.put("score_function", info.scoreFunction().id());
            json.put("normalization", info.normalization().spec());
            json.put("input_shape", List.of(info.channels(), info.height(), info.width()));
            json.put("embedding_size", info.embeddingSize());
            json.put("sha256", info.sha256());
            json.put("source", info.source());
            json.put("loaded_at", info.loadedAt().toString());
            json.put("metadata", info.metadata());
            models.challenger().current().ifPresent(c -> {
                Map<String, Object> challenger = new LinkedHashMap<>();
                challenger.put("name", c.name());
                challenger.put("version", c.version());
                challenger.put("threshold", c.threshold());
                challenger.put("sha256", c.sha256());
                challenger.put("source", c.source());
                challenger.put("loaded_at", c.loadedAt().toString());
                json.put("challenger", challenger);
            });
            try {
                return Json.MAPPER.writeValueAsString(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).orElse(null);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (follower != null) {
            follower.close();
        }
        if (challengers != null) {
            challengers.close();
        }
        if (driftPublisher != null) {
            driftPublisher.close();
        }
        if (streams != null) {
            // Leave the group so that the partitions move to the other detectors at once, instead
            // of waiting out the session timeout; the detector keeps no local state worth waiting for.
            boolean stopped = streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!stopped) {
                LOG.warn("Kafka Streams did not stop within 30 s");
            }
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (http != null) {
            http.close();
        }
        models.close();
        registry.close();
        if (tempStateDir != null) {
            FileTrees.deleteRecursively(tempStateDir);
        }
    }
}
