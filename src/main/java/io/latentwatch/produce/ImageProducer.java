package io.latentwatch.produce;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Sends images to a topic as CloudEvents at a steady rate, with an idempotent producer. */
public final class ImageProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final URI source;
    private final String idPrefix;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /** Called after each image is handed to the producer. */
    @FunctionalInterface
    public interface Listener {
        void sent(long sequence, String id, LabelledImage image);
    }

    /**
     * @param clientProps producer properties (bootstrap servers, security)
     * @param idPrefix    prefix of event ids, which are {@code <prefix>-<sequence>}
     */
    public ImageProducer(Map<String, Object> clientProps, String topic, URI source, String idPrefix) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "latentwatch-producer");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.source = source;
        this.idPrefix = idPrefix;
    }

    /**
     * Fetches the topic's metadata now, and with it starts the producer's connection and its producer
     * id, instead of with the first image: for a sender whose first images' timing counts.
     */
    public void connect() {
        producer.partitionsFor(topic);
    }

    /**
     * Sends images until {@code count} are sent (0: no limit) or {@code stop} says so.
     *
     * @param rate images per second; 0 sends as fast as the producer takes them
     * @return the number of images sent
     * @throws IllegalStateException when the broker refused a record
     */
    public long send(ImageStream images, long count, double rate, BooleanSupplier stop, Listener listener) {
        long start = System.nanoTime();
        long sent = 0;
        while ((count == 0 || sent < count) && !stop.getAsBoolean()) {
            if (rate > 0) {
                long due = start + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
            }
            Exception error = failure.get();
            if (error != null) {
                throw new IllegalStateException("Kafka refused an image: " + error.getMessage(), error);
            }
            LabelledImage image = images.next();
            String id = idPrefix + "-" + sent;
            producer.send(ImageEvents.record(topic, id, source, image), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            listener.sent(sent, id, image);
            sent++;
        }
        producer.flush();
        Exception error = failure.get();
        if (error != null) {
            throw new IllegalStateException("Kafka refused an image: " + error.getMessage(), error);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
