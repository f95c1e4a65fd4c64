package io.latentwatch.viz;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PcaTest {
    @Test
    void shouldProjectOnTheDirectionsOfLargestVariance() {
        // Given 4-D points spread 10 along (1,1,0,0)/sqrt2, 3 along (0,0,1,0), and 0.1 along the last axis
        Random random = new Random(3);
        float[][] vectors = new float[2000][];
        double s = Math.sqrt(0.5);
        for (int i = 0; i < vectors.length; i++) {
            double a = 10 * random.nextGaussian();
            double b = 3 * random.nextGaussian();
            vectors[i] = new float[] {(float) (a * s + 5), (float) (a * s), (float) b, (float) (0.1 * random.nextGaussian())};
        }

        // When they are projected to 2-D
        Pca pca = Pca.project(vectors);

        // Then the axes carry the two large spreads, in order, and the variance shares say so
        assertThat(pca.points()).hasNumberOfRows(2000);
        assertThat(pca.explained()[0]).isCloseTo(100.0 / 109.01, within(0.02));
        assertThat(pca.explained()[1]).isCloseTo(9.0 / 109.01, within(0.02));
        assertThat(std(pca.points(), 0)).isCloseTo(10, within(0.5));
        assertThat(std(pca.points(), 1)).isCloseTo(3, within(0.2));
    }

    private static double std(float[][] points, int axis) {
        double mean = 0;
        for (float[] p : points) {
            mean += p[axis] / (double) points.length;
        }
        double var = 0;
        for (float[] p : points) {
            var += (p[axis] - mean) * (p[axis] - mean) / (points.length - 1);
        }
        return Math.sqrt(var);
    }
}
