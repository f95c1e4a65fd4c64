package io.latentwatch.train;

import java.util.Arrays;

/**
 * A robust estimate of the share of anomalies among scored images, made without labels: the
 * scores are taken on a log scale (reconstruction errors are skewed; their logarithm is close to
 * symmetric for normal images), the bulk is located by the median and its spread by the median
 * absolute deviation (scaled to a standard deviation), and every score more than {@code k} such
 * deviations above the median counts as an anomaly. Median and MAD ignore up to half of the data,
 * so the anomalies do not move the yardstick they are measured with.
 *
 * <p>The estimate is only as good as the network whose scores it reads: one that has learned
 * part of the anomalies scores them inside the bulk. {@link ContaminatedTraining} therefore
 * estimates with its last, refined network, trained on the images left after two rounds of
 * leaving out the highest-scoring ones.
 *
 * @param share     share of the scores above {@code cut}
 * @param cut       the score above which an image counts as an anomaly
 * @param median    median score
 * @param logSpread MAD of the log scores, scaled by 1.4826
 */
public record ContaminationEstimate(double share, double cut, double median, double logSpread) {
    /** Deviations above the median at which an image counts as an anomaly. */
    public static final double DEFAULT_K = 4.0;
    /** How the estimate is made, as written into the model metadata. */
    public static final String RULE = "share of training images that the refined network scores more than "
            + DEFAULT_K + " MADs above the median (log scale); images left out by the current model count as"
            + " anomalies";
    private static final double MAD_TO_SIGMA = 1.4826;

    /** The estimate from {@code scores} (positive) at {@link #DEFAULT_K} deviations. */
    public static ContaminationEstimate of(float[] scores) {
        return of(scores, DEFAULT_K);
    }

    /** The estimate from {@code scores} (positive) at {@code k} deviations. */
    public static ContaminationEstimate of(float[] scores, double k) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no scores to estimate the contamination from");
        }
        double[] logs = logs(scores, scores.length);
        double median = median(logs.clone());
        double spread = spread(logs, median);
        double logCut = median + k * spread;
        long above = Arrays.stream(logs).filter(l -> l > logCut).count();
        return new ContaminationEstimate((double) above / scores.length, Math.exp(logCut), Math.exp(median), spread);
    }

    /** The logarithms of the first {@code count} of {@code scores} (positive; zero taken as the smallest float). */
    static double[] logs(float[] scores, int count) {
        double[] logs = new double[count];
        for (int i = 0; i < count; i++) {
            logs[i] = Math.log(Math.max(scores[i], Float.MIN_NORMAL));
        }
        return logs;
    }

    /** {@code k} MADs (scaled to a standard deviation) above the median of {@code values}. */
    static double aboveMedian(double[] values, double k) {
        double median = median(values.clone());
        return median + k * spread(values, median);
    }

    /** The MAD of {@code values} about {@code median}, scaled to a standard deviation. */
    static double spread(double[] values, double median) {
        return MAD_TO_SIGMA * median(Arrays.stream(values).map(v -> Math.abs(v - median)).toArray());
    }

    /** The median of {@code values}, which it sorts. */
    static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
