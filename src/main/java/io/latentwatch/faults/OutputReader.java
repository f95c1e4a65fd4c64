package io.latentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows the embeddings and dead-letter topics as a read_committed consumer while the suite
 * runs: counts the inputs that have an output, and feeds the current {@link RecoveryProbe}.
 * The figures of the report come from {@link Accounting}, a separate full read at the end.
 */
final class OutputReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputReader.class);
    private final KafkaConsumer<String, byte[]> consumer;
    private final String embeddingTopic;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicLong embeddings = new AtomicLong();
    private final Thread thread;
    private volatile RecoveryProbe probe;
    private volatile RuntimeException failure;
    private volatile boolean running = true;

    OutputReader(Map<String, Object> clientProps, String embeddingTopic, String deadLetterTopic) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "latentwatch-fault-suite-outputs");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.embeddingTopic = embeddingTopic;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(embeddingTopic, deadLetterTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "latentwatch-fault-suite-outputs");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    if (record.key() != null) {
                        answered.add(record.key());
                    }
                    if (record.topic().equals(embeddingTopic)) {
                        embeddings.incrementAndGet();
                        RecoveryProbe current = probe;
                        if (current != null) {
                            current.observe(record.partition(), record.offset(), inputPartition(record), now);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            LOG.error("the output reader stopped", e);
            failure = e;
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private static int inputPartition(ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode json = Json.MAPPER.readTree(record.value());
            return json.path("input").path("partition").asInt(-1);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable embedding at " + record.topic() + "-" + record.partition()
                    + "@" + record.offset(), e);
        }
    }

    /** Routes the embeddings read from now on to {@code probe}. */
    void watch(RecoveryProbe probe) {
        this.probe = probe;
    }

    /** Inputs with at least one committed embedding or dead letter so far. */
    long answered() {
        return answered.size();
    }

    /** Committed embeddings read so far, duplicates included. */
    long embeddings() {
        return embeddings.get();
    }

    /** Throws when the reader has stopped on an error. */
    void check() {
        if (failure != null) {
            throw new IllegalStateException("the fault suite's output reader failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
