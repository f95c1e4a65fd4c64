package io.latentwatch.cli;

import io.latentwatch.config.Topics;
import io.latentwatch.data.LabelSet;
import io.latentwatch.drifttopic.DriftTopic;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.kafka.KafkaConnection;
import io.latentwatch.model.Normalization;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.security.ModelSigner;
import io.latentwatch.train.Calibration;
import io.latentwatch.train.Contamination;
import io.latentwatch.train.DirectorySource;
import io.latentwatch.train.DriftRetraining;
import io.latentwatch.train.Hyperparameters;
import io.latentwatch.train.IdxSource;
import io.latentwatch.train.ModelType;
import io.latentwatch.train.PixelKnn;
import io.latentwatch.train.TopicImages;
import io.latentwatch.train.TopicSource;
import io.latentwatch.train.TrainConfig;
import io.latentwatch.train.TrainJob;
import io.latentwatch.train.TrainingSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/** {@code latentwatch train}: trains, calibrates, exports and optionally publishes a model. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains, calibrates, exports and optionally publishes a model.",
                "",
                "Trains an autoencoder on normal images (DJL, PyTorch engine, offline),",
                "calibrates its threshold on held-out images, exports it to ONNX, checks the",
                "export against the trained network in ONNX Runtime, and writes it (--output)",
                "and/or publishes it to the models topic (--publish). Give exactly one source:",
                "--idx with --normal-classes, --images-dir, or --from-topic."})
public final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(names = "--idx", paramLabel = "DIR",
            description = "Directory of an MNIST-style IDX set (train-images-idx3-ubyte[.gz], ...); trains on the train"
                    + " split's --normal-classes.")
    Path idx;

    @Option(names = "--normal-classes", paramLabel = "LIST",
            description = "With --idx: the classes taken as normal, e.g. 5,7,9. The other classes of the train split"
                    + " serve as labelled anomalies for --calibration f1 and model comparison (never for training).")
    String normalClasses;

    @Option(names = "--images-dir", paramLabel = "DIR",
            description = "Directory of PNG/JPEG (GIF, BMP, TIFF, WebP, PBM/PGM/PPM) images, all normal; sub-directories"
                    + " included.")
    Path imagesDir;

    @Option(names = "--from-topic", arity = "0..1", fallbackValue = Topics.DEFAULT_INPUT, paramLabel = "TOPIC",
            description = "Train on the newest images of this input topic (default when given without a value: "
                    + Topics.DEFAULT_INPUT + "), leaving out those the current model on --model-topic flags.")
    String fromTopic;

    @Option(names = "--max-records", defaultValue = "10000", paramLabel = "N",
            description = "With --from-topic: most records to read, newest first (default: ${DEFAULT-VALUE}).")
    int maxRecords;

    @Option(names = "--model-type", defaultValue = "ae", paramLabel = "ae|vae",
            description = "Convolutional autoencoder (ae) or variational autoencoder (vae) (default: ${DEFAULT-VALUE}).")
    String modelType;

    @Option(names = "--denoise", defaultValue = "0", paramLabel = "SIGMA",
            description = "Train as a denoising autoencoder: Gaussian noise of this standard deviation (in [0,1] pixel"
                    + " units) on the inputs, clean targets; 0 turns it off (default: ${DEFAULT-VALUE}).")
    float denoise;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N",
            description = "Most passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "3", paramLabel = "N",
            description = "Stop early after this many epochs without a better validation loss; the best epoch's"
                    + " weights are kept (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of every random choice (weights, split, shuffling, noise); the same seed and data give"
                    + " the same model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
            description = "Images per gradient step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.002", paramLabel = "RATE",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--filters", defaultValue = "16", paramLabel = "N",
            description = "Filters of the first convolution; the second has twice as many (default: ${DEFAULT-VALUE}).")
    int filters;

    @Option(names = "--latent-size", defaultValue = "32", paramLabel = "N",
            description = "Length of the latent vector, the embedding (default: ${DEFAULT-VALUE}).")
    int latentSize;

    @Option(names = "--kl-weight", defaultValue = "1", paramLabel = "BETA",
            description = "With --model-type vae: weight of the KL term (default: ${DEFAULT-VALUE}).")
    float klWeight;

    @Option(names = "--validation-fraction", paramLabel = "F",
            description = "Share of the images held out for early stopping, calibration and comparison (default: 0.1;"
                    + " 0.2 with --from-topic, where the held-out traffic also holds the anomalies and the threshold"
                    + " rests on the part judged normal).")
    Double validationFraction;

    @Option(names = "--score-blur", defaultValue = "3", paramLabel = "K",
            description = "Score = mean square of the reconstruction error after a KxK box blur, computed in the"
                    + " ONNX graph (output 'score'); 1 scores by plain MSE (default: ${DEFAULT-VALUE}).")
    int scoreBlur;

    @Option(names = "--pixel-knn", paramLabel = "K",
            description = "Combine the reconstruction error with the mean distance to the K nearest normal thumbnails"
                    + " (7x7 pooled pixels and edges) in the ONNX graph's 'score' output; 0 scores by the"
                    + " reconstruction error alone (default: " + PixelKnn.DEFAULT_K + ", but 0 when training with"
                    + " --contamination above 0,"
                    + " the default with --from-topic). See docs/training.md.")
    Integer pixelKnn;

    @Option(names = "--pixel-knn-features", defaultValue = PixelKnn.DEFAULT_FEATURES,
            paramLabel = "pixels|edges|edges-max",
            description = "What a thumbnail of the pixel kNN term holds: pixels (each channel average-pooled to about"
                    + " 7x7), edges (those and the pooled Sobel gradients) or edges-max (those and each window's"
                    + " largest absolute gradient; default: ${DEFAULT-VALUE}).")
    String pixelKnnFeatures;

    @Option(names = "--pixel-knn-centres", defaultValue = "" + PixelKnn.DEFAULT_CENTRES, paramLabel = "N",
            description = "The pixel kNN term compares with N k-means centres of the training thumbnails; 0 compares"
                    + " with every training image (up to 8192): slower to score, no better (default: ${DEFAULT-VALUE}).")
    int pixelKnnCentres;

    @Option(names = "--pixel-knn-weight", defaultValue = "" + PixelKnn.DEFAULT_WEIGHT, paramLabel = "W",
            description = "How much the pixel kNN distance counts against the reconstruction error, as a ratio of"
                    + " z-scores on the held-out images: 1 as much, 4 four times as much (default: ${DEFAULT-VALUE}).")
    double pixelKnnWeight;

    @Option(names = "--pixel-knn-radius", defaultValue = PixelKnn.DEFAULT_RADIUS, paramLabel = "SHARE",
            description = "Share of each k-means centre's radius (the mean distance of the training images nearest"
                    + " to it) taken off the distance to it, so a sparse part of the normal images is not taken for"
                    + " anomalies: 0 none, 1 all (a bank of every training image, --pixel-knn-centres 0, has none;"
                    + " default: ${DEFAULT-VALUE}).")
    double pixelKnnRadius;

    @Option(names = "--target-fpr", defaultValue = "0.01", paramLabel = "RATE",
            description = "False-positive rate the threshold is calibrated to on held-out normal images"
                    + " (default: ${DEFAULT-VALUE}).")
    double targetFpr;

    @Option(names = "--target-precision", defaultValue = "0.7", paramLabel = "P",
            description = "With --contamination auto or above 0: the share of the flags that should be anomalies. Where"
                    + " the contamination (estimated or given) is so low that --target-fpr would flag more normal images"
                    + " than that allows, the threshold aims at a lower false-positive rate, down to a quarter of"
                    + " --target-fpr; 0 keeps --target-fpr (default: ${DEFAULT-VALUE}).")
    double targetPrecision;

    @Option(names = "--contamination", paramLabel = "auto|SHARE",
            description = "Share of anomalies in the training data (PyOD's sense): auto estimates it, a number such as"
                    + " 0.05 gives it, 0 takes the data as clean. Above 0 (or auto), training runs a screening round"
                    + " with a trimmed loss, drops the highest-scoring share, retrains, at a share of 0.06 or more"
                    + " retrains once more pushing the images judged anomalous away, and calibrates on the held-out"
                    + " images judged normal (default: auto with --from-topic, 0 with --idx and --images-dir).")
    String contamination;

    @Option(names = "--calibration", defaultValue = "fpr", paramLabel = "fpr|f1",
            description = "fpr: the --target-fpr quantile of held-out normal scores; f1: the F1-best threshold on"
                    + " held-out normal images and labelled anomalies (needs --idx) (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--image-size", defaultValue = "28", paramLabel = "PIXELS",
            description = "With --images-dir or --from-topic: images are resized to this square size, a multiple of"
                    + " 4 (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--channels", defaultValue = "1", paramLabel = "1|3",
            description = "With --images-dir or --from-topic: 1 for grey, 3 for RGB (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--output", paramLabel = "FILE.onnx",
            description = "Write the model here (atomically). An existing file is the current model a candidate must"
                    + " not score worse than.")
    Path output;

    @Option(names = "--publish", description = "Publish the model to --model-topic (key --model-name).")
    boolean publish;

    @Option(names = "--challenger",
            description = "With --publish: publish as the challenger of --model-name (key NAME#challenger), scored in"
                    + " the shadow of the serving model by every detector until 'latentwatch promote'.")
    boolean challenger;

    @Option(names = "--model-topic", defaultValue = Topics.DEFAULT_MODELS, paramLabel = "TOPIC",
            description = "Compacted topic of models, created when missing (default: ${DEFAULT-VALUE}).")
    String modelTopic;

    @Option(names = "--model-name", defaultValue = "default", paramLabel = "NAME",
            description = "Model name: metadata and record key on the models topic; detectors started with"
                    + " --model-name NAME follow it (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--force",
            description = "Write/publish even when the candidate scores worse than the current model.")
    boolean force;

    @Option(names = "--every", paramLabel = "DURATION",
            description = "Keep retraining on this ISO-8601 period, e.g. PT30M; each round re-reads the source.")
    String every;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "Sign every model with this Ed25519 private key (PEM, from 'latentwatch keygen'): a"
                    + " signature over the exact ONNX bytes in the record headers on the models topic and in"
                    + " FILE.onnx.sig next to --output. Detectors with --trusted-keys serve only signed models.")
    Path signingKey;

    @Option(names = "--retrain-on-drift", paramLabel = "PSI",
            description = "With --from-topic and --publish: follow --drift-topic and retrain when the served model's"
                    + " live score drift (PSI, combined over the detectors started with --drift-topic) rises above"
                    + " this, e.g. 0.25; runs until stopped. See docs/drift.md.")
    Double retrainOnDrift;

    @Option(names = "--min-retrain-interval", defaultValue = "PT10M", paramLabel = "DURATION",
            description = "With --retrain-on-drift: least time between two training rounds, ISO-8601"
                    + " (default: ${DEFAULT-VALUE}).")
    String minRetrainInterval;

    @Option(names = "--drift-topic", defaultValue = DriftTopic.DEFAULT, paramLabel = "TOPIC",
            description = "With --retrain-on-drift: the compacted topic of drift summaries (default: ${DEFAULT-VALUE}).")
    String driftTopic;

    /** Builds and validates the configuration; a bad value is a usage error that names the flag. */
    TrainConfig config() {
        CommandLine cl = spec.commandLine();
        try {
            Hyperparameters hp = new Hyperparameters(ModelType.parse(modelType), filters, latentSize, epochs,
                    batchSize, learningRate, denoise, patience, klWeight, seed);
            double heldOut = validationFraction != null ? validationFraction : fromTopic != null ? 0.2 : 0.1;
            return new TrainConfig(hp, modelName, heldOut, targetFpr, Calibration.Method.parse(calibration),
                    scoreBlur, output, publish, modelTopic, connection.clientProperties(), force, period(), signer(),
                    contamination(), pixelKnn(), targetPrecision);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    /** The training source named by the flags; exactly one must be given. */
    TrainingSource source(TrainConfig config, ModelTopic models) {
        CommandLine cl = spec.commandLine();
        int sources = (idx != null ? 1 : 0) + (imagesDir != null ? 1 : 0) + (fromTopic != null ? 1 : 0);
        if (sources != 1) {
            throw new CommandLine.ParameterException(cl, "give exactly one training source: --idx DIR with"
                    + " --normal-classes, --images-dir DIR, or --from-topic TOPIC");
        }
        if (idx != null) {
            if (normalClasses == null) {
                throw new CommandLine.ParameterException(cl, "--idx needs --normal-classes, e.g. --normal-classes 5,7,9");
            }
            if (!Files.isDirectory(idx)) {
                throw new CommandLine.ParameterException(cl, "--idx " + idx + ": no such directory");
            }
            if (imageSize != 28 || channels != 1) {
                // said at start rather than training a 28x28 grey model the user did not ask for
                throw new CommandLine.ParameterException(cl, "--image-size and --channels apply to --images-dir and"
                        + " --from-topic; an IDX set is 28x28 grey: leave them out, or train from a directory of"
                        + " the images");
            }
            try {
                return new IdxSource(idx, LabelSet.parse(normalClasses), 2000, seed);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--normal-classes: " + e.getMessage());
            }
        }
        if (normalClasses != null) {
            throw new CommandLine.ParameterException(cl, "--normal-classes only applies to --idx");
        }
        if (channels != 1 && channels != 3) {
            throw new CommandLine.ParameterException(cl, "--channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
        if (imageSize < 4 || imageSize % 4 != 0) {
            throw new CommandLine.ParameterException(cl, "--image-size must be a positive multiple of 4, got "
                    + imageSize);
        }
        ImagePreprocessor.Shape shape = new ImagePreprocessor.Shape(channels, imageSize, imageSize, Normalization.UNIT);
        if (imagesDir != null) {
            if (!Files.isDirectory(imagesDir)) {
                throw new CommandLine.ParameterException(cl, "--images-dir " + imagesDir + ": no such directory");
            }
            return new DirectorySource(imagesDir, shape, InputLimits.DEFAULT);
        }
        if (maxRecords < 1) {
            throw new CommandLine.ParameterException(cl, "--max-records must be at least 1, got " + maxRecords);
        }
        return new TopicSource(new TopicImages(config.kafka(), InputLimits.DEFAULT), fromTopic, maxRecords, shape,
                models, config.modelName());
    }


    private ModelSigner signer() {
        if (signingKey == null) {
            return null;
        }
        try {
            return ModelSigner.load(signingKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--signing-key " + e.getMessage(), e);
        }
    }

    /**
     * {@code --pixel-knn}, or its default: off when the training data may hold anomalies. Its bank
     * is made of the training images, so the anomalies the contamination estimate misses join it
     * and make the images like them look normal; at 10% anomalies that cost AUROC (0.92-0.95
     * against 0.94-0.97 without the term in its first form, 0.87 against 0.97 in one run of the
     * edge form, docs/training.md).
     */
    private PixelKnn.Recipe pixelKnn() {
        int k = pixelKnn != null ? pixelKnn : contamination().isNone() ? PixelKnn.DEFAULT_K : 0;
        return new PixelKnn.Recipe(k, PixelKnn.Features.parse(pixelKnnFeatures), pixelKnnCentres, pixelKnnWeight,
                pixelKnnRadius);
    }

    /** The given --contamination; without one, auto for the input topic and none for curated sources. */
    private Contamination contamination() {
        if (contamination == null) {
            return fromTopic != null ? Contamination.AUTO : Contamination.NONE;
        }
        return Contamination.parse(contamination);
    }

    /** The drift-triggered retraining settings, or null without --retrain-on-drift. */
    DriftRetraining.Settings driftSettings(TrainConfig config) {
        if (retrainOnDrift == null) {
            return null;
        }
        CommandLine cl = spec.commandLine();
        if (fromTopic == null || !config.publish()) {
            throw new CommandLine.ParameterException(cl, "--retrain-on-drift needs --from-topic and --publish: it"
                    + " retrains from the input topic and publishes to the models topic the detectors follow");
        }
        try {
            Duration interval;
            try {
                interval = Duration.parse(minRetrainInterval);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--min-retrain-interval " + minRetrainInterval
                        + " is not an ISO-8601 duration; write e.g. PT10M");
            }
            return new DriftRetraining.Settings(driftTopic, retrainOnDrift, interval, config.every(), config.kafka(),
                    config.modelTopic(), config.modelName());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    private Duration period() {
        if (every == null) {
            return null;
        }
        try {
            return Duration.parse(every);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--every " + every + " is not an ISO-8601 duration; write e.g. PT30M"
                    + " (30 minutes) or PT6H");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        TrainConfig config = config();
        if (challenger && !config.publish()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--challenger needs --publish: a challenger"
                    + " lives on the models topic");
        }
        if (ModelTopic.isChallengerKey(config.modelName())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model-name " + config.modelName()
                    + ": the suffix " + ModelTopic.CHALLENGER_SUFFIX + " is for challenger keys; pass --challenger");
        }
        DriftRetraining.Settings drift = driftSettings(config);
        if (config.publish() || fromTopic != null) {
            // before the training, which takes minutes, not after it
            KafkaConnection.check(config.kafka(), Duration.ofSeconds(30));
        }
        ModelTopic models = new ModelTopic(config.kafka(), config.modelTopic());
        TrainingSource source = source(config, models);
        PrintWriter progress = spec.commandLine().getErr();
        TrainJob job = new TrainJob(config, source, models, progress, challenger);
        if (drift != null) {
            new DriftRetraining(job, (TopicSource) source, models, drift, progress).run();
            return 0;
        }
        do {
            try {
                job.runOnce();
            } catch (UncheckedIOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (IllegalStateException e) {
                if (config.every() == null) {
                    throw e;
                }
                progress.println("training round failed, retrying at the next period: " + e.getMessage());
            }
            if (config.every() != null) {
                progress.println("next training round in " + config.every());
                Thread.sleep(config.every().toMillis());
            }
        } while (config.every() != null);
        return 0;
    }
}
