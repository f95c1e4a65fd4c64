package io.latentwatch.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.data.Images;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.ScoreFunction;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.security.ModelSignature;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One training round: load the data, hold out validation images, train, export to ONNX, check the
 * export against DJL, calibrate the threshold on the held-out normal images with the exported
 * model (scores exactly as the detector computes them), compare with the current model, then write
 * and/or publish.
 */
public final class TrainJob {
    /**
     * Fewer held-out normal images than this make a noisy threshold: at a 1% target, the quantile
     * rests on fewer than five images above it. Said in the output and the model's metadata.
     */
    static final int MIN_CALIBRATION_IMAGES = 500;

    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final DateTimeFormatter VERSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final TrainConfig config;
    private final TrainingSource source;
    private final ModelTopic modelTopic;
    private final PrintWriter progress;
    private final boolean challenger;

    /**
     * @param modelTopic the models topic; null when not publishing
     * @param progress   where per-epoch lines and the round summary go
     */
    public TrainJob(TrainConfig config, TrainingSource source, ModelTopic modelTopic, PrintWriter progress) {
        this(config, source, modelTopic, progress, false);
    }

    /**
     * @param challenger publish as the challenger of the model name ({@code train --challenger}): under
     *                   key {@code NAME#challenger}, scored in the shadow of the serving model until
     *                   {@code latentwatch promote}; it is still compared with the serving model first
     */
    public TrainJob(TrainConfig config, TrainingSource source, ModelTopic modelTopic, PrintWriter progress,
                    boolean challenger) {
        this.config = config;
        this.source = source;
        this.modelTopic = modelTopic;
        this.progress = progress;
        this.challenger = challenger;
    }

    /**
     * What a round produced.
     *
     * @param version    the new model's version
     * @param threshold  its calibrated threshold
     * @param onnx       the ONNX file's bytes
     * @param delivered  whether it was written and/or published (false: worse than the current model)
     * @param comparison how it compared with the current model
     * @param validation the validation figures written into its metadata
     */
    public record Outcome(String version, double threshold, byte[] onnx, boolean delivered, String comparison,
                          Map<String, Object> validation) {
    }

    /**
     * Share of held-out traffic above which the current model is taken to have lost the normal
     * class in a drift round: a detector that flags most of the traffic no longer describes it.
     */
    static final double LOST_TRAFFIC_SHARE = 0.5;

    /** Runs one round. */
    public Outcome runOnce() {
        return run(source, false);
    }

    /**
     * Runs one round started by drift: trains on {@code traffic} as it is (see
     * {@link TopicSource#trafficAsIs()}), compares with the current model as usual, and delivers a
     * candidate the comparison holds back all the same when the current model flags more than
     * {@link #LOST_TRAFFIC_SHARE} of the held-out traffic at its own threshold.
     */
    public Outcome runDriftRound(TrainingSource traffic) {
        return run(traffic, true);
    }

    private Outcome run(TrainingSource source, boolean driftRound) {
        TrainingData data = source.load();
        boolean screened = !config.contamination().isNone();
        Images[] split = screened ? heldOutByContent(data) : split(data.normal());
        Images train = split[0];
        Images validation = split[1];
        Images leftOutOfTraining = split.length > 2 ? split[2] : null;
        int leftOutHeldOut = split.length > 2 ? split[3].count() : 0;
        Hyperparameters hp = config.hyperparameters();
        progress.printf("training %s on %d images (%d held out for validation%s)%n", hp.type().id(), train.count(),
                validation.count(), data.anomalies() == null ? "" : ", " + data.anomalies().count()
                        + " labelled anomalies");
        ContaminatedTraining.Outcome rounds = null;
        TrainingResult result;
        if (screened) {
            rounds = new ContaminatedTraining(hp, config.contamination(), config.scoreBlur(), progress)
                    .train(train, validation, leftOutOfTraining);
            result = rounds.result();
        } else {
            result = new AutoencoderTrainer(hp, progress).train(train, validation);
        }

        KnnTerm term = config.pixelKnn().on() ? fitPixelKnn(result, train, validation, rounds) : null;
        PixelKnn knn = term == null ? null : term.knn();
        Instant created = Instant.now();
        byte[] draft = OnnxExporter.export(result.weights(), config.scoreBlur(), knn, metadata(created, "", 0.0, 0.0,
                Map.of(), Map.of(), data, null));
        double diff = ExportCheck.verify(draft, result);
        double knnDiff = knn == null ? 0 : ExportCheck.verifyScores(draft, validation, term.expectedScores());
        String version = VERSION_TIME.format(created) + "-" + OnnxAutoencoder.sha256(draft).substring(0, 8);

        Calibrated calibrated = calibrate(draft, validation, data.anomalies(), rounds, leftOutHeldOut);
        if (calibrated.normalScores.length < MIN_CALIBRATION_IMAGES) {
            progress.println("warning: " + calibrationWarning(calibrated.normalScores.length));
        }
        if (calibrated.tooFewFlagged() != null) {
            progress.println("warning: " + calibrated.tooFewFlagged());
        }
        Map<String, Object> figures = validationFigures(result, calibrated, diff, data, knn, knnDiff);
        Map<String, Object> contamination = contaminationSummary(rounds, calibrated);
        byte[] onnx = OnnxExporter.export(result.weights(), config.scoreBlur(), knn,
                metadata(created, version, calibrated.threshold, calibrated.quantile(), figures,
                        ScoreSummary.of(calibrated.normalScores), data, contamination));
        checkLoads(onnx);

        Optional<byte[]> current = currentModel();
        String comparison = "no current model";
        boolean deliver = true;
        if (current.isPresent()) {
            ModelComparison.Verdict verdict = data.anomalies() == null && (screened || data.isTraffic())
                    ? ModelComparison.compareUnlabelled(onnx, current.get(), validation, rounds != null
                            ? rounds.share() : ContaminationEstimate.of(calibrated.normalScores).share())
                    : ModelComparison.compare(onnx, current.get(), validation, data.anomalies());
            comparison = verdict.explanation();
            if (verdict.worse() && !config.force() && driftRound) {
                double flagged = ModelComparison.flaggedShare(current.get(), validation);
                if (flagged > LOST_TRAFFIC_SHARE) {
                    verdict = new ModelComparison.Verdict(false, comparison);
                    comparison += String.format(Locale.ROOT, "; delivered all the same: the current model flags %.0f%%"
                            + " of the held-out traffic, it no longer describes the normal images", 100 * flagged);
                }
            }
            if (verdict.worse() && !config.force()) {
                deliver = false;
                progress.println("not delivered: the candidate " + version + " does not beat the current model ("
                        + comparison + "); pass --force to deliver it anyway");
            }
        }
        if (deliver) {
            deliver(onnx, version);
            if (config.output() != null) {
                DecoderExport.writeNextTo(config.output(), result, config.modelName(), version, progress);
            }
        }
        progress.printf(Locale.ROOT, "model %s: threshold %.6g (%s), %sexport max abs diff %.2g, %s%n",
                version, calibrated.threshold, calibrated.method, rounds == null ? ""
                        : String.format(Locale.ROOT, "contamination %.4f (%s), ", rounds.share(),
                        config.contamination().isAuto() ? "estimated" : "given"), diff, comparison);
        return new Outcome(version, calibrated.threshold, onnx, deliver, comparison, figures);
    }

    /**
     * For data that may hold anomalies: training and held-out images split by content, and the
     * held-out share of what the current model left out put back, so that the held-out set is a
     * fair sample of the traffic, anomalies included (they come last). A third and fourth element,
     * when present, hold the left-out images of the training and of the held-out side.
     */
    private Images[] heldOutByContent(TrainingData data) {
        long seed = config.hyperparameters().seed();
        Images[] split = ContentSplit.split(data.normal(), config.validationFraction(), seed);
        if (split[0].count() == 0 || split[1].count() == 0) {
            return split(data.normal());
        }
        if (data.leftOut() == null) {
            return split;
        }
        Images[] leftOut = ContentSplit.split(data.leftOut(), config.validationFraction(), seed);
        return new Images[] {split[0], split[1].concat(leftOut[1]), leftOut[0], leftOut[1]};
    }

    private Images[] split(Images normal) {
        if (normal.count() < 2) {
            throw new IllegalArgumentException("training needs at least 2 images, got " + normal.count());
        }
        int[] order = new Random(config.hyperparameters().seed()).ints(0, Integer.MAX_VALUE).limit(normal.count())
                .toArray();
        Integer[] idx = new Integer[normal.count()];
        Arrays.setAll(idx, i -> i);
        Arrays.sort(idx, (a, b) -> Integer.compare(order[a], order[b]));
        int held = Math.max(1, (int) Math.round(normal.count() * config.validationFraction()));
        int[] validation = Arrays.stream(idx, 0, held).mapToInt(Integer::intValue).toArray();
        int[] train = Arrays.stream(idx, held, idx.length).mapToInt(Integer::intValue).toArray();
        return new Images[] {normal.select(train), normal.select(validation)};
    }

    /**
     * @param normalScores held-out scores taken as normal: all of them for clean data, those judged
     *                     normal for data that may hold anomalies
     * @param judgedAnomalous held-out images left out of calibration as the estimated anomalies
     * @param method       how the threshold was chosen, as written into the metadata
     * @param flagged      for data that may hold anomalies, the share of the held-out traffic (less what the current
     *                     model left out) that the threshold flags; NaN otherwise
     * @param expected     for data that may hold anomalies, the share of it taken as anomalous before the margin: the
     *                     estimate on the training images (less the floor after a current model's leave-out), or the
     *                     given share; NaN otherwise
     * @param estimated    whether {@code expected} is the estimate rather than a given share
     * @param aimedFpr     the false-positive rate the threshold was read at: {@code --target-fpr}, or lower by
     *                     {@code --target-precision} ({@link Calibration#fprForPrecision})
     */
    private record Calibrated(double threshold, float[] normalScores, float[] anomalyScores, int judgedAnomalous,
                              String method, double flagged, double expected, boolean estimated, double aimedFpr) {
        /** A warning when the threshold flags far fewer held-out images than the estimate holds anomalous. */
        String tooFewFlagged() {
            return Double.isNaN(flagged) ? null : Calibration.tooFewFlagged(flagged, expected, estimated);
        }

        /** Share of the held-out normal scores below the threshold. */
        double quantile() {
            long below = 0;
            for (float s : normalScores) {
                if (s < threshold) {
                    below++;
                }
            }
            return (double) below / normalScores.length;
        }
    }

    /**
     * The pixel kNN term: its bank from the training images, its weight from the held-out ones. On
     * traffic that may hold anomalies, the share estimated as anomalies, the images the trained
     * network reconstructs worst, stays out of the bank and out of the weighing, as it stayed out of
     * training and calibration.
     */
    private KnnTerm fitPixelKnn(TrainingResult result, Images train, Images validation,
                                ContaminatedTraining.Outcome rounds) {
        float[] heldOutBlur = ExportedScores.of(result.weights(), config.scoreBlur(), validation);
        Images bankImages = rounds != null && rounds.share() > 0
                ? train.select(lowest(ExportedScores.of(result.weights(), config.scoreBlur(), train), rounds.share()))
                : train;
        long started = System.nanoTime();
        PixelKnn bank = PixelKnn.bank(bankImages, config.pixelKnn(), config.hyperparameters().seed());
        // taken once: they weigh the term here and check the export against ONNX Runtime later
        boolean[] tied = new boolean[validation.count()];
        double[] heldOutDistances = bank.distances(validation, tied);
        float[] weighingBlur = heldOutBlur;
        double[] weighingDistances = heldOutDistances;
        if (rounds != null && rounds.share() > 0) {
            int[] kept = lowest(heldOutBlur, rounds.share());
            weighingBlur = new float[kept.length];
            weighingDistances = new double[kept.length];
            for (int i = 0; i < kept.length; i++) {
                weighingBlur[i] = heldOutBlur[kept[i]];
                weighingDistances[i] = heldOutDistances[kept[i]];
            }
        }
        PixelKnn knn = bank.weighed(weighingBlur, weighingDistances);
        progress.printf(Locale.ROOT, "pixel kNN term: %d nearest of %s, %s thumbnails (%dx%d, %d values),"
                + " exponent %.3f (relative weight %.3g), %.1f s%n", knn.k(), knn.bankDescription(),
                knn.features().id(), knn.rows(), knn.columns(), knn.dims(), knn.weight(), knn.relativeWeight(),
                (System.nanoTime() - started) / 1e9);
        return new KnnTerm(knn, heldOutBlur, heldOutDistances, tied);
    }

    /**
     * The pixel kNN term, and the blurred error and kNN distance of every held-out image, and
     * whether ONNX Runtime may pick another k-th neighbour for it ({@link PixelKnn#distances}).
     */
    private record KnnTerm(PixelKnn knn, float[] heldOutBlur, double[] heldOutDistances, boolean[] tied) {
        /** The held-out images' scores as the export must compute them; NaN for those it cannot check. */
        double[] expectedScores() {
            double[] expected = knn.combined(heldOutBlur, heldOutDistances);
            for (int i = 0; i < expected.length; i++) {
                if (tied[i]) {
                    expected[i] = Double.NaN;
                }
            }
            return expected;
        }
    }

    /** Indexes of the scores below the top {@code share}, in order. */
    private static int[] lowest(float[] scores, double share) {
        int keep = Math.max(1, (int) Math.ceil(scores.length * (1 - share)));
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        return Arrays.stream(order, 0, Math.min(keep, order.length)).mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * @param leftOutHeldOut held-out images, last in {@code validation}, that the current model
     *                       flagged: never judged normal
     */
    private Calibrated calibrate(byte[] draft, Images validation, Images anomalies,
                                 ContaminatedTraining.Outcome rounds, int leftOutHeldOut) {
        try (OnnxAutoencoder model = OnnxAutoencoder.load(draft, "candidate", new ModelOverrides(0.0, null, null), 1)) {
            float[] heldOut = BatchScorer.scores(model, validation);
            float[] anomalous = anomalies == null ? null : BatchScorer.scores(model, anomalies);
            float[] normal = heldOut;
            float[] traffic = Arrays.copyOf(heldOut, heldOut.length - leftOutHeldOut);
            double expected = Double.NaN;
            double fpr = config.targetFpr();
            String method = config.calibration().id();
            if (rounds != null && config.calibration() == Calibration.Method.FPR) {
                // the estimate was made on training images from which the current model's flags were left out; of
                // what remains beyond its cut, most are the hard normal images every run puts there (the floor),
                // so after a current model's leave-out only the excess over the floor is taken off
                double estimate = rounds.estimate().share();
                if (leftOutHeldOut > 0) {
                    estimate = Math.max(0, estimate - ContaminatedTraining.CONTRAST_FLOOR);
                }
                expected = config.contamination().isAuto() ? estimate : rounds.share();
                if (judgedByPixels(rounds)) {
                    boolean[] judged = PixelOutliers.farAndHigh(validation.range(0, traffic.length), traffic,
                            config.hyperparameters().seed(), calibrationScoreK(rounds));
                    normal = Calibration.judgedNormal(traffic, judged);
                } else {
                    double share = config.contamination().isAuto()
                            ? Math.min(Contamination.MAX_SHARE, Calibration.AUTO_TRIM_MARGIN * estimate)
                            : rounds.share();
                    normal = Calibration.judgedNormal(traffic, share);
                }
                method = Calibration.JUDGED_NORMAL;
                fpr = Calibration.fprForPrecision(config.targetFpr(), rounds.share(), config.targetPrecision());
            }
            double threshold;
            if (config.calibration() == Calibration.Method.F1) {
                if (anomalous == null) {
                    throw new IllegalArgumentException("--calibration f1 needs labelled anomalies: train with --idx and"
                            + " --normal-classes, or use --calibration fpr");
                }
                Labelled all = Labelled.of(normal, anomalous);
                threshold = Calibration.bestF1(all.scores, all.anomaly);
            } else if (method.equals(Calibration.JUDGED_NORMAL)) {
                threshold = Calibration.forFalsePositiveRateByTail(normal, fpr);
            } else {
                threshold = Calibration.forFalsePositiveRateSmoothed(normal, config.targetFpr());
            }
            if (fpr < config.targetFpr()) {
                progress.printf(Locale.ROOT, "threshold aimed at %.2f%% of the normal images, below --target-fpr %s:"
                        + " at a contamination of %.2f%% more would make fewer than %.0f%% of the flags anomalies"
                        + " (--target-precision %s; 0 keeps --target-fpr)%n", 100 * fpr, config.targetFpr(),
                        100 * rounds.share(), 100 * config.targetPrecision(), config.targetPrecision());
            }
            return new Calibrated(threshold, normal, anomalous, heldOut.length - normal.length, method,
                    Double.isNaN(expected) ? Double.NaN : Calibration.flaggedShare(traffic, threshold), expected,
                    config.contamination().isAuto(), fpr);
        } catch (ModelRefusedException e) {
            throw new IllegalStateException("the exported model does not load in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the pixel view judges the held-out images ({@link PixelOutliers#farAndHigh}): after a
     * contrast run with {@code --contamination auto}; without one, the estimate's trim.
     */
    private boolean judgedByPixels(ContaminatedTraining.Outcome rounds) {
        return config.contamination().isAuto() && rounds.negatives() > 0;
    }

    /** How high a held-out image must score for the pixel view to judge it, after the given contrast run. */
    private static double calibrationScoreK(ContaminatedTraining.Outcome rounds) {
        return rounds.farInPixels() > 0 ? PixelOutliers.CALIBRATION_SCORE_K_BELOW_GATE
                : PixelOutliers.CALIBRATION_SCORE_K;
    }

    private record Labelled(float[] scores, boolean[] anomaly) {
        static Labelled of(float[] normal, float[] anomalous) {
            float[] scores = Arrays.copyOf(normal, normal.length + anomalous.length);
            System.arraycopy(anomalous, 0, scores, normal.length, anomalous.length);
            boolean[] anomaly = new boolean[scores.length];
            Arrays.fill(anomaly, normal.length, scores.length, true);
            return new Labelled(scores, anomaly);
        }
    }

    private Map<String, Object> validationFigures(TrainingResult result, Calibrated c, double diff, TrainingData data,
                                                  PixelKnn knn, double knnDiff) {
        Map<String, Object> v = new LinkedHashMap<>();
        // Names as the detector exports them (metrics.ValidationFigures): it turns these into gauges.
        EpochStats best = result.history().get(result.bestEpoch() - 1);
        v.put("validation_images", c.normalScores.length);
        v.put("train_loss", best.loss());
        v.put("validation_loss", result.bestValidationLoss());
        v.put("best_epoch", result.bestEpoch());
        v.put("epochs", result.history().size());
        v.put("training_seconds", result.history().stream().mapToDouble(EpochStats::seconds).sum());
        v.put("seconds_per_epoch", result.secondsPerEpoch());
        v.put("images_per_second", result.imagesPerSecond());
        v.put("onnx_max_abs_diff", diff);
        v.put("calibration", c.method);
        if (Calibration.Method.FPR.id().equals(c.method)) {
            v.put("calibration_rule", Calibration.SMOOTHED_RULE);
        }
        if (c.normalScores.length < MIN_CALIBRATION_IMAGES) {
            v.put("calibration_warning", calibrationWarning(c.normalScores.length));
        }
        v.put("held_out_judged_anomalous", c.judgedAnomalous);
        v.put("target_fpr", config.targetFpr());
        if (Calibration.JUDGED_NORMAL.equals(c.method)) {
            v.put("target_precision", config.targetPrecision());
            v.put("aimed_fpr", c.aimedFpr);
        }
        String error = config.scoreBlur() > 1 ? "blurred-mse:" + config.scoreBlur() : "mse";
        v.put("score", knn == null ? error : error + "+pixel-knn:" + knn.k());
        if (knn != null) {
            Map<String, Object> term = knn.summary();
            term.put("onnx_max_rel_diff", knnDiff);
            v.put("pixel_knn", term);
        }
        boolean[] none = new boolean[c.normalScores.length];
        v.put("fpr", DetectionMetrics.at(c.normalScores, none, c.threshold).fpr());
        if (c.anomalyScores != null) {
            Labelled all = Labelled.of(c.normalScores, c.anomalyScores);
            DetectionMetrics.AtThreshold at = DetectionMetrics.at(all.scores, all.anomaly, c.threshold);
            v.put("anomalies", c.anomalyScores.length);
            v.put("auroc", DetectionMetrics.auroc(all.scores, all.anomaly));
            v.put("recall", at.recall());
            v.put("precision", at.precision());
            v.put("f1", at.f1());
        }
        return v;
    }

    /** The {@code latentwatch.contamination} metadata; null for data taken as clean. */
    private Map<String, Object> contaminationSummary(ContaminatedTraining.Outcome rounds, Calibrated calibrated) {
        if (rounds == null) {
            return null;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("setting", config.contamination().id());
        c.put("share", rounds.share());
        c.put("estimate", rounds.traffic());
        c.put("estimator", ContaminationEstimate.RULE);
        c.put("estimate_training_images", rounds.estimate().share());
        c.put("screen_epochs", ContaminatedTraining.SCREEN_EPOCHS);
        c.put("screen_trim", ContaminatedTraining.SCREEN_TRIM);
        c.put("drop_share", rounds.dropShare());
        c.put("final_trim", ContaminatedTraining.FINAL_TRIM);
        c.put("refine_k", ContaminatedTraining.REFINE_K);
        c.put("refine_back_k", ContaminatedTraining.REFINE_BACK_K);
        c.put("dropped", rounds.dropped());
        c.put("trained", rounds.trained());
        c.put("contrast_min_estimate", ContaminatedTraining.CONTRAST_MIN_ESTIMATE);
        c.put("contrast_floor", ContaminatedTraining.CONTRAST_FLOOR);
        c.put("negative_margin", AutoencoderTrainer.NEGATIVE_MARGIN);
        c.put("negatives", rounds.negatives());
        c.put("pixel_outliers", rounds.farInPixels());
        c.put("pixel_outlier_cut", rounds.pixelCut());
        c.put("pixel_outlier_rule", PixelOutliers.RULE);
        c.put("held_out_judged_anomalous", calibrated.judgedAnomalous);
        if (!Double.isNaN(calibrated.flagged)) {
            c.put("held_out_flagged", calibrated.flagged);
        }
        if (calibrated.tooFewFlagged() != null) {
            c.put("warning", calibrated.tooFewFlagged());
        }
        if (Calibration.JUDGED_NORMAL.equals(calibrated.method)) {
            String takenOff;
            if (!config.contamination().isAuto()) {
                takenOff = "the given share";
            } else if (judgedByPixels(rounds)) {
                takenOff = PixelOutliers.calibrationRule(calibrationScoreK(rounds));
            } else {
                takenOff = "the estimate x " + Calibration.AUTO_TRIM_MARGIN + ", the estimate less "
                        + ContaminatedTraining.CONTRAST_FLOOR + " where the current model left held-out images out";
            }
            c.put("calibration_rule", Calibration.TAIL_RULE + "; taken off the held-out images first: " + takenOff);
        }
        return c;
    }

    private Map<String, String> metadata(Instant created, String version, double threshold, double quantile,
                                         Map<String, Object> validation, Map<String, Object> scores,
                                         TrainingData data, Map<String, Object> contamination) {
        Hyperparameters hp = config.hyperparameters();
        Map<String, Object> training = new LinkedHashMap<>(data.summary());
        training.put("model_type", hp.type().id());
        training.put("epochs", hp.epochs());
        training.put("batch_size", hp.batchSize());
        training.put("learning_rate", hp.learningRate());
        training.put("filters", hp.filters());
        training.put("latent_size", hp.latentSize());
        training.put("denoise", hp.denoise());
        training.put("seed", hp.seed());
        training.put("validation_fraction", config.validationFraction());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MetadataKeys.NAME, config.modelName());
        meta.put(MetadataKeys.VERSION, version);
        meta.put(MetadataKeys.MODEL_TYPE, hp.type().id());
        meta.put(MetadataKeys.THRESHOLD, Double.toString(threshold));
        meta.put(MetadataKeys.NORMALIZATION, Normalization.UNIT.spec());
        meta.put(MetadataKeys.SCORE_FUNCTION, config.scoreBlur() > 1 || config.pixelKnn().on() ? ScoreFunction.OUTPUT.id()
                : ScoreFunction.MSE.id());
        meta.put(MetadataKeys.TRAINING_DATA, json(training));
        meta.put(MetadataKeys.CALIBRATION_QUANTILE, Double.toString(quantile));
        meta.put(MetadataKeys.VALIDATION, json(validation));
        meta.put(MetadataKeys.VALIDATION_SCORES, json(scores));
        meta.put(MetadataKeys.CREATED_AT, created.toString());
        if (contamination != null) {
            meta.put(MetadataKeys.CONTAMINATION, json(contamination));
        }
        return meta;
    }

    private static void checkLoads(byte[] onnx) {
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "candidate", ModelOverrides.NONE, 1)) {
            LOG.debug("candidate {} loads with threshold {}", model.info().version(), model.info().threshold());
        } catch (ModelRefusedException e) {
            throw new IllegalStateException("the exported model breaks the model contract: " + e.getMessage(), e);
        }
    }

    private Optional<byte[]> currentModel() {
        if (config.publish()) {
            return modelTopic.latest(config.modelName());
        }
        if (config.output() != null && Files.isReadable(config.output())) {
            try {
                return Optional.of(Files.readAllBytes(config.output()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the current model " + config.output(), e);
            }
        }
        return Optional.empty();
    }

    private void deliver(byte[] onnx, String version) {
        ModelSignature signature = config.signer() == null ? null : config.signer().sign(onnx);
        if (config.output() != null) {
            write(config.output(), onnx);
            progress.println("wrote " + config.output() + " (" + onnx.length + " bytes, version " + version + ")");
            writeSignature(config.output(), signature);
        }
        if (config.publish()) {
            Map<String, byte[]> headers = signature == null ? Map.of() : signature.toHeaders();
            RecordMetadata at = challenger ? modelTopic.publishChallenger(config.modelName(), onnx, headers)
                    : modelTopic.publish(config.modelName(), onnx, headers);
            progress.println("published " + version + " to " + at.topic() + "-" + at.partition() + "@" + at.offset()
                    + " under key '" + (challenger ? ModelTopic.challengerKey(config.modelName()) : config.modelName())
                    + "'" + (challenger ? " as a challenger (promote it with 'latentwatch promote --model-name "
                    + config.modelName() + "')" : "")
                    + (signature == null ? " (unsigned)" : " signed by key " + signature.keyId()));
        }
    }

    /** Writes FILE.sig next to the model; an unsigned model removes a stale one, which would not match it. */
    private void writeSignature(Path model, ModelSignature signature) {
        Path sig = ModelSignature.fileOf(model);
        if (signature == null) {
            try {
                if (Files.deleteIfExists(sig)) {
                    progress.println("removed " + sig + ": it signed the previous model (no --signing-key now)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale signature " + sig + ": " + e.getMessage(), e);
            }
            return;
        }
        write(sig, signature.toFileText().getBytes(StandardCharsets.US_ASCII));
        progress.println("wrote " + sig + " (signed by key " + signature.keyId() + ")");
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path tmp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String calibrationWarning(int images) {
        return String.format(Locale.ROOT, "the threshold was calibrated on %d held-out normal images, fewer than %d:"
                + " its false-positive rate on new data may be well off --target-fpr %.3g; train on more images or"
                + " raise --validation-fraction", images, MIN_CALIBRATION_IMAGES, config.targetFpr());
    }
}
