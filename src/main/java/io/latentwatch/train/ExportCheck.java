package io.latentwatch.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.latentwatch.data.Images;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.OnnxNatives;

import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * Runs an exported model in ONNX Runtime on the reference batch of a training run and compares
 * its {@code reconstruction} and {@code embedding} with DJL's forward pass.
 */
public final class ExportCheck {
    /** Largest absolute difference between ONNX Runtime and DJL that an export may show. */
    public static final double TOLERANCE = 1e-4;

    private ExportCheck() {
    }

    /** Largest absolute difference over both outputs. */
    public static double maxAbsDifference(byte[] onnx, TrainingResult result) {
        Images images = result.referenceImages();
        OnnxNatives.prepare();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.pixels()),
                         new long[] {images.count(), images.channels(), images.height(), images.width()});
                 OrtSession.Result out = session.run(Map.of(OnnxExporter.INPUT, input))) {
                float[] reconstruction = floats(out, OnnxAutoencoder.RECONSTRUCTION);
                float[] embedding = floats(out, OnnxAutoencoder.EMBEDDING);
                return Math.max(maxAbsDifference(reconstruction, result.referenceReconstruction()),
                        maxAbsDifference(embedding, result.referenceEmbedding()));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run the exported model: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses an export that differs from DJL by more than {@link #TOLERANCE}.
     *
     * @return the measured difference
     * @throws IllegalStateException naming the difference, when over the tolerance
     */
    public static double verify(byte[] onnx, TrainingResult result) {
        double diff = maxAbsDifference(onnx, result);
        if (!(diff <= TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "the exported ONNX model differs from the trained DJL network by %.3g (max abs, over %d"
                            + " validation images; limit %.0e); nothing was written or published", diff,
                    result.referenceImages().count(), TOLERANCE));
        }
        return diff;
    }

    /**
     * Runs the exported model's {@code score} output on {@code images} in ONNX Runtime and compares
     * it with {@code expected} (computed in Java from the same parts), relative to each expected
     * score; refuses an export over {@link #TOLERANCE}. An expected NaN marks an image that cannot
     * check the export (its nearest neighbours tie), which is left out.
     *
     * @return the largest relative difference
     * @throws IllegalStateException naming the difference, when over the tolerance
     */
    public static double verifyScores(byte[] onnx, Images images, double[] expected) {
        float[] actual = ExportedScores.of(onnx, images);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                continue;
            }
            double d = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), Float.MIN_NORMAL);
            if (!(d <= max)) {
                max = d;
            }
        }
        if (!(max <= TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "the exported ONNX model's score differs from the trainer's by %.3g (max relative, over %d"
                            + " held-out images; limit %.0e); nothing was written or published", max, expected.length,
                    TOLERANCE));
        }
        return max;
    }

    private static float[] floats(OrtSession.Result out, String name) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) out.get(name).orElseThrow(
                () -> new IllegalStateException("the exported model has no output " + name));
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (!(d <= max)) {
                max = d;
            }
        }
        return max;
    }
}
