package io.latentwatch.stream;

import ai.onnxruntime.OrtException;
import io.latentwatch.metrics.ChallengerMetrics;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a batch with the challenger, in the shadow of the serving model: the same preprocessed
 * images (mapped to the challenger's pixel normalisation when it has another), in a buffer of its
 * own. Whatever happens here changes no decision: a challenger that fails gives no verdicts, and
 * the failure is counted ({@code latentwatch_challenger_comparisons_total{outcome="failed"}}) and
 * logged once per challenger. Not thread-safe: one per processor.
 */
final class ShadowScorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowScorer.class);
    private final ChallengerMetrics metrics;
    private InferenceBatch batch;
    private OnnxAutoencoder batchModel;
    private String loggedFailureOf;

    ShadowScorer(ChallengerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The challenger's verdicts on the first {@code count} images of the serving model's batch, or
     * null when it could not score them.
     *
     * @param challenger the challenger's lease, taken for this batch
     * @param serving    the serving model, whose input the batch holds
     */
    OutputRecords.Challenger[] score(ModelRegistry.Lease challenger, ModelInfo serving, InferenceBatch servingBatch,
                                     int count) {
        OnnxAutoencoder model = challenger.model();
        ModelInfo info = model.info();
        if (info.channels() != serving.channels() || info.height() != serving.height()
                || info.width() != serving.width()) {
            // a serving model of another shape arrived (--allow-input-change) after the challenger was loaded
            return failed(info, count, "it takes " + info.channels() + "x" + info.height() + "x" + info.width()
                    + " images and the serving model " + serving.version() + " takes " + serving.channels() + "x"
                    + serving.height() + "x" + serving.width(), null);
        }
        prepare(model, servingBatch.capacity());
        copy(servingBatch.pixels(), batch.pixels(), count * info.imageSize(), serving.normalization(),
                info.normalization());
        Scores scores;
        try {
            scores = model.score(batch, count);
        } catch (OrtException | RuntimeException e) {
            return failed(info, count, "inference failed: " + e.getMessage(), e);
        }
        OutputRecords.Challenger[] verdicts = new OutputRecords.Challenger[count];
        for (int i = 0; i < count; i++) {
            float score = scores.scores()[i];
            verdicts[i] = new OutputRecords.Challenger(info.version(), score, info.threshold(),
                    score >= info.threshold());
        }
        return verdicts;
    }

    private OutputRecords.Challenger[] failed(ModelInfo info, int count, String why, Exception cause) {
        metrics.failed(count);
        if (!info.sha256().equals(loggedFailureOf)) {
            loggedFailureOf = info.sha256();
            LOG.warn("challenger {} cannot score in the shadow ({}); the records are served without its verdict"
                    + " (counted in latentwatch_challenger_comparisons_total{{outcome=\"failed\"}}; logged once per"
                    + " challenger)", info.version(), why, cause);
        }
        return null;
    }

    /** Copies the serving model's input, mapped from its pixel normalisation to the challenger's. */
    static void copy(float[] from, float[] to, int length, Normalization serving, Normalization challenger) {
        if (serving.scale() == challenger.scale() && serving.offset() == challenger.offset()) {
            System.arraycopy(from, 0, to, 0, length);
            return;
        }
        // x = scale * p + offset for both: p = (x - offset1) / scale1, then scale2 * p + offset2
        float scale = challenger.scale() / serving.scale();
        float offset = challenger.offset() - serving.offset() * scale;
        for (int i = 0; i < length; i++) {
            to[i] = from[i] * scale + offset;
        }
    }

    private void prepare(OnnxAutoencoder model, int capacity) {
        if (batchModel == model && batch.capacity() >= capacity) {
            return;
        }
        if (batch == null || batch.imageSize() != model.info().imageSize() || batch.capacity() < capacity) {
            if (batch != null) {
                batch.close();
            }
            batch = model.newBatch(capacity);
        }
        batchModel = model;
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.close();
        }
    }
}
