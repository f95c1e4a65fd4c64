package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A second view on which images of the traffic are anomalies, independent of how well a network
 * reconstructs them: images whose thumbnails lie far from those of every image the refined network
 * judges normal. A network trained on contaminated traffic learns part of the anomalies and
 * scores them inside the bulk, and it scores hard normal images (large, detailed ones) in the
 * tail, so on the scores alone a few percent of anomalies cannot be told from the normal tail.
 * In pixels the two differ: a hard normal image still has normal images of its kind near it, an
 * anomaly (a shirt among shoes) has none.
 *
 * <ol>
 *   <li><b>Reference</b>: the training images that the refined network scores within
 *       {@value #REFERENCE_K} MADs of the median (log scale); their distinct thumbnails, at most
 *       {@value #MAX_REFERENCE} of them (a seeded sample), make the reference.</li>
 *   <li><b>Distance</b>: for every image, the root mean squared Euclidean distance of its thumbnail
 *       ({@link PixelKnn#thumbnail}, {@link PixelKnn.Features#PIXELS}, a grid of about 7x7) to its
 *       {@value #NEIGHBOURS} nearest reference thumbnails, its own copies (distance 0) left
 *       out.</li>
 *   <li><b>Cut</b>: an image is a pixel outlier when the logarithm of its distance lies more than
 *       {@value #CUT} MADs above the median of the reference images' own distances; more than
 *       {@value #WIDE_CUT} where at least {@value #WIDEN_RATIO} times as many images lie beyond
 *       {@value #WIDE_CUT} as beyond {@value #CUT}, and at least {@value #WIDEN_RATIO} times
 *       {@link ContaminatedTraining#MIN_PIXEL_OUTLIERS}, with a reference of at least
 *       {@value #DENSE_REFERENCE} distinct thumbnails ({@link #cut}).</li>
 * </ol>
 *
 * <p>Measured on the bundled sample's traffic (30 trainings, 1%, 5% and 10% anomalies, labels used
 * only to count): every image it picked was an anomaly, 6-14 at 1% (of about 20 in the training
 * images), 20-49 at 5% (of about 115) and 6-72 at 10% (of about 250). It misses many anomalies,
 * and it is not meant to find them all: it is meant to be right about those it picks.
 */
final class PixelOutliers {
    /** How pixel outliers are found, as written into the metadata. */
    static final String RULE = "images whose 7x7 thumbnail lies more than 4 MADs (log scale) beyond the median"
            + " distance to its 5 nearest distinct thumbnails of the training images that the refined network scores"
            + " within 3 MADs of the median; more than 3 MADs where at least 5 times as many images lie beyond 3 as"
            + " beyond 4 (and at least 25) and at least 1500 distinct thumbnails make the reference";
    /** Score deviations above the median within which a training image joins the reference. */
    static final double REFERENCE_K = 3.0;
    /** Nearest reference thumbnails averaged. */
    static final int NEIGHBOURS = 5;
    /** Deviations (log distance, MAD) above the reference's median beyond which an image is an outlier. */
    static final double CUT = 4.0;
    /**
     * The cut where at least {@link #WIDEN_RATIO} times as many images lie beyond it as beyond
     * {@link #CUT}. Beyond 4 deviations the outliers were anomalies in every run measured; between
     * 3 and 4 a smooth tail of hard normal images adds about as many again (1.7-2.4 times as many
     * beyond 3 on the full Fashion-MNIST set at 1% and 5% anomalies; 2.1-5.6 on the bundled sample,
     * whose reference is sparse: {@link #DENSE_REFERENCE}). Where that band holds many times more,
     * it is a kind of anomaly the network has partly learned: on the full set at 10% (16
     * trainings) 6.2-46 times, 95-100% of them anomalies.
     */
    static final double WIDE_CUT = 3.0;
    /** How many times the images beyond {@link #CUT} must lie beyond {@link #WIDE_CUT} for the cut to widen. */
    static final double WIDEN_RATIO = 5.0;
    /**
     * Distinct reference thumbnails from which the cut may widen. With few distinct normal images
     * the reference is sparse and a hard normal image has no close neighbour of its kind: on the
     * bundled sample (about 650 distinct thumbnails in the reference, its images repeated about
     * three times in 3,000 records) the band between 3 and 4 held 2.1-5.6 times what lay beyond 4
     * at 1% and 5% anomalies, up to 70% of it normal images; on the full set about 2,200.
     */
    static final int DENSE_REFERENCE = 1500;
    /** Deviations beyond which {@link #farAndHigh} takes a high-scoring image for an anomaly. */
    static final double CALIBRATION_CUT = 2.0;
    /**
     * Score deviations (log scale, MAD) above the median beyond which {@link #farAndHigh} looks at an
     * image after a contrast run on the highest-scoring images: those outside the reference. The
     * anomalies such a network did not learn to push lie 3-4 MADs out.
     */
    static final double CALIBRATION_SCORE_K = REFERENCE_K;
    /**
     * {@link #CALIBRATION_SCORE_K} after a contrast run on the pixel outliers (below the gate): the
     * few anomalies lie far beyond it, and the hard normal images 3-4 MADs out stay in the calibration.
     */
    static final double CALIBRATION_SCORE_K_BELOW_GATE = 4.0;
    /** Most reference thumbnails, so that the cost stays linear in the traffic. */
    static final int MAX_REFERENCE = 4000;

    private PixelOutliers() {
    }

    /**
     * Indexes into {@code pool} of its pixel outliers.
     *
     * @param pool       the traffic: the training images first, then any others
     * @param scores     the refined network's score of every image of {@code pool}
     * @param trainCount how many of {@code pool}'s first images are training images (the reference is drawn from them)
     * @param seed       seeds the sample of the reference when it would be larger than {@link #MAX_REFERENCE}
     */
    static int[] find(Images pool, float[] scores, int trainCount, long seed) {
        return search(pool, scores, trainCount, seed).indexes();
    }

    /**
     * The pixel outliers of {@code pool} (see {@link #find}), with the cut that found them.
     *
     * @param indexes    indexes into {@code pool}
     * @param cut        {@link #CUT}, or {@link #WIDE_CUT} where the band between them is crowded
     * @param beyondCut  images beyond {@link #CUT}
     * @param beyondWide images beyond {@link #WIDE_CUT}
     */
    record Found(int[] indexes, double cut, int beyondCut, int beyondWide) {
        boolean widened() {
            return cut == WIDE_CUT;
        }
    }

    /** {@link #find}, saying which cut it used. */
    static Found search(Images pool, float[] scores, int trainCount, long seed) {
        Deviations d = measure(pool, scores, trainCount, seed);
        return cut(d.values(), d.reference());
    }

    /** Each image's deviation, and how many distinct thumbnails made the reference (0: too few to tell). */
    private record Deviations(double[] values, int reference) {
    }

    /**
     * The images beyond {@link #CUT} deviations, or beyond {@link #WIDE_CUT} where the reference is
     * dense (at least {@value #DENSE_REFERENCE} distinct thumbnails) and at least
     * {@link #WIDEN_RATIO} times as many lie there as beyond {@link #CUT}, counting at least
     * {@link ContaminatedTraining#MIN_PIXEL_OUTLIERS} beyond it: a handful of hard normal images
     * 3-4 deviations out, with nothing beyond, does not widen it.
     *
     * @param reference distinct thumbnails in the reference the deviations were measured against
     */
    static Found cut(double[] deviations, int reference) {
        int[] beyond = IntStream.range(0, deviations.length).filter(i -> deviations[i] > CUT).toArray();
        int[] wide = IntStream.range(0, deviations.length).filter(i -> deviations[i] > WIDE_CUT).toArray();
        boolean widen = reference >= DENSE_REFERENCE
                && wide.length >= WIDEN_RATIO * Math.max(ContaminatedTraining.MIN_PIXEL_OUTLIERS, beyond.length);
        return new Found(widen ? wide : beyond, widen ? WIDE_CUT : CUT, beyond.length, wide.length);
    }

    /**
     * How far each image of {@code pool} lies from the reference: the logarithm of its distance
     * less the median of the reference images' own, in scaled MADs of theirs. All 0 when there are
     * too few images to tell ({@code referenceCount < 2 * NEIGHBOURS}, a reference of
     * {@value #NEIGHBOURS} distinct thumbnails or fewer, or reference distances that do not spread).
     *
     * @param referenceCount how many of {@code pool}'s first images the reference is drawn from
     */
    static double[] deviations(Images pool, float[] scores, int referenceCount, long seed) {
        return measure(pool, scores, referenceCount, seed).values();
    }

    private static Deviations measure(Images pool, float[] scores, int referenceCount, long seed) {
        Deviations none = new Deviations(new double[pool.count()], 0);
        if (referenceCount < 2 * NEIGHBOURS) {
            return none;
        }
        double[] logScores = ContaminationEstimate.logs(scores, referenceCount);
        double scoreCut = ContaminationEstimate.aboveMedian(logScores, REFERENCE_K);
        int pooling = PixelKnn.poolFor(Math.min(pool.height(), pool.width()));
        int rows = pool.height() / pooling;
        int columns = pool.width() / pooling;
        int dims = pool.channels() * rows * columns;
        float[] thumbs = new float[pool.count() * dims];
        IntStream.range(0, pool.count()).parallel().forEach(i -> {
            float[] one = new float[dims];
            PixelKnn.thumbnail(pool, i, PixelKnn.Features.PIXELS, pooling, rows, columns, one);
            System.arraycopy(one, 0, thumbs, i * dims, dims);
        });
        int[] inReference = IntStream.range(0, referenceCount).filter(i -> logScores[i] <= scoreCut).toArray();
        int[] reference = distinct(thumbs, dims, inReference, seed);
        if (reference.length <= NEIGHBOURS) {
            return none;
        }
        double[] logDistance = new double[pool.count()];
        IntStream.range(0, pool.count()).parallel().forEach(i ->
                logDistance[i] = Math.log(Math.max(nearest(thumbs, dims, i, reference), Double.MIN_NORMAL)));
        double[] ofReference = Arrays.stream(inReference).mapToDouble(i -> logDistance[i]).toArray();
        double median = ContaminationEstimate.median(ofReference.clone());
        double spread = ContaminationEstimate.spread(ofReference, median);
        if (!(spread > 0)) {
            return none;
        }
        return new Deviations(Arrays.stream(logDistance).map(d -> (d - median) / spread).toArray(), reference.length);
    }

    /**
     * Which of {@code images} a calibration takes as anomalies: those both scored high (more than
     * {@code scoreK} MADs above the median of their log scores) and far in pixels (more than
     * {@value #CALIBRATION_CUT} deviations, the reference drawn from these images themselves). Looser
     * in pixels than {@link #CUT}, since leaving a normal image out of a calibration costs little
     * where leaving an anomaly in lifts the threshold. After a contrast run the network scores the
     * anomalies like the ones it pushed, far above the bulk, and the pixel distance keeps in the
     * calibration the hard normal images of the tail, which a trim by the estimate takes off
     * wherever the estimate errs high.
     *
     * @param scoreK {@link #CALIBRATION_SCORE_K} or {@link #CALIBRATION_SCORE_K_BELOW_GATE}
     */
    static boolean[] farAndHigh(Images images, float[] scores, long seed, double scoreK) {
        double[] deviations = deviations(images, scores, images.count(), seed);
        double[] logs = ContaminationEstimate.logs(scores, scores.length);
        double high = logs.length == 0 ? 0 : ContaminationEstimate.aboveMedian(logs, scoreK);
        boolean[] out = new boolean[scores.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = deviations[i] > CALIBRATION_CUT && logs[i] > high;
        }
        return out;
    }

    /** What {@link #farAndHigh} takes off a calibration with {@code scoreK}, as written into the metadata. */
    static String calibrationRule(double scoreK) {
        return String.format(Locale.ROOT, "the held-out images both scored more than %.0f MADs above their median (log"
                + " scale) and more than %.0f MADs far in pixels from those scored within %.0f MADs (thumbnail distance,"
                + " as for the pixel outliers)", scoreK, CALIBRATION_CUT, REFERENCE_K);
    }

    /** {@code candidates} with repeated thumbnails left out, at most {@link #MAX_REFERENCE} of them. */
    private static int[] distinct(float[] thumbs, int dims, int[] candidates, long seed) {
        Set<FloatKey> seen = new HashSet<>();
        int[] kept = new int[candidates.length];
        int n = 0;
        for (int i : candidates) {
            if (seen.add(new FloatKey(Arrays.copyOfRange(thumbs, i * dims, (i + 1) * dims)))) {
                kept[n++] = i;
            }
        }
        return Arrays.stream(PixelKnn.sample(n, MAX_REFERENCE, seed)).map(i -> kept[i]).toArray();
    }

    /**
     * Root mean squared distance of thumbnail {@code at} to its {@link #NEIGHBOURS} nearest
     * thumbnails among {@code reference}, leaving out any at distance 0 (its own copies).
     */
    private static double nearest(float[] thumbs, int dims, int at, int[] reference) {
        double[] best = new double[NEIGHBOURS];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int r : reference) {
            double d = 0;
            for (int k = 0; k < dims && d < best[NEIGHBOURS - 1]; k++) {
                double diff = thumbs[at * dims + k] - thumbs[r * dims + k];
                d += diff * diff;
            }
            if (d == 0 || d >= best[NEIGHBOURS - 1]) {
                continue;
            }
            int k = NEIGHBOURS - 1;
            while (k > 0 && best[k - 1] > d) {
                best[k] = best[k - 1];
                k--;
            }
            best[k] = d;
        }
        double sum = 0;
        int found = 0;
        for (double d : best) {
            if (d < Double.POSITIVE_INFINITY) {
                sum += d;
                found++;
            }
        }
        return found == 0 ? 0 : Math.sqrt(sum / found);
    }

    /** A thumbnail as a set key. */
    private record FloatKey(float[] values) {
        @Override
        public boolean equals(Object other) {
            return other instanceof FloatKey k && Arrays.equals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "FloatKey" + Arrays.toString(values);
        }
    }
}
