package io.latentwatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.train.DetectionMetrics;
import io.latentwatch.util.Json;
import io.latentwatch.util.Percentiles;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the committed embedding records and keeps the demo's running figures: images scored,
 * anomalies flagged, the confusion matrix against the labels the producer knew, scores for the
 * AUROC, latencies, which model version scored what, and how a challenger scored in the shadow
 * compares with the serving model on the same records.
 */
final class Scoreboard implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, Boolean> expected = new ConcurrentHashMap<>();
    private final long startNanos;
    private final List<Float> scores = new ArrayList<>();
    private final List<Boolean> truth = new ArrayList<>();
    private final List<Double> latenciesMs = new ArrayList<>();
    /**
     * Images whose latency is also left out of a second set of percentiles: the demo's JVM (broker,
     * detector, producer) is fresh when the stream starts and compiles its hot paths during the
     * first seconds. Measured 2026-11-30 at 100 images/s: p50 473 and 175 ms over the first two
     * hundred images, 23-27 ms over the last eight hundred.
     */
    static final int STARTING_IMAGES = 200;
    private final Map<String, Long> perVersion = new LinkedHashMap<>();
    private final Confusion.Counter overall = new Confusion.Counter();
    private long scored;
    private long firstFlagNanos = -1;
    private String version = "none yet";
    private String challenger;
    private boolean lastHadChallenger;
    private long shadowScored;
    private long shadowFrom;
    private long shadowAgreed;
    private final Confusion.Counter shadowChampion = new Confusion.Counter();
    private final Confusion.Counter shadowChallenger = new Confusion.Counter();
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
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                // the moment the records were read, before any is parsed: parsing is not the detector's latency
                Instant seen = Instant.now();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    add(Json.MAPPER.readTree(record.value()), seen);
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

    private synchronized void add(JsonNode json, Instant seen) {
        scored++;
        boolean flagged = json.get("anomaly").asBoolean();
        String v = json.get("model_version").asText();
        version = v;
        perVersion.merge(v, 1L, Long::sum);
        if (flagged && firstFlagNanos < 0) {
            firstFlagNanos = System.nanoTime();
        }
        if (json.hasNonNull("event_time")) {
            latenciesMs.add(Duration.between(Instant.parse(json.get("event_time").asText()), seen).toNanos()
                    / 1e6);
        }
        Boolean anomaly = expected.get(json.get("id").asText());
        JsonNode shadow = json.path("challenger");
        lastHadChallenger = shadow.isObject();
        if (lastHadChallenger) {
            challenger = shadow.path("model_version").asText();
            if (shadowScored == 0) {
                shadowFrom = scored;
            }
            shadowScored++;
            boolean challengerFlags = shadow.path("anomaly").asBoolean();
            shadowAgreed += challengerFlags == flagged ? 1 : 0;
            if (anomaly != null) {
                shadowChampion.add(anomaly, flagged);
                shadowChallenger.add(anomaly, challengerFlags);
            }
        }
        if (anomaly == null) {
            return;
        }
        scores.add((float) json.get("score").asDouble());
        truth.add(anomaly);
        overall.add(anomaly, flagged);
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
        Shadow shadow = challenger == null ? null : new Shadow(challenger, lastHadChallenger, shadowFrom,
                shadowScored, shadowAgreed, shadowChampion.snapshot(), shadowChallenger.snapshot());
        return new Snapshot(scored, overall.snapshot(), version,
                new LinkedHashMap<>(perVersion), DetectionMetrics.auroc(s, t),
                firstFlagNanos < 0 ? -1 : (firstFlagNanos - startNanos) / 1e9, new Percentiles(latencies),
                latencies.length > STARTING_IMAGES
                        ? new Percentiles(Arrays.copyOfRange(latencies, STARTING_IMAGES, latencies.length)) : null,
                shadow);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }

    /**
     * The records that carried a challenger's verdict: how often it agreed with the serving model,
     * and how both did against the true labels on exactly those records.
     *
     * @param version    the challenger's version (the last one seen)
     * @param active     whether the newest record carried a verdict (the challenger is still in the shadow)
     * @param from       the first image with a verdict, counted from 1 in the order scored
     * @param records    records with a verdict
     * @param agreements records on which both made the same call
     * @param champion   the serving model's calls on those records against the labels
     * @param challenger the challenger's calls on the same records
     */
    record Shadow(String version, boolean active, long from, long records, long agreements, Confusion champion,
                  Confusion challenger) {
        double agreement() {
            return records == 0 ? Double.NaN : (double) agreements / records;
        }
    }

    /**
     * The running figures at one moment; {@code shadow} is null until a challenger's verdict is seen.
     *
     * @param calls              the serving models' calls on every scored image against the labels
     * @param latencyAfterStartMs the latencies after the first {@value #STARTING_IMAGES} images; null before
     */
    record Snapshot(long scored, Confusion calls, String version, Map<String, Long> perVersion, double auroc,
                    double secondsToFirstFlag, Percentiles latencyMs, Percentiles latencyAfterStartMs,
                    Shadow shadow) {
        long flagged() {
            return calls.truePositives() + calls.falsePositives();
        }
    }
}
