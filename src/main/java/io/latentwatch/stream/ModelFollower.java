package io.latentwatch.stream;

import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.security.ModelVerifier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the compacted models topic from its beginning and installs every new model it finds
 * (the newest per poll, optionally only one model name). Each detector instance follows the
 * whole topic with no consumer group, so every instance switches. A model that fails to load or
 * to check is refused with a log line and a metric; the current one keeps serving.
 */
public final class ModelFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String modelName;
    private final ModelRegistry registry;
    private final DetectorMetrics metrics;
    private final ModelOverrides overrides;
    private final int inferenceThreads;
    private final Thread thread;
    private final ModelVerifier verifier;
    private volatile boolean running = true;

    /**
     * @param clientProps consumer properties (bootstrap servers, security)
     * @param modelName   key to follow, or null for every key
     */
    public ModelFollower(Map<String, Object> clientProps, String topic, String modelName, ModelRegistry registry,
                         DetectorMetrics metrics, ModelOverrides overrides, int inferenceThreads) {
        this(clientProps, topic, modelName, registry, metrics, overrides, inferenceThreads,
                ModelVerifier.unverified(false));
    }

    /**
     * @param clientProps consumer properties (bootstrap servers, security)
     * @param modelName   key to follow, or null for every key
     * @param verifier    checks each model's signature before it is loaded
     */
    public ModelFollower(Map<String, Object> clientProps, String topic, String modelName, ModelRegistry registry,
                         DetectorMetrics metrics, ModelOverrides overrides, int inferenceThreads,
                         ModelVerifier verifier) {
        this.verifier = verifier;
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicAdmin.MODEL_TOPIC_MAX_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, TopicAdmin.MODEL_TOPIC_MAX_BYTES);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "latentwatch-model-follower");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.modelName = modelName;
        this.registry = registry;
        this.metrics = metrics;
        this.overrides = overrides;
        this.inferenceThreads = inferenceThreads;
        this.thread = new Thread(this::run, "latentwatch-model-follower");
        this.thread.setDaemon(true);
    }

    /** Starts following in a background thread. */
    public void start() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        LOG.info("following models on topic '{}'{}", topic, modelName == null ? "" : " (name " + modelName + ")");
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                Map<String, ConsumerRecord<byte[], byte[]>> newest = new LinkedHashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    String name = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (record.value() == null || (modelName != null && !modelName.equals(name))) {
                        continue;
                    }
                    newest.remove(name);
                    newest.put(name, record);
                }
                if (!newest.isEmpty()) {
                    // the last record of the poll is the newest publication across names
                    ConsumerRecord<byte[], byte[]> last = null;
                    for (ConsumerRecord<byte[], byte[]> r : newest.values()) {
                        if (last == null || r.timestamp() >= last.timestamp()) {
                            last = r;
                        }
                    }
                    install(last);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the model follower stopped; the current model keeps serving", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void install(ConsumerRecord<byte[], byte[]> record) {
        String source = "topic " + record.topic() + "-" + record.partition() + "@" + record.offset();
        String currentSha = registry.current().map(i -> i.sha256()).orElse(null);
        if (OnnxAutoencoder.sha256(record.value()).equals(currentSha)) {
            return;
        }
        if (!signatureAccepted(record, source)) {
            return;
        }
        try {
            OnnxAutoencoder model = OnnxAutoencoder.load(record.value(), source, overrides, inferenceThreads);
            String previous = registry.swap(model).map(i -> i.version()).orElse("none");
            LOG.info("model swapped: {} -> {} (from {})", previous, model.info().version(), source);
        } catch (ModelRefusedException e) {
            metrics.modelRefused();
            LOG.error("model refused, the current one keeps serving: {}", e.getMessage());
        }
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
                consumer.close(Duration.ofSeconds(5));
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
