package io.latentwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads committed embedding records as they appear, counting them; keeps those whose id has a given
 * prefix with the moment they were read, and gives, for those with a narrower one, the latency from
 * event time to that moment; and the moments the first, the {@code mark}-th and the last record
 * were read.
 */
final class OutputWatcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private final String measuredPrefix;
    private final byte[] keptId;
    private final byte[][] latencyRecords;
    private final Instant[] latencySeen;
    private final AtomicLong latencyCount = new AtomicLong();
    private final long mark;
    private volatile long firstNanos;
    private volatile long markNanos;
    private volatile long lastNanos;
    private volatile boolean running = true;

    /**
     * @param keptPrefix     ids of the records kept, each with the moment it was read
     * @param measuredPrefix ids, among those, whose latency {@link #latenciesMs()} gives
     * @param maxKept        records kept at most
     * @param mark           the record, counted from 1, whose arrival {@link #markNanos()} gives
     */
    OutputWatcher(Map<String, Object> clientProps, String topic, String keptPrefix, String measuredPrefix, int maxKept,
                  long mark) {
        if (!measuredPrefix.startsWith(keptPrefix)) {
            throw new IllegalArgumentException("measured ids (" + measuredPrefix + ") must be among the kept ones ("
                    + keptPrefix + ")");
        }
        Map<String, Object> props = new HashMap<>(clientProps);
        // named after the topic, which bench names per run: deleted with the run's topics
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-watcher");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.measuredPrefix = measuredPrefix;
        this.keptId = ("\"id\":\"" + keptPrefix).getBytes(StandardCharsets.UTF_8);
        this.mark = mark;
        this.latencyRecords = new byte[maxKept][];
        this.latencySeen = new Instant[maxKept];
        this.thread = new Thread(this::run, "latentwatch-bench-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                // the moment the records were seen, before any is parsed: the watcher's own work is not
                // the detector's latency
                Instant seen = Instant.now();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    long now = System.nanoTime();
                    if (count.get() == 0) {
                        firstNanos = now;
                    }
                    lastNanos = now;
                    if (count.incrementAndGet() == mark) {
                        markNanos = now;
                    }
                    if (contains(record.value(), keptId)) {
                        recordLatency(record, seen);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Keeps the record and the moment it was seen; it is parsed only when the latencies are asked
     * for. Parsing here (JSON, an ISO timestamp) slowed the watcher's polls while the JIT compiler had
     * not yet compiled that path, which the drain's records never take: the first second of every
     * latency run then read ~100 ms late, and over a 10 s run that alone set the p99.
     */
    private void recordLatency(ConsumerRecord<byte[], byte[]> record, Instant seen) {
        long i = latencyCount.get();
        if (i < latencyRecords.length) {
            latencyRecords[(int) i] = record.value();
            latencySeen[(int) i] = seen;
            latencyCount.set(i + 1);
        }
    }

    /**
     * Whether the record may be one whose latency is taken: the drain's records are counted without
     * parsing them, so that the measuring consumer takes as little of the machine as it can.
     */
    private static boolean contains(byte[] value, byte[] pattern) {
        if (value == null) {
            return false;
        }
        outer:
        for (int i = 0; i + pattern.length <= value.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (value[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    long count() {
        return count.get();
    }

    long firstNanos() {
        return firstNanos;
    }

    /** When the {@code mark}-th record was read; 0 before. */
    long markNanos() {
        return markNanos;
    }

    long lastNanos() {
        return lastNanos;
    }

    /** Latencies of the measured records read so far, from event time to the poll that read them. */
    double[] latenciesMs() {
        int n = (int) Math.min(latencyCount.get(), latencyRecords.length);
        double[] ms = new double[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            try {
                JsonNode json = Json.MAPPER.readTree(latencyRecords[i]);
                if (json.get("id").asText().startsWith(measuredPrefix) && json.hasNonNull("event_time")) {
                    Instant eventTime = Instant.parse(json.get("event_time").asText());
                    ms[kept++] = Duration.between(eventTime, latencySeen[i]).toNanos() / 1e6;
                }
            } catch (IOException e) {
                throw new IllegalStateException("unreadable embedding record", e);
            }
        }
        return java.util.Arrays.copyOf(ms, kept);
    }

    /** Waits until {@code n} records were read; false when the timeout passes first. */
    boolean await(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() < n) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
