package io.latentwatch.model;

import java.util.Locale;

/** How the difference between an input and its reconstruction becomes one anomaly score. */
public enum ScoreFunction {
    /** Mean squared error over all pixels and channels. */
    MSE {
        @Override
        public float score(float[] input, float[] reconstruction, int offset, int length) {
            double sum = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                double d = input[i] - reconstruction[i];
                sum += d * d;
            }
            return (float) (sum / length);
        }
    },
    /** Mean absolute error over all pixels and channels. */
    MAE {
        @Override
        public float score(float[] input, float[] reconstruction, int offset, int length) {
            double sum = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                sum += Math.abs(input[i] - reconstruction[i]);
            }
            return (float) (sum / length);
        }
    },
    /**
     * The model's own {@code score} output, one value per image, computed inside the ONNX graph
     * (the trainer writes a blurred reconstruction error this way). A model with this score
     * function must have an output named {@code score}.
     */
    OUTPUT {
        @Override
        public float score(float[] input, float[] reconstruction, int offset, int length) {
            throw new UnsupportedOperationException("the score comes from the model's 'score' output");
        }
    };

    /** Scores one image held at {@code [offset, offset + length)} of both arrays. */
    public abstract float score(float[] input, float[] reconstruction, int offset, int length);

    /** Name as written in metadata and flags. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code mse}, {@code mae} or {@code output}. */
    public static ScoreFunction parse(String id) {
        for (ScoreFunction f : values()) {
            if (f.id().equalsIgnoreCase(id.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown score function '" + id + "': use mse, mae or output");
    }
}
