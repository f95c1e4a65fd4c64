package io.latentwatch.metrics;

/**
 * Distances between a sample of live scores and a model's {@link ReferenceDistribution}.
 *
 * <p>The population stability index (PSI) bins scores at the reference deciles (10 bins of 10%
 * reference mass each; bins whose edges coincide, as when many validation scores are equal, are
 * merged) and sums {@code (live - ref) * ln(live / ref)} over the bins, with each fraction floored
 * at {@value #PSI_FLOOR} so that an empty bin gives a large but finite term. The usual reading:
 * below 0.1 stable, 0.1-0.25 a moderate shift, above 0.25 a significant shift.
 *
 * <p>The Kolmogorov-Smirnov (KS) statistic is the largest distance between the live empirical CDF
 * and the reference CDF, 0 (same) to 1 (disjoint). It is exact for the reference as stored: both
 * CDFs are evaluated, with their left limits, at every live score and every reference quantile,
 * between which neither can move further apart.
 */
public final class DriftStatistics {
    /** Floor on bin fractions in the PSI, standing in for an empty bin. */
    public static final double PSI_FLOOR = 1e-4;
    private static final int DECILE_STEP = 10;

    private DriftStatistics() {
    }

    /**
     * Population stability index of the live scores against the reference.
     *
     * @param sorted live scores, ascending; the first {@code n} are used
     */
    public static double psi(float[] sorted, int n, ReferenceDistribution reference) {
        requireSample(n);
        double[] q = reference.quantiles();
        double psi = 0;
        double refBelow = 0;
        double liveBelow = 0;
        double previousEdge = Double.NEGATIVE_INFINITY;
        for (int k = DECILE_STEP; k <= q.length - 1; k += DECILE_STEP) {
            boolean last = k == q.length - 1;
            double edge = last ? Double.POSITIVE_INFINITY : q[k];
            if (edge == previousEdge) {
                continue;
            }
            double refUpTo = last ? 1 : reference.cdf(edge);
            double liveUpTo = last ? 1 : (double) upperBound(sorted, n, edge) / n;
            psi += term(liveUpTo - liveBelow, refUpTo - refBelow);
            refBelow = refUpTo;
            liveBelow = liveUpTo;
            previousEdge = edge;
        }
        return psi;
    }

    /**
     * Kolmogorov-Smirnov statistic of the live scores against the reference.
     *
     * @param sorted live scores, ascending; the first {@code n} are used
     */
    public static double ks(float[] sorted, int n, ReferenceDistribution reference) {
        requireSample(n);
        double d = 0;
        for (int i = 0; i < n; i++) {
            d = Math.max(d, distanceAt(sorted, n, sorted[i], reference));
        }
        for (double x : reference.quantiles()) {
            d = Math.max(d, distanceAt(sorted, n, x, reference));
        }
        return d;
    }

    private static double distanceAt(float[] sorted, int n, double x, ReferenceDistribution reference) {
        double at = Math.abs((double) upperBound(sorted, n, x) / n - reference.cdf(x));
        double below = Math.abs((double) lowerBound(sorted, n, x) / n - reference.cdfBelow(x));
        return Math.max(at, below);
    }

    private static double term(double live, double ref) {
        double a = Math.max(live, PSI_FLOOR);
        double e = Math.max(ref, PSI_FLOOR);
        return (a - e) * Math.log(a / e);
    }

    /** Number of the first {@code n} sorted values that are {@code <= x}. */
    private static int upperBound(float[] sorted, int n, double x) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of the first {@code n} sorted values that are {@code < x}. */
    private static int lowerBound(float[] sorted, int n, double x) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void requireSample(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("no live scores to compare");
        }
    }
}
