package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The second term of the score ({@code --pixel-knn K}): how far an image lies from its K nearest
 * normal images, compared on thumbnails, in Euclidean distance, averaged over the K. It sees what
 * the autoencoder forgives: a reconstruction error measures texture the network cannot redraw,
 * while a bag, a sandal or a pullover whose overall shape and brightness match no normal image is
 * far from all of them even when it reconstructs well. It needs no training beyond a k-means.
 *
 * <p>A thumbnail is each channel average-pooled to a grid of about 7x7 ({@link Features#PIXELS}),
 * and with {@link Features#EDGES} also its Sobel gradients: twice the horizontal and vertical
 * derivative (3x3 Sobel, zero padding) and twice their absolute values, each pooled the same way,
 * five planes per channel; {@link Features#EDGES_MAX} adds the largest absolute gradient of each
 * window, seven planes. The edges tell a collar, a strap or a sleeve from a plain shape of the same
 * brightness, and the maxima a placket or a collar from the plain cloth around it. The bank is the
 * thumbnails of the training images, or with {@code centres > 0} (the default, 500) their k-means
 * centres: as good a reference as every training image (better, on the one-class benchmark), at a
 * fraction of the cost per scored image. With a {@code radius} share, each centre's radius (the
 * mean distance of the training images nearest to it, shrunk towards the mean over all centres)
 * is taken off the distance to it: an image is then measured against how widely the normal images
 * spread around the centres it is near, so a sparse kind of normal image is not taken for an
 * anomaly just for lying far from its centre.
 *
 * <p>The two terms are combined as
 * {@code blurCenter * (blur / blurCenter) ^ blurExponent * ((knn + EPSILON) / center) ^ weight}, with
 * {@code blurCenter} and {@code center} the geometric means of the held-out images' blurred errors
 * and distances. On the log scale that is the sum of the two terms' z-scores, the distance's
 * multiplied by the recipe's relative weight, rescaled so that on the held-out images the score's
 * logarithm has the mean and the spread of the error's: the score stays in the reconstruction
 * error's units and range (a typical normal image scores about its blurred error), so the
 * detector's fixed histogram buckets, calibration and drift figures keep working as before. The
 * exported graph computes it ({@link OnnxExporter}); {@link #combine} and {@link #distances} are
 * the same computation in Java, which the export is checked against.
 *
 * @param k              neighbours averaged
 * @param features       what a thumbnail holds
 * @param pool           side of the square pooling window (and its stride)
 * @param rows           thumbnail rows: {@code height / pool}
 * @param columns        thumbnail columns: {@code width / pool}
 * @param dims           floats per thumbnail: {@code planes * rows * columns}
 * @param size           thumbnails (or centres) in the bank
 * @param sourceImages   training images the bank was made from
 * @param bank           the thumbnails of the bank: {@code [size, dims]} row-major
 * @param norms          the squared length of each thumbnail of the bank, {@code [size]}
 * @param radii          what is taken off the distance to each thumbnail of the bank ({@code --pixel-knn-radius}
 *                       times the centre's radius), {@code [size]}; null when nothing is
 * @param radiusShift    added back to the mean, so that the distance stays positive: the largest of {@code radii}
 * @param relativeWeight how much the distance counts against the error ({@code --pixel-knn-weight})
 * @param blurCenter     geometric mean of the held-out blurred errors
 * @param blurExponent   exponent of the error term
 * @param center         geometric mean of the held-out distances
 * @param weight         exponent of the distance term
 */
public record PixelKnn(int k, Features features, int pool, int rows, int columns, int dims, int size, int sourceImages,
                       float[] bank, float[] norms, float[] radii, double radiusShift, double relativeWeight,
                       double blurCenter, double blurExponent, double center, double weight) {
    /** Most training images whose thumbnails are taken (a seeded sample beyond it): bounds cost and, without centres, model size. */
    public static final int MAX_BANK = 8192;
    /** Side of the thumbnail grid aimed at. */
    static final int TARGET_GRID = 7;
    /** Added to a distance before it is divided and raised, so that an exact copy of a training image scores a finite 0-ish value. */
    static final double EPSILON = 1e-6;
    /**
     * Gap between the k-th and the next squared distance, relative to the squared lengths of the
     * thumbnails, below which ONNX Runtime may rank the two either way (about 170 times float's
     * precision).
     */
    static final double TIE = 1e-5;
    /** Rounds of Lloyd's algorithm at most when the bank is made of k-means centres. */
    static final int KMEANS_ROUNDS = 25;
    /** The horizontal Sobel kernel, doubled: {@code [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] / 4}; the vertical one is its transpose. */
    static final float[] SOBEL_X = {-0.25f, 0f, 0.25f, -0.5f, 0f, 0.5f, -0.25f, 0f, 0.25f};
    /** The vertical Sobel kernel, doubled. */
    static final float[] SOBEL_Y = {-0.25f, -0.5f, -0.25f, 0f, 0f, 0f, 0.25f, 0.5f, 0.25f};

    /** What a thumbnail holds. */
    public enum Features {
        /** Each channel average-pooled: one plane per channel. */
        PIXELS("pixels", 1),
        /** The pooled pixels, then the pooled doubled Sobel gradients (x, y of each channel), then their absolute values. */
        EDGES("edges", 5),
        /**
         * {@link #EDGES}, then the largest absolute gradient in each pooling window (x, y of each
         * channel): whether a window holds one strong edge (a placket, a collar, a sleeve's end), which
         * its average blurs with the plain cloth around it.
         */
        EDGES_MAX("edges-max", 7);

        private final String id;
        private final int planesPerChannel;

        Features(String id, int planesPerChannel) {
            this.id = id;
            this.planesPerChannel = planesPerChannel;
        }

        /** The name on the command line and in the metadata. */
        public String id() {
            return id;
        }

        /** Pooled planes per image channel. */
        public int planesPerChannel() {
            return planesPerChannel;
        }

        /** The features named {@code id}, or a message that lists the choices. */
        public static Features parse(String id) {
            for (Features f : values()) {
                if (f.id.equalsIgnoreCase(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--pixel-knn-features must be pixels, edges or edges-max, got '" + id
                    + "'");
        }
    }

    /** Neighbours of the default recipe ({@code --pixel-knn}), for data taken as clean. */
    public static final int DEFAULT_K = 5;
    /** Features of the default recipe ({@code --pixel-knn-features}). */
    public static final String DEFAULT_FEATURES = "edges-max";
    /** K-means centres of the default recipe ({@code --pixel-knn-centres}). */
    public static final int DEFAULT_CENTRES = 500;
    /** Relative weight of the default recipe ({@code --pixel-knn-weight}). */
    public static final int DEFAULT_WEIGHT = 4;
    /** Share of each centre's radius taken off its distance in the default recipe ({@code --pixel-knn-radius}). */
    public static final String DEFAULT_RADIUS = "1";
    /** Pseudo-count of a centre's radius: it is shrunk towards the mean radius as if that many more images had it. */
    static final int RADIUS_PRIOR = 10;

    /**
     * How the term is built.
     *
     * @param k        neighbours averaged; 0 leaves the term out
     * @param features what a thumbnail holds
     * @param centres  k-means centres the bank is made of; 0 keeps every training image's thumbnail
     *                 (up to {@link #MAX_BANK}), as does a training set no larger than this
     * @param weight   how much the distance counts against the reconstruction error: 1 as much (equal
     *                 z-scores), 4 four times as much
     * @param radius   how much of each k-means centre's radius (the mean distance of the training
     *                 images nearest to it, shrunk towards the mean over all centres) is taken off the
     *                 distance to it: 0 none; 1 measures an image against how far the training images
     *                 near that centre spread, so a sparse part of the normal class is not mistaken
     *                 for an anomaly. A bank of every training image ({@code centres} 0, or no more
     *                 images than centres) has no radii: each image is its own centre
     */
    public record Recipe(int k, Features features, int centres, double weight, double radius) {
        /** The default for data taken as clean: 5 neighbours, pixels, edges and their window maxima, 500 centres, weight 4, radius 1. */
        public static final Recipe DEFAULT = new Recipe(DEFAULT_K, Features.parse(DEFAULT_FEATURES), DEFAULT_CENTRES,
                DEFAULT_WEIGHT, Double.parseDouble(DEFAULT_RADIUS));
        /** The term left out. */
        public static final Recipe OFF = DEFAULT.withK(0);

        public Recipe {
            if (k < 0) {
                throw new IllegalArgumentException("--pixel-knn must be 0 (off) or a number of neighbours such as 5,"
                        + " got " + k);
            }
            if (features == null) {
                throw new IllegalArgumentException("--pixel-knn-features must be pixels, edges or edges-max");
            }
            if (centres < 0) {
                throw new IllegalArgumentException("--pixel-knn-centres must be 0 (every training image) or a number"
                        + " of k-means centres such as 500, got " + centres);
            }
            if (!(weight > 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("--pixel-knn-weight must be a positive number such as 4 (1 weighs"
                        + " the distance as much as the reconstruction error), got " + weight);
            }
            if (!(radius >= 0) || !Double.isFinite(radius)) {
                throw new IllegalArgumentException("--pixel-knn-radius must be 0 (none) or a positive share such as 1,"
                        + " got " + radius);
            }
            if (centres > 0 && k > centres) {
                throw new IllegalArgumentException("--pixel-knn " + k + " asks for more neighbours than the "
                        + centres + " centres of --pixel-knn-centres");
            }
        }

        /** Whether the term is part of the score. */
        public boolean on() {
            return k > 0;
        }

        /** A recipe that takes no radius off. */
        public Recipe(int k, Features features, int centres, double weight) {
            this(k, features, centres, weight, 0);
        }

        /** This recipe with {@code k} neighbours. */
        public Recipe withK(int k) {
            return new Recipe(k, features, centres, weight, radius);
        }
    }

    /** Pooling window for images of side {@code side}: a grid of about {@link #TARGET_GRID}. */
    static int poolFor(int side) {
        return Math.max(1, side / TARGET_GRID);
    }

    /**
     * Builds the term from the training images (the bank) and weighs it against the blurred error
     * on the held-out images.
     *
     * @param bank        images taken as normal, whose thumbnails make the bank
     * @param heldOut     held-out images, never in the bank
     * @param heldOutBlur the blurred-error score of each held-out image, as ONNX Runtime computes it
     * @param recipe      how the term is built
     * @param seed        seeds the sample of the bank and the k-means
     */
    static PixelKnn fit(Images bank, Images heldOut, float[] heldOutBlur, Recipe recipe, long seed) {
        PixelKnn unweighted = bank(bank, recipe, seed);
        return unweighted.weighed(heldOutBlur, unweighted.distances(heldOut));
    }

    /**
     * The term's bank, not yet weighed (centers and exponents 1): enough to take
     * {@link #distances}, which do not depend on the weighing.
     *
     * @param normal images taken as normal, whose thumbnails make the bank
     * @param recipe how the term is built
     * @param seed   seeds the sample of the bank when there are more than {@link #MAX_BANK} images, and the k-means
     */
    static PixelKnn bank(Images normal, Recipe recipe, long seed) {
        if (normal.count() < 1) {
            throw new IllegalArgumentException("no training images for the pixel kNN bank");
        }
        if (!recipe.on()) {
            throw new IllegalArgumentException("the pixel kNN term is off (--pixel-knn 0)");
        }
        int pool = poolFor(Math.min(normal.height(), normal.width()));
        int rows = normal.height() / pool;
        int columns = normal.width() / pool;
        int dims = normal.channels() * recipe.features().planesPerChannel() * rows * columns;
        int[] chosen = sample(normal.count(), MAX_BANK, seed);
        float[] points = new float[chosen.length * dims];
        float[] thumb = new float[dims];
        for (int j = 0; j < chosen.length; j++) {
            thumbnail(normal, chosen[j], recipe.features(), pool, rows, columns, thumb);
            System.arraycopy(thumb, 0, points, j * dims, dims);
        }
        int size = chosen.length;
        float[] radii = null;
        double shift = 0;
        if (recipe.centres() > 0 && chosen.length > recipe.centres()) {
            float[] centres = kMeans(points, chosen.length, dims, recipe.centres(), seed);
            if (recipe.radius() > 0) {
                radii = radii(points, chosen.length, centres, recipe.centres(), dims, recipe.radius());
                for (float r : radii) {
                    shift = Math.max(shift, r);
                }
            }
            points = centres;
            size = recipe.centres();
        }
        float[] norms = new float[size];
        for (int j = 0; j < size; j++) {
            double norm = 0;
            for (int d = 0; d < dims; d++) {
                float v = points[j * dims + d];
                norm += (double) v * v;
            }
            norms[j] = (float) norm;
        }
        return new PixelKnn(Math.min(recipe.k(), size), recipe.features(), pool, rows, columns, dims, size,
                normal.count(), points, norms, radii, shift, recipe.weight(), 1, 1, 1, 1);
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
        double spreadBlur = standardDeviation(logBlur);
        double spreadKnn = standardDeviation(logKnn);
        double ratio = spreadKnn > 0 ? spreadBlur / spreadKnn : 1;
        if (!Double.isFinite(ratio) || ratio <= 0) {
            ratio = 1;
        }
        double knnWeight = relativeWeight * ratio;
        double meanKnn = mean(logKnn);
        double[] logSum = new double[logBlur.length];
        for (int i = 0; i < logSum.length; i++) {
            logSum[i] = logBlur[i] + knnWeight * (logKnn[i] - meanKnn);
        }
        // the sum spreads wider than the error alone; bring it back to the error's spread
        double widening = spreadBlur > 0 ? standardDeviation(logSum) / spreadBlur : 1;
        if (!Double.isFinite(widening) || widening <= 0) {
            widening = 1;
        }
        double center = Math.exp(meanKnn);
        if (!Double.isFinite(center) || center <= 0) {
            center = 1;
        }
        double blurCenter = Math.exp(mean(logBlur));
        if (!Double.isFinite(blurCenter) || blurCenter <= 0) {
            blurCenter = 1;
        }
        return new PixelKnn(k, features, pool, rows, columns, dims, size, sourceImages, bank, norms, radii, radiusShift,
                relativeWeight, blurCenter, 1 / widening, center, knnWeight / widening);
    }

    /** The combined score of an image with blurred error {@code blur} and kNN distance {@code distance}. */
    public double combine(double blur, double distance) {
        return blurCenter * Math.pow(blur / blurCenter, blurExponent) * Math.pow((distance + EPSILON) / center, weight);
    }

    /** {@link #combine} of each pair of blurred error and distance. */
    public double[] combined(float[] blur, double[] distances) {
        double[] out = new double[blur.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = combine(blur[i], distances[i]);
        }
        return out;
    }

    /**
     * The mean distance of each image to its {@link #k} nearest thumbnails of the bank, each less its
     * {@link #radii radius} (plus {@link #radiusShift}), in double precision.
     */
    public double[] distances(Images images) {
        return distances(images, null);
    }

    /**
     * {@link #distances}, and in {@code tied} (when not null) whether the k-th and the next nearest
     * thumbnail of each image lie so close that ONNX Runtime, which ranks them in single precision,
     * may take either: with radii those two give different distances, so the image cannot check an
     * export.
     */
    double[] distances(Images images, boolean[] tied) {
        double[] out = new double[images.count()];
        IntStream.range(0, images.count()).parallel().forEach(i -> {
            float[] thumb = new float[dims];
            double[] squared = new double[size];
            thumbnail(images, i, features, pool, rows, columns, thumb);
            for (int j = 0; j < size; j++) {
                double sum = 0;
                for (int d = 0; d < dims; d++) {
                    double diff = thumb[d] - bank[j * dims + d];
                    sum += diff * diff;
                }
                squared[j] = sum;
            }
            Integer[] order = new Integer[size];
            for (int j = 0; j < size; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(squared[a], squared[b]));
            double mean = 0;
            for (int n = 0; n < k; n++) {
                mean += Math.sqrt(squared[order[n]]) - (radii == null ? 0 : radii[order[n]]);
            }
            out[i] = mean / k + radiusShift;
            if (tied != null && radii != null && k < size) {
                // ONNX Runtime ranks by |b|^2 - 2 x.b in single precision: its error grows with the lengths
                double length = norms[order[k]];
                for (float v : thumb) {
                    length += (double) v * v;
                }
                tied[i] = squared[order[k]] - squared[order[k - 1]] <= TIE * Math.max(length, 1e-12);
            }
        });
        return out;
    }

    /** What the bank holds: {@code 500 k-means centres of 5400 training images}, or {@code 810 of 810 training images}. */
    String bankDescription() {
        return size < Math.min(sourceImages, MAX_BANK)
                ? String.format(Locale.ROOT, "%d k-means centres of %d training images", size, sourceImages)
                : String.format(Locale.ROOT, "%d of %d training images", size, sourceImages);
    }

    /** Channels of the images the term compares: {@code dims} holds {@link Features#planesPerChannel} planes of each. */
    int channels() {
        return dims / (features.planesPerChannel() * rows * columns);
    }

    /** What the model's metadata says of the term. */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("k", k);
        s.put("features", features.id());
        s.put("thumbnail", rows + "x" + columns + " (average pool " + pool + "x" + pool + ")");
        s.put("dims", dims);
        s.put("bank", bankDescription());
        s.put("bank_images", size);
        if (radii != null) {
            s.put("radius_shift", radiusShift);
        }
        s.put("relative_weight", relativeWeight);
        s.put("blur_center", blurCenter);
        s.put("blur_exponent", blurExponent);
        s.put("center", center);
        s.put("weight", weight);
        return s;
    }

    /**
     * The thumbnail of image {@code index}: each channel average-pooled in {@code pool x pool}
     * windows, {@code rows x columns} of them; with {@link Features#EDGES} then the pooled doubled
     * Sobel gradients (x then y of each channel in turn) and then their absolute values, the order
     * in which the exported graph concatenates its planes.
     */
    static void thumbnail(Images images, int index, Features features, int pool, int rows, int columns, float[] out) {
        int h = images.height();
        int w = images.width();
        int channels = images.channels();
        int cells = rows * columns;
        float[] pixels = images.pixels();
        int base = index * images.imageSize();
        for (int c = 0; c < channels; c++) {
            poolPlane(pixels, base + c * h * w, w, pool, rows, columns, out, c * cells);
        }
        if (features != Features.PIXELS) {
            float[] gx = new float[h * w];
            float[] gy = new float[h * w];
            for (int c = 0; c < channels; c++) {
                sobel(pixels, base + c * h * w, h, w, SOBEL_X, gx);
                sobel(pixels, base + c * h * w, h, w, SOBEL_Y, gy);
                int signed = (channels + 2 * c) * cells;
                int absolute = (3 * channels + 2 * c) * cells;
                poolPlane(gx, 0, w, pool, rows, columns, out, signed);
                poolPlane(gy, 0, w, pool, rows, columns, out, signed + cells);
                abs(gx);
                abs(gy);
                poolPlane(gx, 0, w, pool, rows, columns, out, absolute);
                poolPlane(gy, 0, w, pool, rows, columns, out, absolute + cells);
                if (features == Features.EDGES_MAX) {
                    int peaks = (5 * channels + 2 * c) * cells;
                    maxPoolPlane(gx, w, pool, rows, columns, out, peaks);
                    maxPoolPlane(gy, w, pool, rows, columns, out, peaks + cells);
                }
            }
        }
    }

    /** Average-pools the plane at {@code from} (row width {@code w}) into {@code out} from {@code at}. */
    private static void poolPlane(float[] plane, int from, int w, int pool, int rows, int columns, float[] out, int at) {
        int d = at;
        for (int gy = 0; gy < rows; gy++) {
            for (int gx = 0; gx < columns; gx++) {
                double sum = 0;
                for (int y = gy * pool; y < gy * pool + pool; y++) {
                    for (int x = gx * pool; x < gx * pool + pool; x++) {
                        sum += plane[from + y * w + x];
                    }
                }
                out[d++] = (float) (sum / (pool * pool));
            }
        }
    }

    /** The largest value of each {@code pool x pool} window of {@code plane} into {@code out} from {@code at}. */
    private static void maxPoolPlane(float[] plane, int w, int pool, int rows, int columns, float[] out, int at) {
        int d = at;
        for (int gy = 0; gy < rows; gy++) {
            for (int gx = 0; gx < columns; gx++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int y = gy * pool; y < gy * pool + pool; y++) {
                    for (int x = gx * pool; x < gx * pool + pool; x++) {
                        max = Math.max(max, plane[y * w + x]);
                    }
                }
                out[d++] = max;
            }
        }
    }

    /** The 3x3 cross-correlation of the plane at {@code from} with {@code kernel}, zero outside the image (ONNX {@code Conv}). */
    static void sobel(float[] plane, int from, int h, int w, float[] kernel, float[] out) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float sum = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        if (xx >= 0 && xx < w) {
                            sum += kernel[(dy + 1) * 3 + dx + 1] * plane[from + yy * w + xx];
                        }
                    }
                }
                out[y * w + x] = sum;
            }
        }
    }

    private static void abs(float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.abs(values[i]);
        }
    }

    /**
     * {@code share} times each centre's radius: the mean distance of the points nearest to it,
     * shrunk towards the mean over all points by {@link #RADIUS_PRIOR} pseudo-points.
     */
    static float[] radii(float[] points, int n, float[] centres, int count, int dims, double share) {
        int[] nearest = IntStream.range(0, n).parallel().map(i -> closest(points, i * dims, centres, count, dims))
                .toArray();
        double[] sums = new double[count];
        int[] members = new int[count];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.sqrt(squaredDistance(points, i * dims, centres, nearest[i] * dims, dims));
            sums[nearest[i]] += d;
            members[nearest[i]]++;
            total += d;
        }
        double overall = total / n;
        float[] radii = new float[count];
        for (int c = 0; c < count; c++) {
            radii[c] = (float) (share * (sums[c] + RADIUS_PRIOR * overall) / (members[c] + RADIUS_PRIOR));
        }
        return radii;
    }

    /**
     * {@code count} k-means centres of the {@code n} points ({@code [n, dims]} row-major): seeded
     * k-means++ seeding, then at most {@link #KMEANS_ROUNDS} rounds of Lloyd's algorithm, until no
     * point changes centre. A centre left without points keeps its place.
     */
    static float[] kMeans(float[] points, int n, int dims, int count, long seed) {
        Random random = new Random(seed);
        float[] centres = new float[count * dims];
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int first = random.nextInt(n);
        System.arraycopy(points, first * dims, centres, 0, dims);
        for (int c = 1; c < count; c++) {
            int previous = c - 1;
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], squaredDistance(points, i * dims, centres, previous * dims, dims));
                total += nearest[i];
            }
            int pick = n - 1;
            double target = random.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                target -= nearest[i];
                if (target < 0) {
                    pick = i;
                    break;
                }
            }
            System.arraycopy(points, pick * dims, centres, c * dims, dims);
        }
        int[] assigned = new int[n];
        Arrays.fill(assigned, -1);
        for (int round = 0; round < KMEANS_ROUNDS; round++) {
            float[] current = centres;
            int[] next = IntStream.range(0, n).parallel().map(i -> closest(points, i * dims, current, count, dims))
                    .toArray();
            if (Arrays.equals(next, assigned)) {
                break;
            }
            assigned = next;
            double[] sums = new double[count * dims];
            int[] members = new int[count];
            for (int i = 0; i < n; i++) {
                int c = assigned[i];
                members[c]++;
                for (int d = 0; d < dims; d++) {
                    sums[c * dims + d] += points[i * dims + d];
                }
            }
            float[] moved = centres.clone();
            for (int c = 0; c < count; c++) {
                if (members[c] > 0) {
                    for (int d = 0; d < dims; d++) {
                        moved[c * dims + d] = (float) (sums[c * dims + d] / members[c]);
                    }
                }
            }
            centres = moved;
        }
        return centres;
    }

    private static int closest(float[] points, int at, float[] centres, int count, int dims) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            double d = squaredDistance(points, at, centres, c * dims, dims);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static double squaredDistance(float[] a, int at, float[] b, int bt, int dims) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int d = 0;
        for (; d + 3 < dims; d += 4) {
            float e0 = a[at + d] - b[bt + d];
            float e1 = a[at + d + 1] - b[bt + d + 1];
            float e2 = a[at + d + 2] - b[bt + d + 2];
            float e3 = a[at + d + 3] - b[bt + d + 3];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
        }
        for (; d < dims; d++) {
            float e = a[at + d] - b[bt + d];
            s0 += e * e;
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** All of {@code 0..count-1} in order, or a seeded sample of {@code max} of them, in order. */
    static int[] sample(int count, int max, long seed) {
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
