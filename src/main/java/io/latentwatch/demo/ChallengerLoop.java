package io.latentwatch.demo;

import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.Normalization;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.modeltopic.Promotion;
import io.latentwatch.train.TopicImages;
import io.latentwatch.train.TopicSource;
import io.latentwatch.train.TrainConfig;
import io.latentwatch.train.TrainJob;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The model lifecycle the demo shows, driven by the producer's progress through the stream:
 * <ol>
 *   <li>a quarter of the way in, a challenger is trained in the background from the images on the
 *       input topic so far, leaving out what the serving model flags, and published as the
 *       challenger of the demo's model;</li>
 *   <li>half way, the producer waits, if need be, until the detector has loaded it, so that it is
 *       scored in the shadow of the serving model for at least a quarter of the stream;</li>
 *   <li>three quarters of the way in, it is judged on the images scored in the shadow so far,
 *       against the labels the demo knows ({@link #judge}): if it flagged no more normal images than
 *       the serving model and caught at least {@value #MIN_CATCH_SHARE} as many anomalies, it is
 *       promoted ({@link Promotion}) and the producer waits until the detector serves it, so the
 *       last quarter shows the new serving model; otherwise it is held back, stays in the shadow,
 *       and the serving model serves on.</li>
 * </ol>
 * When training fails or the stream is too short, the later steps are skipped and say why.
 */
final class ChallengerLoop {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * Share of the serving model's caught anomalies (in the shadow) a challenger must catch too.
     * A challenger trained on a few hundred images of the topic is calibrated on a hundred held-out
     * ones: some runs flag two or three times as many normal images as the serving model
     * (precision 0.81-0.84 against 0.94 in three of four runs on 2026-11-30), others catch fewer
     * anomalies; promoting either would make the demo worse after the swap.
     */
    static final double MIN_CATCH_SHARE = 0.9;
    private final Map<String, Object> props;
    private final String inputTopic;
    private final ModelTopic modelTopic;
    private final String modelName;
    private final ModelRegistry models;
    private final Supplier<TrainConfig> config;
    private final long images;
    private final BooleanSupplier stop;
    private final AtomicReference<String> status;
    private final Supplier<Scoreboard.Snapshot> board;
    private volatile String challenger;
    private volatile String outcome = "none trained (the stream was too short)";
    private Thread trainer;
    private volatile int trainedOn;

    /**
     * @param models the detector's registry, watched for the challenger and the promotion
     * @param config the challenger's training configuration
     * @param images images the producer sends in all
     * @param status the live view's status text
     * @param board  the scoreboard's figures so far, whose shadow figures judge the challenger
     */
    ChallengerLoop(Map<String, Object> props, String inputTopic, ModelTopic modelTopic, String modelName,
                   ModelRegistry models, Supplier<TrainConfig> config, long images, BooleanSupplier stop,
                   AtomicReference<String> status, Supplier<Scoreboard.Snapshot> board) {
        this.props = props;
        this.inputTopic = inputTopic;
        this.modelTopic = modelTopic;
        this.modelName = modelName;
        this.models = models;
        this.config = config;
        this.images = images;
        this.stop = stop;
        this.status = status;
        this.board = board;
    }

    /** Called by the producer after each image; may hold it back while a step waits for the detector. */
    void sent(long count) {
        if (images < 8) {
            return;
        }
        if (count == images / 4) {
            train((int) count);
        } else if (count == images / 2) {
            awaitChallenger();
        } else if (count == images * 3 / 4) {
            promote(count);
        }
    }

    private synchronized void train(int records) {
        trainedOn = records;
        status.set("training a challenger from the " + records + " images on topic '" + inputTopic + "'...");
        outcome = "still training when the stream ended";
        trainer = new Thread(() -> {
            try {
                TopicSource source = new TopicSource(new TopicImages(props, InputLimits.DEFAULT), inputTopic, records,
                        new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT), modelTopic, modelName);
                TrainJob.Outcome trained = new TrainJob(config.get(), source, modelTopic,
                        new PrintWriter(Writer.nullWriter()), true).runOnce();
                challenger = trained.version();
                status.set("challenger " + challenger + " published to " + ModelTopic.challengerKey(modelName));
                outcome = challenger + " published, not loaded before the stream ended";
            } catch (RuntimeException e) {
                status.set("training the challenger failed: " + e.getMessage());
                outcome = "training failed: " + e.getMessage();
            }
        }, "latentwatch-demo-challenger");
        trainer.setDaemon(true);
        trainer.start();
    }

    private void awaitChallenger() {
        if (trainer == null) {
            return;
        }
        if (models.challenger().current().isEmpty()) {
            status.set("waiting for the challenger to be trained and loaded before streaming on...");
        }
        if (await(() -> models.challenger().current().isPresent() || !trainer.isAlive() && challenger == null)) {
            models.challenger().current().ifPresent(c -> {
                // the live line shows the shadow figures from now on
                status.set("");
                outcome = c.version() + " scored in the shadow, not promoted";
            });
        }
    }

    private void promote(long sent) {
        Optional<ModelInfo> loaded = models.challenger().current();
        if (loaded.isEmpty()) {
            return;
        }
        String version = loaded.get().version();
        // judged on every image sent so far: the producer waits until their outputs are read
        status.set("judging " + version + " on its calls in the shadow...");
        await(() -> board.get().scored() >= sent);
        Scoreboard.Shadow figures = board.get().shadow();
        String against = figures == null || figures.records() == 0
                ? "no image was scored in the shadow"
                : judge(figures.champion(), figures.challenger());
        if (against != null) {
            status.set("held back " + version + ": " + against);
            outcome = version + " trained from the first " + trainedOn + " images on topic '" + inputTopic
                    + "', scored in the shadow, held back (" + against + "); the serving model served on";
            return;
        }
        try {
            Promotion.promote(modelTopic, modelName);
        } catch (RuntimeException e) {
            status.set("promotion failed: " + e.getMessage());
            outcome = "promoting " + version + " failed: " + e.getMessage();
            return;
        }
        status.set("promoted " + version + "; waiting for the detector to serve it...");
        if (await(() -> models.current().map(ModelInfo::version).orElse("").equals(version))) {
            status.set("promoted " + version + ": now the serving model");
            outcome = version + " trained from the first " + trainedOn + " images on topic '" + inputTopic
                    + "', scored in the shadow, promoted; it served the rest";
        }
    }

    /**
     * Why a challenger must not be promoted, judged on the images both models scored and the
     * labels the demo knows; null when it may be: it flagged no more normal images than the serving
     * model, and caught at least {@value #MIN_CATCH_SHARE} as many anomalies.
     */
    static String judge(Confusion serving, Confusion challenger) {
        if (challenger.falsePositives() > serving.falsePositives()) {
            return "it flagged " + challenger.falsePositives() + " normal images in the shadow, the serving model "
                    + serving.falsePositives();
        }
        if (challenger.truePositives() < MIN_CATCH_SHARE * serving.truePositives()) {
            return "it caught " + challenger.truePositives() + " anomalies in the shadow, the serving model "
                    + serving.truePositives();
        }
        return null;
    }

    /** Waits for a condition, while the demo is not stopped; false when it did not come in time. */
    private boolean await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (stop.getAsBoolean() || System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** What became of the challenger, for the summary. */
    String outcome() {
        return outcome;
    }

    synchronized void join() throws InterruptedException {
        if (trainer != null) {
            trainer.join(60_000);
        }
    }
}
