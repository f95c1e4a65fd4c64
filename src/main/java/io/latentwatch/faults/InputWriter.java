package io.latentwatch.faults;

import io.latentwatch.produce.Png;
import io.latentwatch.util.JavaProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Writes uniquely keyed inputs at a steady rate on its own thread: 28x28 grey PNGs, and every
 * {@code garbageEvery}-th input a few bytes that are no image and must end in the dead-letter
 * topic. The key tells which kind an input is ({@link #isGarbage(String)}). The producer is
 * idempotent and retries for minutes, so that a broker restart neither loses nor duplicates
 * inputs.
 */
final class InputWriter implements AutoCloseable {
    private static final String GARBAGE_SUFFIX = "-bad";
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String keyPrefix;
    private final int garbageEvery;
    private final double rate;
    private final long minimum;
    private final BooleanSupplier mayStop;
    private final List<byte[]> images = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param minimum inputs to write at least; it keeps writing past them until {@code mayStop} says so
     * @param rate    inputs per second
     */
    InputWriter(Map<String, Object> clientProps, String topic, String keyPrefix, int garbageEvery, double rate,
                long minimum, BooleanSupplier mayStop) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(10).toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "latentwatch-fault-suite-inputs");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.keyPrefix = keyPrefix;
        this.garbageEvery = garbageEvery;
        this.rate = rate;
        this.minimum = minimum;
        this.mayStop = mayStop;
        Random random = new Random(7);
        for (int i = 0; i < 64; i++) {
            byte[] pixels = new byte[28 * 28];
            random.nextBytes(pixels);
            images.add(Png.grey(pixels, 28, 28));
        }
        this.thread = new Thread(this::run, "latentwatch-fault-suite-inputs");
        this.thread.setDaemon(true);
    }

    /** Whether the input with this key is garbage, which must be dead-lettered. */
    static boolean isGarbage(String key) {
        return key.endsWith(GARBAGE_SUFFIX);
    }

    /** Whether the key is one of this run's inputs. */
    boolean owns(String key) {
        return key != null && key.startsWith(keyPrefix);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        long seq = 0;
        while (!closed && (seq < minimum || !mayStop.getAsBoolean())) {
            long due = started + (long) (seq * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                JavaProcess.pause(Duration.ofNanos(Math.max(wait, 1_000_000)));
                continue;
            }
            boolean garbage = garbageEvery > 0 && seq % garbageEvery == garbageEvery - 1;
            String key = String.format("%s%08d%s", keyPrefix, seq, garbage ? GARBAGE_SUFFIX : "-png");
            byte[] value = garbage ? ("not an image, input " + seq).getBytes(StandardCharsets.UTF_8)
                    : images.get((int) (seq % images.size()));
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e == null) {
                    acknowledged.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                }
            });
            sent.incrementAndGet();
            seq++;
        }
        producer.flush();
    }

    /** Inputs handed to the producer so far. */
    long sent() {
        return sent.get();
    }

    /** Inputs the broker acknowledged. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** Inputs the producer gave up on (never expected; reported, and they are not counted as lost). */
    long failed() {
        return failed.get();
    }

    Exception firstFailure() {
        return firstFailure.get();
    }

    /** Waits until the writer has written its inputs and they are all acknowledged or failed. */
    boolean awaitFinished(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive() && acknowledged.get() + failed.get() == sent.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(Duration.ofMinutes(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }
}
