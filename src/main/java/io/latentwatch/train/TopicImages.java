package io.latentwatch.train;

import io.latentwatch.data.Images;
import io.latentwatch.image.EventReader;
import io.latentwatch.image.ImageEvent;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.image.RejectedInputException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the most recent image events of the input topic, whatever their envelope, through the
 * detector's {@link EventReader} and {@link ImagePreprocessor}. Reads with no consumer group, so
 * it moves no committed offset of the detector.
 */
public final class TopicImages {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Map<String, Object> clientProps;
    private final InputLimits limits;

    /**
     * What was read.
     *
     * @param images   the decoded images, newest first
     * @param records  records read
     * @param rejected records that did not decode to an image
     * @param labels   per decoded image, the value of the label header asked for, or null where the
     *                 record has none (all null when no header was asked for)
     */
    public record Batch(Images images, int records, int rejected, List<String> labels) {
    }

    /**
     * @param clientProps Kafka consumer properties (bootstrap servers, security)
     * @param limits      bounds on record and image size, as in the detector
     */
    public TopicImages(Map<String, Object> clientProps, InputLimits limits) {
        this.clientProps = Map.copyOf(clientProps);
        this.limits = limits;
    }

    /** Up to {@code maxRecords} of the newest records of {@code topic}, as model input of {@code shape}. */
    public Batch read(String topic, int maxRecords, ImagePreprocessor.Shape shape) {
        return read(topic, maxRecords, shape, null);
    }

    /**
     * Up to {@code maxRecords} of the newest records of {@code topic}, as model input of
     * {@code shape}, with the value of header {@code labelHeader} (UTF-8; null: none read).
     */
    public Batch read(String topic, int maxRecords, ImagePreprocessor.Shape shape, String labelHeader) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            for (TopicPartition p : partitions) {
                consumer.seek(p, Math.max(begin.get(p), end.get(p) - maxRecords));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the newest records of topic '" + topic
                            + "' within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        // newest first; records of the same millisecond in partition and offset order, so that the same topic
        // gives the same images in the same order (training with --seed is then reproducible)
        records.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed()
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        List<ConsumerRecord<byte[], byte[]>> newest = records.subList(0, Math.min(maxRecords, records.size()));
        return decode(newest, shape, labelHeader);
    }

    private Batch decode(List<ConsumerRecord<byte[], byte[]>> records, ImagePreprocessor.Shape shape,
                         String labelHeader) {
        EventReader reader = new EventReader(limits);
        ImagePreprocessor preprocessor = new ImagePreprocessor(limits);
        int size = shape.channels() * shape.height() * shape.width();
        float[] pixels = new float[records.size() * size];
        int count = 0;
        List<String> labels = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                ImageEvent event = reader.read(r.headers(), r.key(), r.value(), r.timestamp(),
                        r.topic() + "-" + r.partition() + "-" + r.offset());
                preprocessor.toInput(event.data(), event.contentType(), shape, pixels, count * size);
                count++;
                Header label = labelHeader == null ? null : r.headers().lastHeader(labelHeader);
                labels.add(label == null || label.value() == null ? null
                        : new String(label.value(), StandardCharsets.UTF_8));
            } catch (RejectedInputException e) {
                // the detector sends these to the dead-letter topic; they are no training material either
            }
        }
        Images images = new Images(Arrays.copyOf(pixels, count * size), count, shape.channels(),
                shape.height(), shape.width());
        return new Batch(images, records.size(), records.size() - count, Collections.unmodifiableList(labels));
    }

    private static List<PartitionInfo> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist; check --from-topic");
        }
        return partitions;
    }
}
