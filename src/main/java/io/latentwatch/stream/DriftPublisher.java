package io.latentwatch.stream;

import io.latentwatch.config.DriftPublishing;
import io.latentwatch.drifttopic.DriftSummary;
import io.latentwatch.drifttopic.DriftTopic;
import io.latentwatch.metrics.ScoreDrift;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the serving model's drift figures ({@link ScoreDrift}) to the drift topic every
 * interval, from a background thread with a plain idempotent producer: the summaries are telemetry,
 * outside the exactly-once transactions of the topology, and a broker that refuses them never
 * holds up scoring. On close it writes a tombstone under each key it used, so a stopped detector's
 * figures leave the topic.
 *
 * <p>Meters: {@code latentwatch_drift_summaries_published_total} (acknowledged by the broker) and
 * {@code latentwatch_drift_summaries_failed_total} (not written; logged).
 */
final class DriftPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriftPublisher.class);
    private final DriftPublishing settings;
    private final ScoreDrift drift;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService timer;
    private final Counter published;
    private final Counter failed;
    private final Clock clock;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private volatile long lastFailureLog;

    DriftPublisher(DriftPublishing settings, Map<String, Object> clientProps, ScoreDrift drift,
                   MeterRegistry registry) {
        this.settings = settings;
        this.drift = drift;
        this.clock = Clock.systemUTC();
        this.published = Counter.builder("latentwatch.drift.summaries.published")
                .description("Drift summaries the broker acknowledged on the drift topic").register(registry);
        this.failed = Counter.builder("latentwatch.drift.summaries.failed")
                .description("Drift summaries that could not be written to the drift topic").register(registry);
        this.producer = new KafkaProducer<>(DriftTopic.producerProperties(clientProps, "latentwatch-drift-publisher"),
                new StringSerializer(), new ByteArraySerializer());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latentwatch-drift-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Publishes a first summary after one interval, then one every interval. */
    void start() {
        long ms = settings.interval().toMillis();
        timer.scheduleAtFixedRate(this::publishSafely, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("publishing drift summaries to topic '{}' every {} as instance '{}'", settings.topic(),
                settings.interval(), settings.instance());
    }

    private void publishSafely() {
        try {
            publishNow();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: count, log and carry on
            failed(e);
        }
    }

    /** Publishes the current figures once; nothing while no model is installed. */
    void publishNow() {
        drift.snapshot().ifPresent(s -> {
            DriftSummary summary = new DriftSummary(s.model().name(), s.model().version(), settings.instance(),
                    s.psi(), s.ks(), s.window(), s.scored(), settings.interval(), clock.instant());
            String key = DriftTopic.key(summary.model(), settings.instance());
            keys.add(key);
            producer.send(new ProducerRecord<>(settings.topic(), key, summary.toJson()), (metadata, e) -> {
                if (e == null) {
                    published.increment();
                } else {
                    failed(e);
                }
            });
        });
    }

    private void failed(Exception e) {
        failed.increment();
        long now = System.nanoTime();
        // one line a minute is enough to say the broker refuses them; the counter has the rest
        if (now - lastFailureLog > Duration.ofMinutes(1).toNanos() || lastFailureLog == 0) {
            lastFailureLog = now;
            LOG.warn("cannot publish a drift summary to topic '{}': {}; scoring goes on", settings.topic(),
                    e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String key : keys) {
            producer.send(new ProducerRecord<>(settings.topic(), key, null));
        }
        producer.close(Duration.ofSeconds(5));
    }
}
