package io.latentwatch.modeltopic;

import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.security.ModelVerifier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows the compacted models topic ({@link ModelTopic} has the contract) from its beginning and installs every new model it finds
 * (optionally only one model name). Each detector instance follows the whole topic with no
 * consumer group, so every instance switches.
 *
 * <p>At start it reads up to the topic's end and serves the newest model that loads: a newest
 * record that is refused (unloadable, degenerate, another input shape) does not leave a starting
 * detector waiting while older valid models are on the topic. After that it installs each new
 * publication; one that is refused is logged and counted, and the current model keeps serving.
 *
 * <p>A second follower, made by {@link #challengers}, reads the challenger keys
 * ({@code NAME#challenger}) the same way into the registry's challenger slot; a tombstone under
 * the key of the loaded challenger unloads it. The serving-model follower never reads challenger
 * keys, and ignores tombstones.
 */
public final class ModelFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);
    /** Older publications kept in memory during the first read, to fall back on. */
    private static final int MAX_FALLBACKS = 8;
    private static final long MAX_FALLBACK_BYTES = 256L * 1024 * 1024;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String modelName;
    private final Role role;
    /** The slot this follower fills: the serving model's registry, or its challenger slot. */
    private final ModelRegistry registry;
    /** The serving model's registry, whose input shape a challenger must match. */
    private final ModelRegistry champion;
    /** Key of the challenger being served, which a tombstone under that key unloads. */
    private String currentKey;
    private final DetectorMetrics metrics;
    private final ModelOverrides overrides;
    private final int inferenceThreads;
    private final boolean allowInputChange;
    private final Thread thread;
    private final Deque<ConsumerRecord<byte[], byte[]>> startCandidates = new ArrayDeque<>();
    private long startCandidateBytes;
    private Map<TopicPartition, Long> catchUpTo;
    private final ModelVerifier verifier;
    private volatile boolean running = true;

    /**
     * @param clientProps      consumer properties (bootstrap servers, security)
     * @param modelName        key to follow, or null for every key
     * @param allowInputChange install models whose input shape differs from the serving model's
     */
    public ModelFollower(Map<String, Object> clientProps, String topic, String modelName, ModelRegistry registry,
                         DetectorMetrics metrics, ModelOverrides overrides, int inferenceThreads,
                         boolean allowInputChange, ModelVerifier verifier) {
        this(Role.CHAMPION, clientProps, topic, modelName, registry, metrics, overrides, inferenceThreads,
                allowInputChange, verifier);
    }

    private ModelFollower(Role role, Map<String, Object> clientProps, String topic, String modelName,
                          ModelRegistry registry, DetectorMetrics metrics, ModelOverrides overrides,
                          int inferenceThreads, boolean allowInputChange, ModelVerifier verifier) {
        this.role = role;
        this.verifier = verifier;
        Map<String, Object> props = ModelTopic.readerProperties(clientProps, role.threadName);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.modelName = modelName;
        this.champion = registry;
        this.registry = role == Role.CHAMPION ? registry : registry.challenger();
        this.metrics = metrics;
        this.overrides = overrides;
        this.inferenceThreads = inferenceThreads;
        this.allowInputChange = allowInputChange;
        this.thread = new Thread(this::run, role.threadName);
        this.thread.setDaemon(true);
    }

    /**
     * A follower of the challengers of {@code modelName} (key {@code NAME#challenger}; every
     * challenger key when null), installing them into {@code registry}'s challenger slot with the
     * same checks as a serving model, and an input shape that must match the serving model's. A
     * tombstone under the challenger's key unloads it.
     *
     * @param registry the serving model's registry
     */
    public static ModelFollower challengers(Map<String, Object> clientProps, String topic, String modelName,
                                            ModelRegistry registry, DetectorMetrics metrics, ModelOverrides overrides,
                                            int inferenceThreads, ModelVerifier verifier) {
        return new ModelFollower(Role.CHALLENGER, clientProps, topic, modelName, registry, metrics, overrides,
                inferenceThreads, false, verifier);
    }

    /** Which keys a follower reads and which slot it fills. */
    private enum Role {
        /** Keys {@code NAME}: the serving model. */
        CHAMPION("latentwatch-model-follower", "model"),
        /** Keys {@code NAME#challenger}: the model scored in the shadow. */
        CHALLENGER("latentwatch-challenger-follower", "challenger");

        private final String threadName;
        private final String noun;

        Role(String threadName, String noun) {
            this.threadName = threadName;
            this.noun = noun;
        }
    }

    /** Starts following in a background thread. */
    public void start() {
        List<TopicPartition> partitions = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // a topic created a moment ago may not be in every broker's metadata yet
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while looking up topic '" + topic + "'", e);
                }
            }
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("the models topic '" + topic + "' has no partitions after 30 s;"
                    + " check that it exists and that this client may describe it");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        catchUpTo = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        thread.start();
        LOG.info("following {}s on topic '{}'{}", role.noun, topic, modelName == null ? ""
                : " (name " + (role == Role.CHAMPION ? modelName : ModelTopic.challengerKey(modelName)) + ")");
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                ConsumerRecord<byte[], byte[]> newest = null;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (wanted(record)) {
                        if (catchUpTo != null) {
                            keepForStart(record);
                        } else {
                            if (newest == null || ModelTopic.PUBLICATION_ORDER.compare(record, newest) > 0) {
                                newest = record;
                            }
                        }
                    }
                }
                if (catchUpTo != null && caughtUp()) {
                    catchUpTo = null;
                    installNewestThatLoads();
                } else if (newest != null && newest.value() == null) {
                    withdraw(newest);
                } else if (newest != null) {
                    install(newest);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the model follower stopped; the current model keeps serving", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Whether the record is for this follower: its key is the followed name (a challenger key for
     * the challenger follower), or any key of its role when no name is followed. Tombstones count
     * only for challengers: a serving model is never unloaded.
     */
    private boolean wanted(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null && role == Role.CHAMPION) {
            return false;
        }
        String key = key(record);
        if (role == Role.CHALLENGER) {
            return modelName == null ? ModelTopic.isChallengerKey(key) : ModelTopic.challengerKey(modelName).equals(key);
        }
        return modelName == null ? !ModelTopic.isChallengerKey(key) : modelName.equals(key);
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** A challenger's tombstone: unloads it when it is the one loaded. */
    private void withdraw(ConsumerRecord<byte[], byte[]> tombstone) {
        String key = key(tombstone);
        if (key.equals(currentKey)) {
            currentKey = null;
            registry.clear().ifPresent(info -> LOG.info("challenger {} withdrawn (tombstone for '{}' at {})",
                    info.version(), key.replaceAll("\\p{Cntrl}", "?"), source(tombstone)));
        }
    }

    private void keepForStart(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            // a withdrawn challenger: none of the key's earlier publications is to be loaded
            String key = key(record);
            startCandidates.removeIf(c -> {
                if (key(c).equals(key)) {
                    startCandidateBytes -= c.value().length;
                    return true;
                }
                return false;
            });
            return;
        }
        // kept in publication order, which is arrival order unless the name spans partitions
        List<ConsumerRecord<byte[], byte[]>> later = new ArrayList<>();
        while (!startCandidates.isEmpty() && ModelTopic.PUBLICATION_ORDER.compare(startCandidates.peekLast(), record) > 0) {
            later.add(0, startCandidates.removeLast());
        }
        startCandidates.addLast(record);
        startCandidates.addAll(later);
        startCandidateBytes += record.value().length;
        while (startCandidates.size() > MAX_FALLBACKS
                || (startCandidates.size() > 1 && startCandidateBytes > MAX_FALLBACK_BYTES)) {
            startCandidateBytes -= startCandidates.removeFirst().value().length;
        }
    }

    private boolean caughtUp() {
        for (Map.Entry<TopicPartition, Long> end : catchUpTo.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** After the first read: the newest publication that loads, falling back over refused ones. */
    private void installNewestThatLoads() {
        List<String> refused = new ArrayList<>();
        while (!startCandidates.isEmpty()) {
            ConsumerRecord<byte[], byte[]> record = startCandidates.removeLast();
            if (install(record)) {
                if (!refused.isEmpty()) {
                    metrics.modelFallback();
                    LOG.warn("serving an older model from {} because the {} newer publication(s) on topic '{}'"
                            + " were refused: {}", source(record), refused.size(), topic, String.join("; ", refused));
                }
                startCandidates.clear();
                startCandidateBytes = 0;
                return;
            }
            refused.add(source(record));
        }
        startCandidateBytes = 0;
        if (!refused.isEmpty() && registry.current().isEmpty()) {
            LOG.error("none of the {} model(s) on topic '{}' loads ({}); waiting for a new publication",
                    refused.size(), topic, String.join(", ", refused));
        }
    }

    /** Loads and checks a publication and swaps it in; false when it was refused. */
    private boolean install(ConsumerRecord<byte[], byte[]> record) {
        String source = source(record);
        String currentSha = registry.current().map(i -> i.sha256()).orElse(null);
        if (OnnxAutoencoder.sha256(record.value()).equals(currentSha)) {
            return true;
        }
        if (!signatureAccepted(record, source)) {
            return false;
        }
        OnnxAutoencoder model = null;
        try {
            model = OnnxAutoencoder.load(record.value(), source, overrides, inferenceThreads);
            checkInputContract(model.info());
            String previous = registry.swap(model).map(i -> i.version()).orElse("none");
            currentKey = key(record);
            LOG.info("{} swapped: {} -> {} (from {})", role.noun, previous, model.info().version(), source);
            return true;
        } catch (ModelRefusedException e) {
            if (model != null) {
                model.close();
            }
            metrics.modelRefused(e.reason());
            LOG.error("{} refused ({}), {}: {}", role.noun, e.reason().id(),
                    registry.current().isPresent() ? "the current one keeps serving" : "none is serving yet",
                    e.getMessage());
            return false;
        }
    }

    private void checkInputContract(ModelInfo next) throws ModelRefusedException {
        // a challenger scores the serving model's input tensor, so it must take the same shape
        Optional<ModelInfo> serving = champion.current();
        if (allowInputChange || serving.isEmpty()) {
            return;
        }
        ModelInfo now = serving.get();
        if (now.channels() != next.channels() || now.height() != next.height() || now.width() != next.width()) {
            throw new ModelRefusedException(ModelRefusedException.Reason.INPUT_CHANGED, role.noun + " "
                    + next.version() + " from " + next.source() + " takes " + shape(next) + " images but "
                    + now.version() + " serves " + shape(now) + (role == Role.CHALLENGER
                    ? "; a challenger scores the serving model's input and must take its shape"
                    : "; a model for other images needs its own input topic, or restart the detectors with"
                    + " --allow-input-change"));
        }
    }

    private static String shape(ModelInfo info) {
        return info.channels() + "x" + info.height() + "x" + info.width();
    }

    private static String source(ConsumerRecord<?, ?> record) {
        return "topic " + record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    // ---- signed models (docs/security.md): checked before the bytes reach ONNX Runtime ----

    /** Checks the record's signature; a refusal is logged and counted by its reason. */
    private boolean signatureAccepted(ConsumerRecord<byte[], byte[]> record, String source) {
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        ModelVerifier.Verdict verdict = verifier.verify(record.value(), headers);
        // the key is whatever the writer chose: no control characters into the log
        String name = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8)
                .replaceAll("\\p{Cntrl}", "?");
        if (!verdict.accepted()) {
            metrics.modelRefused(verdict.reason());
            LOG.error("model refused ({}), the current one keeps serving: '{}' from {}, sha256 {}: {}", verdict.reason(),
                    name, source, OnnxAutoencoder.sha256(record.value()), verdict.detail());
            return false;
        }
        LOG.info("model '{}' from {}: {}", name, source, verdict.detail());
        return true;
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
