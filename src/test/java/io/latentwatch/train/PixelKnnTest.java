package io.latentwatch.train;

import io.latentwatch.data.Images;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PixelKnnTest {
    @Test
    void shouldAverageThePixelsOfEachPoolingWindowIntoTheThumbnail() {
        // Given a 14x14 grey image whose 2x2 block (row 0, column 1) holds 0, 1, 0.5, 0.5
        float[] pixels = new float[14 * 14];
        pixels[2] = 0f;
        pixels[3] = 1f;
        pixels[14 + 2] = 0.5f;
        pixels[14 + 3] = 0.5f;
        Images image = new Images(pixels, 1, 1, 14, 14);

        // When its thumbnail is taken with the pool a 14-pixel side gets
        int pool = PixelKnn.poolFor(14);
        float[] thumb = new float[49];
        PixelKnn.thumbnail(image, 0, PixelKnn.Features.PIXELS, pool, 7, 7, thumb);

        // Then the windows are 2x2 and that cell is their mean, 0.5
        assertThat(pool).isEqualTo(2);
        assertThat(thumb[1]).isEqualTo(0.5f);
        assertThat(thumb[0]).isZero();
        assertThat(PixelKnn.poolFor(28)).isEqualTo(4);
        assertThat(PixelKnn.poolFor(64)).isEqualTo(9);
        assertThat(PixelKnn.poolFor(5)).isEqualTo(1);
    }

    @Test
    void shouldAverageTheDistancesToTheKNearestBankImages() {
        // Given a bank of a black and a white 7x7 image (7x7 thumbnails are the images themselves)
        Images bank = uniform(0f, 1f);

        // When the distances of a 0.1-grey and a 0.5-grey image are taken with k = 1 and k = 2
        Images queries = uniform(0.1f, 0.5f);
        double[] one = PixelKnn.fit(bank, queries, new float[] {1e-3f, 4e-3f}, pixels(1), 7).distances(queries);
        double[] two = PixelKnn.fit(bank, queries, new float[] {1e-3f, 4e-3f}, pixels(2), 7).distances(queries);

        // Then they are sqrt(49 * 0.1^2) = 0.7 and sqrt(49 * 0.5^2) = 3.5 to the nearest, and
        // (0.7 + 6.3) / 2 = 3.5 and 3.5 averaged over both
        assertThat(one[0]).isCloseTo(0.7, within(1e-6));
        assertThat(one[1]).isCloseTo(3.5, within(1e-6));
        assertThat(two[0]).isCloseTo(3.5, within(1e-6));
        assertThat(two[1]).isCloseTo(3.5, within(1e-6));
    }

    @Test
    void shouldWeighTheDistanceSoBothTermsSpreadAlikeOnTheHeldOutImages() {
        // Given held-out images at distances 0.7 and 3.5 (k = 1) with blurred errors 0.001 and 0.004
        Images bank = uniform(0f, 1f);
        Images heldOut = uniform(0.1f, 0.5f);

        // When the term is fitted
        PixelKnn knn = PixelKnn.fit(bank, heldOut, new float[] {1e-3f, 4e-3f}, pixels(1), 7);

        // Then the centers are the geometric means of the distances, sqrt(0.7 * 3.5), and of the
        // errors, 0.002; the distance's log is weighed by the ratio of the spreads of the logs,
        // ln 4 / ln 5, so both terms' logs differ by ln 4 between the two images and their sum by
        // 2 ln 4, which the exponents halve back to the error's spread: the score of an image is
        // 0.002 * (error / 0.002) ^ 0.5 * (distance / center) ^ (ln 4 / ln 5 / 2)
        double ratio = Math.log(4) / Math.log(5);
        assertThat(knn.center()).isCloseTo(Math.sqrt(0.7 * 3.5), within(1e-5));
        assertThat(knn.blurCenter()).isCloseTo(0.002, within(1e-9));
        assertThat(knn.blurExponent()).isCloseTo(0.5, within(1e-6));
        assertThat(knn.weight()).isCloseTo(ratio / 2, within(1e-5));
        double expected = 0.002 * Math.pow(3.5 / Math.sqrt(0.7 * 3.5), ratio / 2);
        assertThat(knn.combine(0.002, 3.5)).isCloseTo(expected, within(1e-8));
        assertThat(knn.combine(0.008, 0.7)).isCloseTo(0.002 * Math.sqrt(4) * Math.pow(0.7 / Math.sqrt(0.7 * 3.5),
                ratio / 2), within(1e-8));
        assertThat(knn.combine(0.002, knn.center())).isCloseTo(0.002, within(1e-8));
    }

    @Test
    void shouldFallBackToEqualFactorsWhenTheHeldOutDistancesDoNotSpread() {
        // Given held-out images all at the same distance
        PixelKnn knn = PixelKnn.fit(uniform(0f, 1f), uniform(0.1f, 0.1f), new float[] {1e-3f, 4e-3f}, pixels(1), 7);

        // Then the weight is 1 rather than infinite
        assertThat(knn.weight()).isEqualTo(1.0);
    }

    @Test
    void shouldKeepASeededSampleOfTheBankBeyondItsLimit() {
        // Given more training images than the bank holds
        int count = PixelKnn.MAX_BANK + 50;
        float[] pixels = new float[count * 49];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pixels, i * 49, (i + 1) * 49, i / (float) count);
        }
        Images many = new Images(pixels, count, 1, 7, 7);

        // When the term is fitted twice with one seed and once with another
        PixelKnn a = PixelKnn.fit(many, uniform(0.1f, 0.5f), new float[] {1e-3f, 4e-3f}, pixels(5), 1);
        PixelKnn b = PixelKnn.fit(many, uniform(0.1f, 0.5f), new float[] {1e-3f, 4e-3f}, pixels(5), 1);
        PixelKnn c = PixelKnn.fit(many, uniform(0.1f, 0.5f), new float[] {1e-3f, 4e-3f}, pixels(5), 2);

        // Then the bank holds MAX_BANK thumbnails, the same ones for the same seed
        assertThat(a.size()).isEqualTo(PixelKnn.MAX_BANK);
        assertThat(Arrays.equals(a.bank(), b.bank())).isTrue();
        assertThat(Arrays.equals(a.bank(), c.bank())).isFalse();
    }

    @Test
    void shouldPoolTheDoubledSobelGradientsAndTheirAbsoluteValuesAfterThePixels() {
        // Given a 7x7 grey image, black in columns 0-3 and white in columns 4-6
        Images image = step(7, 4);
        float[] pixels = image.pixels();

        // When its edge thumbnail is taken (pool 1: every pixel a cell)
        float[] thumb = new float[5 * 49];
        PixelKnn.thumbnail(image, 0, PixelKnn.Features.EDGES, 1, 7, 7, thumb);

        // Then the pixels come first; then twice the x derivative, which is (1 + 2 + 1) / 4 = 1 on
        // both sides of the step inside the image, 3/4 on the step in the first row (zero above),
        // and -1 in the last column (zero beyond it); then twice the y derivative, 1 in the first
        // row of the white part (zero above it) and -1 in the last; then their absolute values
        assertThat(Arrays.copyOfRange(thumb, 0, 49)).containsExactly(pixels);
        int gx = 49;
        int gy = 2 * 49;
        int absGx = 3 * 49;
        int absGy = 4 * 49;
        assertThat(thumb[gx + 3 * 7 + 3]).isEqualTo(1f);
        assertThat(thumb[gx + 3 * 7 + 4]).isEqualTo(1f);
        assertThat(thumb[gx + 3 * 7 + 1]).isZero();
        assertThat(thumb[gx + 3 * 7 + 6]).isEqualTo(-1f);
        assertThat(thumb[gx + 3]).isEqualTo(0.75f);
        assertThat(thumb[gy + 5]).isEqualTo(1f);
        assertThat(thumb[gy + 6 * 7 + 5]).isEqualTo(-1f);
        assertThat(thumb[gy + 3 * 7 + 5]).isZero();
        assertThat(thumb[absGx + 3 * 7 + 6]).isEqualTo(1f);
        assertThat(thumb[absGy + 6 * 7 + 5]).isEqualTo(1f);
    }

    @Test
    void shouldAddTheLargestAbsoluteGradientOfEachWindowAfterTheEdges() {
        // Given an 8x8 grey image, black in columns 0-4 and white in columns 5-7
        Images image = step(8, 5);

        // When its thumbnail with window maxima is taken (pool 4: 2x2 windows)
        float[] edges = new float[5 * 4];
        PixelKnn.thumbnail(image, 0, PixelKnn.Features.EDGES, 4, 2, 2, edges);
        float[] thumb = new float[7 * 4];
        PixelKnn.thumbnail(image, 0, PixelKnn.Features.EDGES_MAX, 4, 2, 2, thumb);

        // Then the first five planes are the edge thumbnail; then the largest |x derivative| of each
        // window (top left, top right, bottom left, bottom right): 1 on the right, where |gx| is 1 on
        // both sides of the step and in the last column (zero beyond it), 0 on the left (black up to
        // the step); then the largest |y derivative|: 1 on the right, where the white part meets the
        // zero padding above and below, 0 on the left
        assertThat(Arrays.copyOfRange(thumb, 0, 20)).containsExactly(edges);
        assertThat(Arrays.copyOfRange(thumb, 20, 24)).containsExactly(0f, 1f, 0f, 1f);
        assertThat(Arrays.copyOfRange(thumb, 24, 28)).containsExactly(0f, 1f, 0f, 1f);
    }

    @Test
    void shouldGiveEachCentreTheMeanDistanceOfItsPointsShrunkTowardsTheMeanOfAll() {
        // Given two 2-D clusters and their centres: (0,0) and (2,0) about (1,0); four copies of (10,0)
        float[] points = {0, 0, 2, 0, 10, 0, 10, 0, 10, 0, 10, 0};
        float[] centres = {1, 0, 10, 0};

        // When their radii are taken, whole and halved
        float[] whole = PixelKnn.radii(points, 6, centres, 2, 2, 1);
        float[] half = PixelKnn.radii(points, 6, centres, 2, 2, 0.5);

        // Then each is (sum of its points' distances + 10 x the mean distance 1/3) / (its points + 10)
        assertThat(whole[0]).isCloseTo((2 + 10 / 3f) / 12, within(1e-6f));
        assertThat(whole[1]).isCloseTo((10 / 3f) / 14, within(1e-6f));
        assertThat(half[0]).isCloseTo(whole[0] / 2, within(1e-6f));
    }

    @Test
    void shouldFindTheCentresOfSeparateClusters() {
        // Given four one-dimensional points in two clusters, {0, 0.2} and {10, 10.4}
        float[] points = {10f, 0f, 10.4f, 0.2f};

        // When two k-means centres are taken
        float[] centres = PixelKnn.kMeans(points, 4, 1, 2, 3);

        // Then they are the clusters' means
        Arrays.sort(centres);
        assertThat(centres[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(centres[1]).isCloseTo(10.2f, within(1e-5f));
    }

    @Test
    void shouldCompareWithTheKMeansCentresOfTheTrainingThumbnails() {
        // Given four uniform training images, 0 and 0.02 grey, 1 and 1.04 grey
        Images bank = uniform(0f, 0.02f, 1f, 1.04f);

        // When the term is built from 2 centres and a 0.01-grey image's distance is taken (k = 1)
        PixelKnn knn = PixelKnn.bank(bank, new PixelKnn.Recipe(1, PixelKnn.Features.PIXELS, 2, 1), 5);
        double[] distance = knn.distances(uniform(0.01f));

        // Then the bank holds the two centres, 0.01 and 1.02 grey, and the image lies on the first
        assertThat(knn.size()).isEqualTo(2);
        assertThat(knn.sourceImages()).isEqualTo(4);
        assertThat(distance[0]).isCloseTo(0, within(1e-6));
        assertThat(knn.summary()).containsEntry("bank", "2 k-means centres of 4 training images");
    }

    @Test
    void shouldKeepEveryImageWhenThereAreNoMoreThanTheCentresAndSurviveIdenticalImages() {
        // Given three training images and the default recipe (5 neighbours, 500 centres)
        PixelKnn few = PixelKnn.bank(uniform(0f, 0.5f, 1f), PixelKnn.Recipe.DEFAULT, 1);

        // Then the bank is the three thumbnails and the term averages over all three
        assertThat(few.size()).isEqualTo(3);
        assertThat(few.k()).isEqualTo(3);
        assertThat(few.summary()).containsEntry("bank", "3 of 3 training images");

        // Given six identical images and two centres, then k-means ends with finite centres on them
        PixelKnn same = PixelKnn.bank(uniform(0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f),
                new PixelKnn.Recipe(1, PixelKnn.Features.PIXELS, 2, 1), 1);
        assertThat(same.size()).isEqualTo(2);
        assertThat(same.distances(uniform(0.3f))[0]).isCloseTo(0, within(1e-6));
    }

    @Test
    void shouldMultiplyTheExponentByTheRelativeWeight() {
        // Given the held-out images of the weighing test, and a relative weight of 4
        PixelKnn knn = PixelKnn.fit(uniform(0f, 1f), uniform(0.1f, 0.5f), new float[] {1e-3f, 4e-3f},
                new PixelKnn.Recipe(1, PixelKnn.Features.PIXELS, 0, 4), 7);

        // Then the distance's z-score counts four times the error's: on the log scale the two images
        // differ by ln 4 in the error and 4 ln 4 in the weighed distance, 5 ln 4 in all, so the
        // exponents are 1/5 and 4 ln 4 / ln 5 / 5
        assertThat(knn.blurExponent()).isCloseTo(0.2, within(1e-6));
        assertThat(knn.weight()).isCloseTo(4 * Math.log(4) / Math.log(5) / 5, within(1e-5));
        assertThat(knn.relativeWeight()).isEqualTo(4.0);
    }

    /** The pixels-only recipe with {@code k} neighbours, every image in the bank, equal weights. */
    private static PixelKnn.Recipe pixels(int k) {
        return new PixelKnn.Recipe(k, PixelKnn.Features.PIXELS, 0, 1);
    }

    /** 7x7 grey images, one per value, every pixel that value. */
    private static Images uniform(float... values) {
        float[] pixels = new float[values.length * 49];
        for (int i = 0; i < values.length; i++) {
            Arrays.fill(pixels, i * 49, (i + 1) * 49, values[i]);
        }
        return new Images(pixels, values.length, 1, 7, 7);
    }

    /** A {@code side x side} grey image, black left of column {@code firstWhite} and white from it on. */
    private static Images step(int side, int firstWhite) {
        float[] pixels = new float[side * side];
        for (int y = 0; y < side; y++) {
            Arrays.fill(pixels, y * side + firstWhite, (y + 1) * side, 1f);
        }
        return new Images(pixels, 1, 1, side, side);
    }
}
