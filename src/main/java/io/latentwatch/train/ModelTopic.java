package io.latentwatch.train;

import io.latentwatch.stream.TopicAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The compacted models topic as the trainer sees it: the latest model under a name, and
 * publishing a new one (key = model name, value = the raw ONNX bytes), which every detector
 * following the topic loads, checks and swaps to.
 */
public final class ModelTopic {
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

    /** The newest model published under {@code name}, or empty when the topic holds none. */
    public Optional<byte[]> latest(String name) {
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
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicAdmin.MODEL_TOPIC_MAX_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, TopicAdmin.MODEL_TOPIC_MAX_BYTES);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            byte[] latest = null;
            long latestTime = Long.MIN_VALUE;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic '" + topic + "' to its end within "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (name.equals(record.key()) && record.timestamp() >= latestTime) {
                        latest = record.value();
                        latestTime = record.timestamp();
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
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
        if (onnx.length > TopicAdmin.MODEL_TOPIC_MAX_BYTES) {
            throw new IllegalStateException("the model has " + onnx.length + " bytes, over the models topic's limit of "
                    + TopicAdmin.MODEL_TOPIC_MAX_BYTES + "; train a smaller network (--filters, --latent-size)");
        }
        new TopicAdmin(clientProps, TIMEOUT).ensure(List.of(topic), Set.of(topic), true, 1, (short) -1);
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1 << 20, onnx.length + (64 << 10)));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "latentwatch-trainer");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, name, onnx);
            headers.forEach((key, value) -> record.headers().add(key, value));
            return producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the model", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish the model to topic '" + topic + "' at "
                    + clientProps.get("bootstrap.servers") + ": " + e.getMessage(), e);
        }
    }

    private IllegalStateException unreachable(Exception e) {
        return new IllegalStateException("no answer from Kafka at " + clientProps.get("bootstrap.servers")
                + " within " + TIMEOUT.toSeconds() + " s; check --bootstrap-servers and that the broker is up", e);
    }

    /** Partitions of a topic; used by readers of the input topic. */
    static List<PartitionInfo> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist; check --from-topic");
        }
        return partitions;
    }
}
