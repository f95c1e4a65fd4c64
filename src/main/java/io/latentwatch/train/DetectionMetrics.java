package io.latentwatch.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Detection quality of anomaly scores against labels, anomalies being the positive class: AUROC,
 * average precision (AUPRC), and the confusion figures at a threshold (a score at or above the
 * threshold is an anomaly, as in the detector).
 */
public final class DetectionMetrics {
    private DetectionMetrics() {
    }

    /** Figures at one threshold. */
    public record AtThreshold(double threshold, long truePositives, long falsePositives, long trueNegatives,
                              long falseNegatives) {
        public double precision() {
            long flagged = truePositives + falsePositives;
            return flagged == 0 ? 0 : (double) truePositives / flagged;
        }

        public double recall() {
            long positives = truePositives + falseNegatives;
            return positives == 0 ? 0 : (double) truePositives / positives;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        /** False-positive rate: the share of normal images flagged. */
        public double fpr() {
            long negatives = falsePositives + trueNegatives;
            return negatives == 0 ? 0 : (double) falsePositives / negatives;
        }
    }

    /** Area under the ROC curve (ties count half); NaN without both classes. */
    public static double auroc(float[] scores, boolean[] anomaly) {
        Integer[] order = ascending(scores);
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (anomaly[order[k]]) {
                    rankSum += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Average precision, the step-wise area under the precision-recall curve; NaN without anomalies. */
    public static double averagePrecision(float[] scores, boolean[] anomaly) {
        Integer[] order = ascending(scores);
        long positives = IntStream.range(0, anomaly.length).filter(i -> anomaly[i]).count();
        if (positives == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long tp = 0;
        long seen = 0;
        int i = order.length - 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            long newTp = 0;
            for (int k = j; k <= i; k++) {
                if (anomaly[order[k]]) {
                    newTp++;
                }
            }
            tp += newTp;
            seen += i - j + 1;
            ap += (double) newTp / positives * ((double) tp / seen);
            i = j - 1;
        }
        return ap;
    }

    /** Confusion figures at {@code threshold}. */
    public static AtThreshold at(float[] scores, boolean[] anomaly, double threshold) {
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean flagged = scores[i] >= threshold;
            if (anomaly[i]) {
                if (flagged) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (flagged) {
                fp++;
            } else {
                tn++;
            }
        }
        return new AtThreshold(threshold, tp, fp, tn, fn);
    }

    static Integer[] ascending(float[] scores) {
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        return order;
    }
}
