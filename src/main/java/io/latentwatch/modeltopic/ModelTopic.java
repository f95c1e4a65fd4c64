package io.latentwatch.modeltopic;

import io.latentwatch.kafka.TopicAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The models topic contract, in one place for its writers (the trainer, {@code promote}) and its
 * readers (every detector's {@link ModelFollower}, the trainer's comparison with the current
 * model): a compacted topic whose record key is the model name and whose value is the raw ONNX
 * bytes, with optional signature headers (docs/security.md).
 *
 * <p><b>Which model is current</b> under a name: the publication that comes last in
 * {@link #PUBLICATION_ORDER}, i.e. the highest offset (all records of one key land in one
 * partition). Record timestamps never decide: a trainer whose clock is skewed would otherwise
 * compare its candidate against another model than the one the detectors serve.
 *
 * <p><b>Challengers</b> (docs/training.md, "Shadow scoring and promotion"): the key
 * {@code NAME#challenger} ({@link #challengerKey}) holds the model scored in the shadow of the one
 * under {@code NAME}; compaction keeps both side by side. A tombstone (null value) under the
 * challenger key withdraws it; {@code latentwatch promote} republishes the challenger's bytes and
 * headers under {@code NAME}, then writes that tombstone.
 */
public final class ModelTopic {
    /** What a model name gets appended to become the key of its challenger. */
    public static final String CHALLENGER_SUFFIX = "#challenger";
    /** Largest model artifact the models topic takes (its {@code max.message.bytes}). */
    public static final int MAX_BYTES = TopicAdmin.MODEL_TOPIC_MAX_BYTES;
    /**
     * The order of publications: by offset within a partition; across partitions (a name's
     * records only spread over several after the topic was repartitioned) by timestamp, then
     * partition, as the best guess there is.
     */
    public static final Comparator<ConsumerRecord<?, ?>> PUBLICATION_ORDER = (a, b) -> {
        if (a.partition() == b.partition()) {
            return Long.compare(a.offset(), b.offset());
        }
        int byTime = Long.compare(a.timestamp(), b.timestamp());
        return byTime != 0 ? byTime : Integer.compare(a.partition(), b.partition());
    };
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Map<String, Object> clientProps;
    private final String topic;

    /**
     * @param clientProps Kafka client properties (bootstrap servers, security)
     */
    public ModelTopic(Map<String, Object> clientProps, String topic) {
        this.clientProps = Map.copyOf(clientProps);
        this.topic = topic;
    }

    /** The key of the challenger of model {@code name}: {@code NAME#challenger}. */
    public static String challengerKey(String name) {
        if (isChallengerKey(name)) {
            throw new IllegalArgumentException("model name '" + name + "' already ends with " + CHALLENGER_SUFFIX
                    + "; give the name of the serving model");
        }
        return name + CHALLENGER_SUFFIX;
    }

    /** Whether a record key names a challenger rather than a serving model. */
    public static boolean isChallengerKey(String key) {
        return key != null && key.endsWith(CHALLENGER_SUFFIX);
    }

    /** A model's bytes and record headers as published, and where the record is. */
    public record Publication(String key, byte[] onnx, Map<String, byte[]> headers, String topic, int partition,
                              long offset) {
        /** Topic coordinates, for messages. */
        public String where() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** The newest model published under {@code name}, or empty when the topic holds none. */
    public Optional<byte[]> latest(String name) {
        return latestPublication(name).map(Publication::onnx);
    }

    /**
     * The current publication under {@code key} with its headers; empty when the topic holds none,
     * or when the last record under the key is a tombstone.
     */
    public Optional<Publication> latestPublication(String key) {
        try (Admin admin = Admin.create(clientProps)) {
            if (!admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the models topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(e);
        }
        Map<String, Object> props = readerProperties(clientProps, "latentwatch-model-reader");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            ConsumerRecord<String, byte[]> latest = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic '" + topic + "' to its end within "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key()) && (latest == null || PUBLICATION_ORDER.compare(record, latest) > 0)) {
                        latest = record;
                    }
                }
            }
            // a null value is a tombstone: the name was deleted
            if (latest == null || latest.value() == null) {
                return Optional.empty();
            }
            Map<String, byte[]> headers = new LinkedHashMap<>();
            for (Header header : latest.headers()) {
                headers.put(header.key(), header.value());
            }
            return Optional.of(new Publication(key, latest.value(), headers, latest.topic(), latest.partition(),
                    latest.offset()));
        }
    }

    /**
     * Consumer properties of a reader of the models topic: no group, nothing committed, only
     * committed publications, fetches as large as the largest model.
     */
    public static Map<String, Object> readerProperties(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_BYTES);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Publishes a model under {@code name}, creating the compacted topic when missing.
     *
     * @return where the record landed
     */
    public RecordMetadata publish(String name, byte[] onnx) {
        return publish(name, onnx, Map.of());
    }

    /**
     * Publishes a model with record headers (its signature, see docs/security.md).
     *
     * @return where the record landed
     */
    public RecordMetadata publish(String name, byte[] onnx, Map<String, byte[]> headers) {
        if (isChallengerKey(name)) {
            throw new IllegalArgumentException("model name '" + name + "' ends with " + CHALLENGER_SUFFIX
                    + ", the suffix of challenger keys; publish a challenger with --challenger instead");
        }
        return send(name, onnx, headers);
    }

    /**
     * Publishes a challenger of model {@code name}, under {@link #challengerKey}: detectors serving
     * {@code name} score it in the shadow until it is promoted or withdrawn.
     *
     * @return where the record landed
     */
    public RecordMetadata publishChallenger(String name, byte[] onnx, Map<String, byte[]> headers) {
        return send(challengerKey(name), onnx, headers);
    }

    /**
     * Writes a tombstone under {@code key}: compaction then drops the key's publications. Detectors
     * unload a withdrawn challenger; a tombstone under a serving model's name changes nothing for
     * detectors that serve it (they keep the model they have).
     *
     * @return where the tombstone landed
     */
    public RecordMetadata delete(String key) {
        return send(key, null, Map.of());
    }

    private RecordMetadata send(String name, byte[] onnx, Map<String, byte[]> headers) {
        int size = onnx == null ? 0 : onnx.length;
        if (size > MAX_BYTES) {
            throw new IllegalStateException("the model has " + size + " bytes, over the models topic's limit of "
                    + MAX_BYTES + "; train a smaller network (--filters, --latent-size)");
        }
        new TopicAdmin(clientProps, TIMEOUT).ensure(List.of(topic), Set.of(topic), true, 1, (short) -1);
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1 << 20, size + (64 << 10)));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "latentwatch-trainer");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, name, onnx);
            headers.forEach((key, value) -> record.headers().add(key, value));
            return producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the models topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not " + (onnx == null ? "write a tombstone for '" + name + "'"
                    : "publish the model") + " to topic '" + topic + "' at "
                    + clientProps.get("bootstrap.servers") + ": " + e.getMessage(), e);
        }
    }

    private IllegalStateException unreachable(Exception e) {
        return new IllegalStateException("no answer from Kafka at " + clientProps.get("bootstrap.servers")
                + " within " + TIMEOUT.toSeconds() + " s; check --bootstrap-servers and that the broker is up", e);
    }
}
