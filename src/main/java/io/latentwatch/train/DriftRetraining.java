package io.latentwatch.train;

import io.latentwatch.drifttopic.DriftTopic;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.modeltopic.ModelTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code train --retrain-on-drift PSI}: follows the drift topic and runs a training round from the
 * input topic when the combined drift of the served model (the current one on the models topic,
 * see {@link DriftWatch}) rises above the limit, at most once per minimum interval; with
 * {@code --every} it also retrains on that period. Runs until its thread is interrupted.
 *
 * <p>A drift round trains on the traffic as it is ({@link TopicSource#trafficAsIs()}) and goes
 * through the usual comparison ({@link TrainJob#runDriftRound}); a candidate held back is said on
 * the progress stream and counted, and the drift is acted on again after the minimum interval,
 * on fresh traffic. After a delivered round the summaries about the replaced model no longer
 * count; the new model's drift counts once the detectors have scored 100 images with it.
 */
public final class DriftRetraining {
    private static final Logger LOG = LoggerFactory.getLogger(DriftRetraining.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /**
     * How often the models topic is read again while fresh summaries name another version than
     * the current one: soon after someone else publishes, yet not on every poll while a detector
     * keeps serving an older model (reading the models topic moves whole models).
     */
    private static final Duration VERSION_RECHECK = Duration.ofSeconds(10);
    private static final Duration STATUS_UPDATE = Duration.ofSeconds(30);
    private static final Duration STATUS_REPEAT = Duration.ofMinutes(5);

    private final TrainJob job;
    private final TopicSource traffic;
    private final ModelTopic models;
    private final Settings settings;
    private final PrintWriter progress;
    private final DriftWatch watch;
    private String currentVersion;
    private long versionReadAt;
    private long lastRoundAt;
    private boolean anyRound;
    private String lastStatus = "";
    private long lastStatusAt;
    private int driftRounds;
    private int delivered;
    private int heldBack;
    private int failed;

    /**
     * @param driftTopic  the compacted drift topic detectors publish to
     * @param limit       PSI above which a round is run
     * @param minInterval least time between the starts of two rounds
     * @param every       also retrain on this period; null retrains on drift only
     * @param kafka       Kafka client properties
     * @param modelTopic  the models topic, where the current model is read
     * @param modelName   the model whose drift counts, and the one trained
     */
    public record Settings(String driftTopic, double limit, Duration minInterval, Duration every,
                           Map<String, Object> kafka, String modelTopic, String modelName) {
        public Settings {
            if (!(limit > 0) || !Double.isFinite(limit)) {
                throw new IllegalArgumentException("--retrain-on-drift must be a PSI above 0, e.g. 0.25, got " + limit);
            }
            if (minInterval.isNegative() || minInterval.isZero()) {
                throw new IllegalArgumentException("--min-retrain-interval must be a positive ISO-8601 duration such as"
                        + " PT10M, got " + minInterval);
            }
            kafka = Map.copyOf(kafka);
        }
    }

    /**
     * @param traffic the input topic; drift rounds read it as it is
     */
    public DriftRetraining(TrainJob job, TopicSource traffic, ModelTopic models, Settings settings,
                           PrintWriter progress) {
        this.job = job;
        this.traffic = traffic;
        this.models = models;
        this.settings = settings;
        this.progress = progress;
        this.watch = new DriftWatch(settings.modelName());
    }

    /** Watches and retrains until the calling thread is interrupted. */
    public void run() {
        new TopicAdmin(settings.kafka(), Duration.ofSeconds(30))
                .ensure(List.of(settings.driftTopic()), Set.of(settings.driftTopic()), true, 1, (short) -1);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                DriftTopic.readerProperties(settings.kafka(), "latentwatch-drift-watch"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(settings.driftTopic(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            refreshVersion();
            progress.printf(Locale.ROOT, "watching drift of model '%s' on topic '%s'; a PSI over %s starts a training"
                            + " round from topic '%s', at most one per %s%s%n", settings.modelName(),
                    settings.driftTopic(), settings.limit(), traffic.topic(), settings.minInterval(),
                    settings.every() == null ? "" : ", and every " + settings.every());
            long nextPeriodic = Long.MAX_VALUE;
            if (currentVersion == null || settings.every() != null) {
                progress.println(currentVersion == null ? "no model '" + settings.modelName() + "' on topic '"
                        + settings.modelTopic() + "' yet: training a first one" : "first periodic round");
                round(false);
            }
            if (settings.every() != null) {
                nextPeriodic = System.nanoTime() + settings.every().toNanos();
            }
            watch(consumer, nextPeriodic);
        }
        // the interrupt was cleared so that the consumer could close cleanly; the caller still sees it
        Thread.currentThread().interrupt();
        progress.printf(Locale.ROOT, "stopped watching drift: %d drift round%s, %d delivered, %d held back, %d"
                + " failed%n", driftRounds, driftRounds == 1 ? "" : "s", delivered, heldBack, failed);
        progress.flush();
    }

    /** The watch loop; returns when the thread is interrupted, with the interrupt cleared. */
    private void watch(KafkaConsumer<String, byte[]> consumer, long firstPeriodic) {
        long nextPeriodic = firstPeriodic;
        try {
            while (!Thread.interrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    try {
                        watch.accept(record.key(), record.value());
                    } catch (IllegalArgumentException e) {
                        LOG.warn("{} (offset {}); ignored", e.getMessage(), record.offset());
                    }
                }
                Instant now = Instant.now();
                long nanos = System.nanoTime();
                if ((currentVersion == null || !watch.otherFreshVersions(currentVersion, now).isEmpty())
                        && nanos - versionReadAt > VERSION_RECHECK.toNanos()) {
                    refreshVersion();
                }
                if (nanos >= nextPeriodic) {
                    progress.println("periodic round (--every " + settings.every() + ")");
                    round(false);
                    nextPeriodic = System.nanoTime() + settings.every().toNanos();
                    continue;
                }
                decide(now, nanos);
            }
        } catch (InterruptException e) {
            // Kafka's InterruptException sets the flag again
            Thread.interrupted();
        }
    }

    private void decide(Instant now, long nanos) {
        if (currentVersion == null) {
            if (!anyRound || nanos - lastRoundAt >= settings.minInterval().toNanos()) {
                progress.println("no model '" + settings.modelName() + "' on topic '" + settings.modelTopic()
                        + "': training one");
                round(false);
            } else {
                status("no model '" + settings.modelName() + "' on topic '" + settings.modelTopic()
                        + "'; the next round starts after --min-retrain-interval " + settings.minInterval());
            }
            return;
        }
        DriftWatch.Reading reading = watch.read(currentVersion, now);
        if (!reading.above(settings.limit())) {
            status("drift " + reading.describe() + (reading.hasPsi() ? ", at or below " + settings.limit() : "")
                    + "; waiting");
            return;
        }
        long readyAt = lastRoundAt + settings.minInterval().toNanos();
        if (anyRound && nanos < readyAt) {
            status("drift " + reading.describe() + ", above " + settings.limit() + "; next round possible in "
                    + Duration.ofNanos(readyAt - nanos).withNanos(0) + " (--min-retrain-interval "
                    + settings.minInterval() + ")");
            return;
        }
        refreshVersion();
        if (!reading.version().equals(currentVersion)) {
            return; // a model was published meanwhile: its own drift decides
        }
        progress.println("drift " + reading.describe() + " is above " + settings.limit() + ": retraining from topic '"
                + traffic.topic() + "'");
        round(true);
    }

    private void round(boolean drift) {
        lastRoundAt = System.nanoTime();
        anyRound = true;
        if (drift) {
            driftRounds++;
        }
        try {
            TrainJob.Outcome outcome = drift ? job.runDriftRound(traffic.trafficAsIs()) : job.runOnce();
            if (drift && outcome.delivered()) {
                delivered++;
                progress.println("drift round " + driftRounds + ": published " + outcome.version()
                        + "; its own drift counts once the detectors have swapped to it");
            } else if (drift) {
                heldBack++;
                progress.println("drift round " + driftRounds + ": candidate " + outcome.version() + " held back ("
                        + outcome.comparison() + "); the drift is acted on again after --min-retrain-interval "
                        + settings.minInterval() + " (" + heldBack + " held back so far)");
            }
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            if (drift) {
                failed++;
            }
            progress.println("training round failed, retrying after --min-retrain-interval " + settings.minInterval()
                    + (settings.every() == null ? "" : " or at the next period") + ": " + e.getMessage());
        }
        lastStatus = "";
        refreshVersion();
    }

    /** Prints a waiting line when it says something new, and again every few minutes. */
    private void status(String line) {
        long now = System.nanoTime();
        boolean due = !sameKind(line, lastStatus)
                || (!line.equals(lastStatus) && now - lastStatusAt > STATUS_UPDATE.toNanos())
                || now - lastStatusAt > STATUS_REPEAT.toNanos();
        if (due) {
            progress.println(line);
            progress.flush();
            lastStatus = line;
            lastStatusAt = now;
        }
    }

    /** Lines that differ only in their figures are of one kind, printed at most every {@link #STATUS_UPDATE}. */
    private static boolean sameKind(String a, String b) {
        return a.replaceAll("[0-9.]+", "#").equals(b.replaceAll("[0-9.]+", "#"));
    }

    private void refreshVersion() {
        versionReadAt = System.nanoTime();
        Optional<byte[]> latest;
        try {
            latest = models.latest(settings.modelName());
        } catch (IllegalStateException e) {
            // a broker blip must not end the watch: keep the version known, try again later
            LOG.warn("cannot read the current model from topic '{}': {}", settings.modelTopic(), e.getMessage());
            return;
        }
        if (latest.isEmpty()) {
            currentVersion = null;
            return;
        }
        try (OnnxAutoencoder model = OnnxAutoencoder.load(latest.get(), "the current model", ModelOverrides.NONE, 1)) {
            currentVersion = model.info().version();
        } catch (ModelRefusedException e) {
            LOG.warn("the current model on topic '{}' does not load ({}); its drift cannot be followed",
                    settings.modelTopic(), e.getMessage());
            currentVersion = null;
        }
    }
}
