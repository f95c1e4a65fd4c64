package io.latentwatch.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distribution of validation scores, written into {@code latentwatch.validation_scores} as the
 * reference for drift monitoring: {@code count} and {@code quantiles}, the 0%, 1%, ..., 100%
 * quantiles (101 ascending values, the form {@link io.latentwatch.model.MetadataKeys#VALIDATION_SCORES}
 * fixes and the detector reads), plus, for people, mean, standard deviation, min, max, a few named
 * tail quantiles and a 20-bin histogram over {@code [min, max]}.
 */
public final class ScoreSummary {
    private static final double[] TAIL_QUANTILES = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
    private static final int PERCENTILES = 101;
    private static final int BINS = 20;

    private ScoreSummary() {
    }

    /** The summary as a JSON-ready map. */
    public static Map<String, Object> of(float[] scores) {
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double mean = 0;
        for (float s : sorted) {
            mean += s;
        }
        mean /= n;
        double var = 0;
        for (float s : sorted) {
            var += (s - mean) * (s - mean);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", n);
        json.put("mean", mean);
        json.put("std", Math.sqrt(var / n));
        json.put("min", sorted[0]);
        json.put("max", sorted[n - 1]);
        double[] percentiles = new double[PERCENTILES];
        for (int i = 0; i < PERCENTILES; i++) {
            percentiles[i] = quantile(sorted, i / 100.0);
        }
        json.put("quantiles", percentiles);
        Map<String, Object> tail = new LinkedHashMap<>();
        for (double q : TAIL_QUANTILES) {
            tail.put(Double.toString(q), quantile(sorted, q));
        }
        json.put("named_quantiles", tail);
        double width = (sorted[n - 1] - sorted[0]) / BINS;
        long[] counts = new long[BINS];
        for (float s : sorted) {
            int bin = width == 0 ? 0 : (int) Math.min(BINS - 1, (s - sorted[0]) / width);
            counts[bin]++;
        }
        double[] edges = new double[BINS + 1];
        for (int i = 0; i <= BINS; i++) {
            edges[i] = sorted[0] + i * width;
        }
        json.put("histogram", Map.of("edges", edges, "counts", counts));
        return json;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(float[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Keys of {@code named_quantiles}, for docs and tests. */
    public static List<Double> namedQuantiles() {
        return Arrays.stream(TAIL_QUANTILES).boxed().toList();
    }
}
