package io.latentwatch.train;

import java.util.Arrays;

/**
 * How clearly two models single out the highest-scoring share of the same unlabelled images,
 * measured against the images neither of them singles out (see
 * {@link ModelComparison#compareUnlabelled}).
 *
 * @param candidate separation of the first model's scores
 * @param current   separation of the second model's scores
 * @param trimmed   images that neither model marked
 */
record Separation(double candidate, double current, int trimmed) {
    /** Least share marked: a handful of images is too few to tell two models apart. */
    static final double MIN_SHARE = 0.01;
    private static final double MAD_TO_SIGMA = 1.4826;

    /**
     * The separations of {@code a} and {@code b}, scores of the same images, marking the top
     * {@code share} (at least {@link #MIN_SHARE}, and at least one image).
     */
    static Separation of(float[] a, float[] b, double share) {
        if (a.length != b.length || a.length < 3) {
            throw new IllegalArgumentException("separation needs the two models' scores of the same 3 or more images");
        }
        double s = Math.max(Math.max(share, MIN_SHARE), 1.0 / a.length);
        boolean[] keptA = Trimming.keepLowest(a, s);
        boolean[] keptB = Trimming.keepLowest(b, s);
        boolean[] both = new boolean[a.length];
        int trimmed = 0;
        for (int i = 0; i < a.length; i++) {
            both[i] = keptA[i] && keptB[i];
            trimmed += both[i] ? 1 : 0;
        }
        if (trimmed < 2) {
            throw new IllegalArgumentException("share " + share + " leaves too few images that both models take as"
                    + " normal");
        }
        return new Separation(of(a, keptA, both), of(b, keptB, both), trimmed);
    }

    private static double of(float[] scores, boolean[] kept, boolean[] reference) {
        double[] logs = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            logs[i] = Math.log(Math.max(scores[i], Float.MIN_NORMAL));
        }
        double[] ref = new double[scores.length];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (reference[i]) {
                ref[n++] = logs[i];
            }
        }
        ref = Arrays.copyOf(ref, n);
        double median = median(ref.clone());
        for (int i = 0; i < n; i++) {
            ref[i] = Math.abs(ref[i] - median);
        }
        double spread = Math.max(MAD_TO_SIGMA * median(ref), 1e-12);
        double sum = 0;
        int marked = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!kept[i]) {
                sum += (logs[i] - median) / spread;
                marked++;
            }
        }
        return sum / marked;
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
