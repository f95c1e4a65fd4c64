package io.latentwatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.train.DetectionMetrics;
import io.latentwatch.util.Json;
import io.latentwatch.util.Percentiles;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the committed embedding records and keeps the demo's running figures: images scored,
 * anomalies flagged, the confusion matrix against the labels the producer knew, scores for the
 * AUROC, latencies, and which model version scored what.
 */
final class Scoreboard implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, Boolean> expected = new ConcurrentHashMap<>();
    private final long startNanos;
    private final List<Float> scores = new ArrayList<>();
    private final List<Boolean> truth = new ArrayList<>();
    private final List<Double> latenciesMs = new ArrayList<>();
    private final Map<String, Long> perVersion = new LinkedHashMap<>();
    private long truePositives;
    private long falsePositives;
    private long trueNegatives;
    private long falseNegatives;
    private long scored;
    private long firstFlagNanos = -1;
    private String version = "none yet";
    private volatile boolean running = true;

    Scoreboard(Map<String, Object> clientProps, String topic, long startNanos) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "latentwatch-demo-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.startNanos = startNanos;
        this.thread = new Thread(this::run, "latentwatch-demo-scoreboard");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Remembers what the producer knows of an image: whether it is an anomaly. */
    void expect(String id, boolean anomaly) {
        expected.put(id, anomaly);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    add(Json.MAPPER.readTree(record.value()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (IOException e) {
            throw new IllegalStateException("unreadable embedding record", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private synchronized void add(JsonNode json) {
        scored++;
        boolean flagged = json.get("anomaly").asBoolean();
        String v = json.get("model_version").asText();
        version = v;
        perVersion.merge(v, 1L, Long::sum);
        if (flagged && firstFlagNanos < 0) {
            firstFlagNanos = System.nanoTime();
        }
        if (json.hasNonNull("event_time")) {
            latenciesMs.add(Duration.between(Instant.parse(json.get("event_time").asText()), Instant.now()).toNanos()
                    / 1e6);
        }
        Boolean anomaly = expected.get(json.get("id").asText());
        if (anomaly == null) {
            return;
        }
        scores.add((float) json.get("score").asDouble());
        truth.add(anomaly);
        if (anomaly) {
            if (flagged) {
                truePositives++;
            } else {
                falseNegatives++;
            }
        } else if (flagged) {
            falsePositives++;
        } else {
            trueNegatives++;
        }
    }

    /** The figures so far. */
    synchronized Snapshot snapshot() {
        float[] s = new float[scores.size()];
        boolean[] t = new boolean[truth.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            t[i] = truth.get(i);
        }
        double[] latencies = latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
        return new Snapshot(scored, truePositives, falsePositives, trueNegatives, falseNegatives, version,
                new LinkedHashMap<>(perVersion), DetectionMetrics.auroc(s, t),
                firstFlagNanos < 0 ? -1 : (firstFlagNanos - startNanos) / 1e9, new Percentiles(latencies));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }

    /** The running figures at one moment. */
    record Snapshot(long scored, long truePositives, long falsePositives, long trueNegatives, long falseNegatives,
                    String version, Map<String, Long> perVersion, double auroc, double secondsToFirstFlag,
                    Percentiles latencyMs) {
        long flagged() {
            return truePositives + falsePositives;
        }

        double precision() {
            return flagged() == 0 ? Double.NaN : (double) truePositives / flagged();
        }

        double recall() {
            long anomalies = truePositives + falseNegatives;
            return anomalies == 0 ? Double.NaN : (double) truePositives / anomalies;
        }

    }
}
