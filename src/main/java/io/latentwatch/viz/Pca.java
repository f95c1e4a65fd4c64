package io.latentwatch.viz;

/**
 * A 2-D principal component projection of vectors, for showing a latent space of more than two
 * dimensions. The two leading eigenvectors of the covariance are found by power iteration with
 * deflation, from fixed start vectors, so the same vectors always give the same picture.
 *
 * @param points    the projections, {@code [n][2]}
 * @param explained share of the total variance along each of the two axes
 */
public record Pca(float[][] points, double[] explained) {
    private static final int ITERATIONS = 500;

    /** Projects {@code vectors} ({@code [n][d]}, d at least 2) onto their two leading principal axes. */
    public static Pca project(float[][] vectors) {
        int n = vectors.length;
        if (n < 2) {
            throw new IllegalArgumentException("a projection needs at least 2 vectors, got " + n);
        }
        int d = vectors[0].length;
        double[] mean = new double[d];
        for (float[] v : vectors) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / (double) n;
            }
        }
        double[][] cov = new double[d][d];
        for (float[] v : vectors) {
            for (int a = 0; a < d; a++) {
                double da = v[a] - mean[a];
                for (int b = a; b < d; b++) {
                    cov[a][b] += da * (v[b] - mean[b]) / (n - 1);
                }
            }
        }
        double total = 0;
        for (int a = 0; a < d; a++) {
            total += cov[a][a];
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[] first = leading(cov);
        double l1 = rayleigh(cov, first);
        deflate(cov, first, l1);
        double[] second = leading(cov);
        double l2 = rayleigh(cov, second);
        float[][] points = new float[n][2];
        for (int i = 0; i < n; i++) {
            double x = 0;
            double y = 0;
            for (int j = 0; j < d; j++) {
                double c = vectors[i][j] - mean[j];
                x += c * first[j];
                y += c * second[j];
            }
            points[i][0] = (float) x;
            points[i][1] = (float) y;
        }
        double[] explained = total > 0 ? new double[] {l1 / total, l2 / total} : new double[] {0, 0};
        return new Pca(points, explained);
    }

    private static double[] leading(double[][] m) {
        int d = m.length;
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = 1.0 + 0.01 * j; // not orthogonal to any axis a real covariance has
        }
        normalise(v);
        for (int it = 0; it < ITERATIONS; it++) {
            double[] next = new double[d];
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    next[a] += m[a][b] * v[b];
                }
            }
            if (normalise(next) == 0) {
                return v;
            }
            v = next;
        }
        return v;
    }

    private static double rayleigh(double[][] m, double[] v) {
        double sum = 0;
        for (int a = 0; a < m.length; a++) {
            for (int b = 0; b < m.length; b++) {
                sum += v[a] * m[a][b] * v[b];
            }
        }
        return sum;
    }

    private static void deflate(double[][] m, double[] v, double lambda) {
        for (int a = 0; a < m.length; a++) {
            for (int b = 0; b < m.length; b++) {
                m[a][b] -= lambda * v[a] * v[b];
            }
        }
    }

    private static double normalise(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= norm;
            }
        }
        return norm;
    }
}
