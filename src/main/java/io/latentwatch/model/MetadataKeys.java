package io.latentwatch.model;

/**
 * The {@code metadata_props} keys of a latentwatch model. Every key is optional: a model exported
 * by a user from PyTorch or Keras carries none and is served with the threshold and normalisation
 * given on the command line.
 */
public final class MetadataKeys {
    /** Prefix of every latentwatch key. */
    public static final String PREFIX = "latentwatch.";
    /** Model name: the key of its record on the models topic. */
    public static final String NAME = PREFIX + "name";
    /** Version stamped on every output record. Without it the version is {@code sha256:<12 hex>}. */
    public static final String VERSION = PREFIX + "version";
    /** {@code ae}, {@code vae}, or anything a user writes. */
    public static final String MODEL_TYPE = PREFIX + "model_type";
    /** Anomaly threshold on the score: a score at or above it is an anomaly. */
    public static final String THRESHOLD = PREFIX + "threshold";
    /** How a reconstruction becomes a score; see {@link ScoreFunction}. */
    public static final String SCORE_FUNCTION = PREFIX + "score_function";
    /** How 8-bit pixels become model inputs; see {@link Normalization}. */
    public static final String NORMALIZATION = PREFIX + "normalization";
    /** Free text (JSON by the trainer) describing the training data. */
    public static final String TRAINING_DATA = PREFIX + "training_data";
    /** Quantile of validation scores the threshold was calibrated to. */
    public static final String CALIBRATION_QUANTILE = PREFIX + "calibration_quantile";
    /** JSON object with the validation figures of the training run. */
    public static final String VALIDATION = PREFIX + "validation";
    /**
     * The validation score distribution, the reference for drift monitoring: JSON
     * {@code {"count": N, "quantiles": [q0, q1, ..., q100]}} with the 0%, 1%, ..., 100% quantiles
     * (101 ascending values) of the scores of the held-out normal images.
     */
    public static final String VALIDATION_SCORES = PREFIX + "validation_scores";
    /**
     * JSON object describing the anomalies in the training data of a model trained on data that
     * may hold them (the input topic): the setting ({@code auto} or a share), the share acted on,
     * the estimate and how it was made, and how many images were trimmed or dropped. Absent for
     * models trained on data taken as clean.
     */
    public static final String CONTAMINATION = PREFIX + "contamination";
    /** ISO-8601 instant at which the model was made. */
    public static final String CREATED_AT = PREFIX + "created_at";

    private MetadataKeys() {
    }
}
