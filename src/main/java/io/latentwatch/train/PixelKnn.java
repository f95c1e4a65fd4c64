package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The second term of the score ({@code --pixel-knn K}): how far an image lies from its K nearest
 * training images, compared on thumbnails (each channel average-pooled to a grid of about 7x7), in
 * Euclidean distance, averaged over the K. It sees what the autoencoder forgives: a reconstruction
 * error measures texture the network cannot redraw, while a bag, a sandal or a pullover whose
 * overall shape and brightness match no normal image is far from all of them even when it
 * reconstructs well. It needs no training: the thumbnails of the training images are the model.
 *
 * <p>The two terms are combined as {@code blur * ((knn + EPSILON) / center) ^ weight}: the blurred
 * reconstruction error multiplied by how unusual the distance is, with {@code center} the geometric
 * mean of the held-out images' distances and {@code weight} the ratio of the spreads of the two
 * terms' logarithms on the held-out images. Its logarithm is the sum of the two terms' z-scores
 * (scaled by the error's spread and shifted by its mean), so each term counts as much as the other,
 * and the score stays in the reconstruction error's units: a normal image's score is about its
 * blurred error, and the detector's histograms, calibration and drift figures keep working as
 * before. The exported graph computes it ({@link OnnxExporter}); {@link #combine} and
 * {@link #distances} are the same computation in Java, which the export is checked against.
 *
 * @param k       neighbours averaged
 * @param pool    side of the square pooling window (and its stride)
 * @param rows    thumbnail rows: {@code height / pool}
 * @param columns thumbnail columns: {@code width / pool}
 * @param dims    floats per thumbnail: {@code channels * rows * columns}
 * @param size    thumbnails in the bank
 * @param bankT   the bank, transposed: {@code [dims, size]} row-major
 * @param norms   the squared length of each thumbnail of the bank, {@code [size]}
 * @param center  geometric mean of the held-out distances
 * @param weight  exponent of the distance term
 */
public record PixelKnn(int k, int pool, int rows, int columns, int dims, int size, float[] bankT, float[] norms, double center,
                       double weight) {
    /** Most thumbnails kept in the bank (a seeded sample of the training images beyond it): bounds model size and cost. */
    public static final int MAX_BANK = 8192;
    /** Side of the thumbnail grid aimed at. */
    static final int TARGET_GRID = 7;
    /** Added to a distance before it is divided and raised, so that an exact copy of a training image scores a finite 0-ish value. */
    static final double EPSILON = 1e-6;

    /** Pooling window for images of side {@code side}: a grid of about {@link #TARGET_GRID}. */
    static int poolFor(int side) {
        return Math.max(1, side / TARGET_GRID);
    }

    /**
     * Builds the term from the training images (the bank) and weighs it against the blurred error
     * on the held-out images.
     *
     * @param bank            images taken as normal, whose thumbnails become the bank
     * @param heldOut         held-out images, never in the bank
     * @param heldOutBlur     the blurred-error score of each held-out image, as ONNX Runtime computes it
     * @param k               neighbours to average
     * @param seed            seeds the sample of the bank when there are more than {@link #MAX_BANK} images
     */
    static PixelKnn fit(Images bank, Images heldOut, float[] heldOutBlur, int k, long seed) {
        PixelKnn unweighted = bank(bank, k, seed);
        return unweighted.weighed(heldOutBlur, unweighted.distances(heldOut));
    }

    /**
     * The term's bank, not yet weighed ({@code center} and {@code weight} 1): enough to take
     * {@link #distances}, which do not depend on the weighing.
     *
     * @param bank images taken as normal, whose thumbnails become the bank
     * @param k    neighbours to average
     * @param seed seeds the sample of the bank when there are more than {@link #MAX_BANK} images
     */
    static PixelKnn bank(Images bank, int k, long seed) {
        if (bank.count() < 1) {
            throw new IllegalArgumentException("no training images for the pixel kNN bank");
        }
        int pool = poolFor(Math.min(bank.height(), bank.width()));
        int rows = bank.height() / pool;
        int columns = bank.width() / pool;
        int dims = bank.channels() * rows * columns;
        int[] chosen = sample(bank.count(), MAX_BANK, seed);
        int size = chosen.length;
        float[] bankT = new float[dims * size];
        float[] norms = new float[size];
        float[] thumb = new float[dims];
        for (int j = 0; j < size; j++) {
            thumbnail(bank, chosen[j], pool, rows, columns, thumb);
            double norm = 0;
            for (int d = 0; d < dims; d++) {
                bankT[d * size + j] = thumb[d];
                norm += (double) thumb[d] * thumb[d];
            }
            norms[j] = (float) norm;
        }
        return new PixelKnn(Math.min(k, size), pool, rows, columns, dims, size, bankT, norms, 1, 1);
    }

    /**
     * This bank weighed against the blurred error on held-out images, given each one's blurred
     * error and its {@link #distances distance}.
     */
    PixelKnn weighed(float[] heldOutBlur, double[] heldOutDistances) {
        double[] logBlur = new double[heldOutBlur.length];
        double[] logKnn = new double[heldOutDistances.length];
        for (int i = 0; i < logBlur.length; i++) {
            logBlur[i] = Math.log(Math.max(heldOutBlur[i], 1e-30));
            logKnn[i] = Math.log(heldOutDistances[i] + EPSILON);
        }
        double spreadKnn = standardDeviation(logKnn);
        double weight = spreadKnn > 0 ? standardDeviation(logBlur) / spreadKnn : 1;
        if (!Double.isFinite(weight) || weight <= 0) {
            weight = 1;
        }
        double center = Math.exp(mean(logKnn));
        if (!Double.isFinite(center) || center <= 0) {
            center = 1;
        }
        return new PixelKnn(k, pool, rows, columns, dims, size, bankT, norms, center, weight);
    }

    /** The combined score of an image with blurred error {@code blur} and kNN distance {@code distance}. */
    public double combine(double blur, double distance) {
        return blur * Math.pow((distance + EPSILON) / center, weight);
    }

    /** {@link #combine} of each pair of blurred error and distance. */
    public double[] combined(float[] blur, double[] distances) {
        double[] out = new double[blur.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = combine(blur[i], distances[i]);
        }
        return out;
    }

    /** The mean distance of each image to its {@link #k} nearest thumbnails of the bank, in double precision. */
    public double[] distances(Images images) {
        double[] out = new double[images.count()];
        float[] thumb = new float[dims];
        double[] nearest = new double[size];
        for (int i = 0; i < images.count(); i++) {
            thumbnail(images, i, pool, rows, columns, thumb);
            for (int j = 0; j < size; j++) {
                double sum = 0;
                for (int d = 0; d < dims; d++) {
                    double diff = thumb[d] - bankT[d * size + j];
                    sum += diff * diff;
                }
                nearest[j] = sum;
            }
            Arrays.sort(nearest);
            double mean = 0;
            for (int n = 0; n < k; n++) {
                mean += Math.sqrt(nearest[n]);
            }
            out[i] = mean / k;
        }
        return out;
    }

    /** What the model's metadata says of the term. */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("k", k);
        s.put("thumbnail", rows + "x" + columns + " (average pool " + pool + "x" + pool + ")");
        s.put("bank_images", size);
        s.put("center", center);
        s.put("weight", weight);
        return s;
    }

    /** Average-pools each channel of image {@code index} in {@code pool x pool} windows, {@code rows x columns} of them. */
    static void thumbnail(Images images, int index, int pool, int rows, int columns, float[] out) {
        int h = images.height();
        int w = images.width();
        int base = index * images.imageSize();
        int d = 0;
        for (int c = 0; c < images.channels(); c++) {
            int plane = base + c * h * w;
            for (int gy = 0; gy < rows; gy++) {
                for (int gx = 0; gx < columns; gx++) {
                    double sum = 0;
                    for (int y = gy * pool; y < gy * pool + pool; y++) {
                        for (int x = gx * pool; x < gx * pool + pool; x++) {
                            sum += images.pixels()[plane + y * w + x];
                        }
                    }
                    out[d++] = (float) (sum / (pool * pool));
                }
            }
        }
    }

    /** All of {@code 0..count-1} in order, or a seeded sample of {@code max} of them, in order. */
    private static int[] sample(int count, int max, long seed) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        if (count <= max) {
            return all;
        }
        Random random = new Random(seed);
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(count - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = Arrays.copyOf(all, max);
        Arrays.sort(chosen);
        return chosen;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }

    private static double standardDeviation(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / (values.length - 1));
    }
}
