package io.latentwatch.train;

import io.latentwatch.security.ModelSigner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one {@code latentwatch train} job runs with. Defaults live in the CLI option
 * definitions; this record holds and checks values.
 *
 * @param hyperparameters    how the network is trained
 * @param modelName          model name: metadata and the record key on the models topic
 * @param validationFraction share of the normal images held out for early stopping, calibration
 *                           and model comparison
 * @param targetFpr          false-positive rate the threshold is calibrated to
 * @param calibration        {@code fpr} (quantile of normal scores) or {@code f1} (needs labels)
 * @param scoreBlur          box filter size applied to the reconstruction error before it is squared
 *                           and averaged into the score; 1 scores by plain MSE
 * @param output             ONNX file to write, or null
 * @param publish            whether to publish to {@code modelTopic}
 * @param modelTopic         the compacted models topic
 * @param kafka              Kafka client properties (bootstrap servers and {@code --kafka-config})
 * @param force              publish/write even when the candidate scores worse than the current model
 * @param every              retrain on this period; null trains once
 * @param signer             signs every model it delivers ({@code --signing-key}): record headers on the
 *                           models topic and {@code output + ".sig"}; null delivers unsigned models
 * @param contamination      share of anomalies in the training data: {@link Contamination#NONE} trains
 *                           the plain way on data taken as clean; {@code auto} or a share trains with
 *                           screening rounds and a trimmed loss ({@link ContaminatedTraining}) and
 *                           calibrates on the held-out images judged normal
 * @param pixelKnn           the pixel kNN term of the score ({@link PixelKnn}); {@link PixelKnn.Recipe#OFF}
 *                           scores by the reconstruction error alone
 */
public record TrainConfig(Hyperparameters hyperparameters, String modelName, double validationFraction,
                          double targetFpr, Calibration.Method calibration, int scoreBlur, Path output, boolean publish,
                          String modelTopic, Map<String, Object> kafka, boolean force, Duration every,
                          ModelSigner signer,
                          Contamination contamination, PixelKnn.Recipe pixelKnn, double targetPrecision) {

    /** A configuration that delivers unsigned models, for data taken as clean ({@link Contamination#NONE}). */
    public TrainConfig(Hyperparameters hyperparameters, String modelName, double validationFraction,
                       double targetFpr, Calibration.Method calibration, int scoreBlur, Path output, boolean publish,
                       String modelTopic, Map<String, Object> kafka, boolean force, Duration every) {
        this(hyperparameters, modelName, validationFraction, targetFpr, calibration, scoreBlur, output, publish,
                modelTopic, kafka, force, every, null, Contamination.NONE, PixelKnn.Recipe.OFF, 0);
    }

    public TrainConfig {
        Objects.requireNonNull(hyperparameters, "hyperparameters");
        Objects.requireNonNull(contamination, "contamination");
        Objects.requireNonNull(pixelKnn, "pixelKnn");
        kafka = Map.copyOf(kafka);
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("--model-name must not be empty");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--validation-fraction must be between 0 and 1 (exclusive), got "
                    + validationFraction);
        }
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("--target-fpr must be between 0 and 1 (exclusive), got " + targetFpr);
        }
        if (!(targetPrecision >= 0 && targetPrecision < 1)) {
            throw new IllegalArgumentException("--target-precision must be at least 0 and below 1 (0 keeps"
                    + " --target-fpr whatever the contamination), got " + targetPrecision);
        }
        if (scoreBlur < 1 || scoreBlur % 2 == 0) {
            throw new IllegalArgumentException("--score-blur must be 1 (plain MSE) or an odd filter size such as 3,"
                    + " got " + scoreBlur);
        }
        if (output == null && !publish) {
            throw new IllegalArgumentException("nowhere to put the model: pass --output FILE.onnx and/or --publish");
        }
        if (every != null && (every.isNegative() || every.isZero())) {
            throw new IllegalArgumentException("--every must be a positive ISO-8601 duration such as PT30M, got "
                    + every);
        }
    }
}
