package io.latentwatch.viz;

import ai.onnxruntime.OrtException;
import io.latentwatch.heatmap.AnomalyMaps;
import io.latentwatch.heatmap.ImageShape;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;

import java.util.Arrays;
import java.util.Locale;

/**
 * One image scored by a model, with what is needed to show why: the input as the model saw it,
 * the reconstruction, the per-pixel error map ({@link AnomalyMaps#errors}) and the score exactly as
 * the detector computes it.
 *
 * @param input          the model input, {@code [C, H, W]}
 * @param reconstruction the model's reconstruction, same layout
 * @param errors         per-pixel error in display units, {@code [H, W]}
 * @param score          the anomaly score
 * @param threshold      the model's threshold
 * @param shape          the input's shape and normalisation
 */
public record Explanation(float[] input, float[] reconstruction, float[] errors, float score, double threshold,
                          ImageShape shape) {

    /** Scores one model input ({@code [C, H, W]}, already preprocessed) and keeps its reconstruction. */
    public static Explanation of(OnnxAutoencoder model, float[] input) throws OrtException {
        ImageShape shape = ImageShape.of(model.info());
        if (input.length != shape.size()) {
            throw new IllegalArgumentException("the input has " + input.length + " floats; the model takes "
                    + shape.size());
        }
        InferenceBatch batch = model.newBatch(1);
        System.arraycopy(input, 0, batch.pixels(), 0, input.length);
        Scores scores = model.scoreAndReconstruct(batch, 1);
        float[] reconstruction = Arrays.copyOf(batch.reconstructions(), shape.size());
        return new Explanation(input.clone(), reconstruction, AnomalyMaps.errors(input, reconstruction, 0, shape),
                scores.scores()[0], model.info().threshold(), shape);
    }

    /** Whether the detector would flag the image: score at or above the threshold. */
    public boolean anomaly() {
        return score >= threshold;
    }

    /** Mean of the error map over a rectangle of input pixels. */
    public double meanError(int x, int y, int width, int height) {
        double sum = 0;
        for (int py = y; py < y + height; py++) {
            for (int px = x; px < x + width; px++) {
                sum += errors[py * shape.width() + px];
            }
        }
        return sum / ((double) width * height);
    }

    /** The picture's title line: score, threshold and verdict. */
    public String title() {
        return String.format(Locale.ROOT, "score %.5f, threshold %.5f: %s", score, threshold,
                anomaly() ? "anomaly" : "normal");
    }
}
