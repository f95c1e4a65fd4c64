package io.latentwatch.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalibrationTest {

    @Test
    void shouldPickTheThresholdThatFlagsTheTargetShareOfNormalScores() {
        // Given 1000 normal scores 0..999
        float[] scores = new float[1000];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i;
        }

        // When calibrated for 1% false positives
        double threshold = Calibration.forFalsePositiveRate(scores, 0.01);

        // Then exactly 10 of them are at or above it, and it sits between two scores
        assertThat(DetectionMetrics.at(scores, new boolean[1000], threshold).falsePositives()).isEqualTo(10);
        assertThat(threshold).isEqualTo(989.5);
    }

    @Test
    void shouldHoldItsFalsePositiveRateOnFreshScoresFromTheSameDistribution() {
        // Given held-out and fresh normal scores from one distribution
        Random random = new Random(3);
        float[] heldOut = new float[2000];
        float[] fresh = new float[20000];
        for (int i = 0; i < heldOut.length; i++) {
            heldOut[i] = (float) Math.exp(random.nextGaussian());
        }
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = (float) Math.exp(random.nextGaussian());
        }

        // When the threshold is calibrated on the held-out scores for 5%
        double threshold = Calibration.forFalsePositiveRate(heldOut, 0.05);

        // Then about 5% of the fresh scores are flagged
        assertThat(DetectionMetrics.at(fresh, new boolean[fresh.length], threshold).fpr()).isBetween(0.04, 0.06);
    }

    @Test
    void shouldFlagTheTargetShareOfNormalImagesWhenTheHeldOutImagesHoldAnomalies() {
        // Given held-out scores of 1900 normal images and 100 anomalies above them, and fresh normal scores
        Random random = new Random(4);
        float[] heldOut = ContaminationEstimateTest.mixture(1900, 100, random);
        float[] fresh = ContaminationEstimateTest.mixture(20000, 0, random);

        // When the threshold is calibrated for 1% on the held-out images judged normal, and on all of them
        double judged = Calibration.forFalsePositiveRate(Calibration.judgedNormal(heldOut, 0.05), 0.01);
        double all = Calibration.forFalsePositiveRate(heldOut, 0.01);

        // Then the first flags about 1% of fresh normal images; the second, pushed up by the anomalies, almost none
        assertThat(DetectionMetrics.at(fresh, new boolean[fresh.length], judged).fpr()).isBetween(0.006, 0.015);
        assertThat(DetectionMetrics.at(fresh, new boolean[fresh.length], all).fpr()).isLessThan(0.001);
        assertThat(Calibration.judgedNormal(heldOut, 0.05)).hasSize(1900);
    }

    @Test
    void shouldPickTheF1BestThresholdWhenAnomaliesAreLabelled() {
        float[] scores = {0.1f, 0.2f, 0.3f, 0.35f, 0.8f, 0.9f, 0.25f};
        boolean[] anomaly = {false, false, false, true, true, true, false};
        assertThat(Calibration.bestF1(scores, anomaly)).isEqualTo(0.35f);
        assertThatThrownBy(() -> Calibration.bestF1(scores, new boolean[scores.length]))
                .hasMessageContaining("labelled anomalies");
    }

    @Test
    void shouldRefuseATargetOutsideZeroToOne() {
        assertThatThrownBy(() -> Calibration.forFalsePositiveRate(new float[] {1}, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--target-fpr");
    }
}
