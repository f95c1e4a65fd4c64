package io.latentwatch.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
    void shouldEstimateTheQuantileAsHarrellAndDavisDo() {
        // Given scores whose Harrell-Davis quantiles scipy computes (scipy.stats.beta weights):
        // 0..999 at 0.99 -> 989.4999999972, i^2 for i in 0..199 at 0.95 -> 35919.73927307
        float[] line = new float[1000];
        for (int i = 0; i < line.length; i++) {
            line[i] = i;
        }
        float[] squares = new float[200];
        for (int i = 0; i < squares.length; i++) {
            squares[i] = i * i;
        }

        // Then the smoothed thresholds match to a part in a million
        assertThat(Calibration.forFalsePositiveRateSmoothed(line, 0.01)).isCloseTo(989.5, within(1e-3));
        assertThat(Calibration.forFalsePositiveRateSmoothed(squares, 0.05)).isCloseTo(35919.739, within(0.04));
    }

    @Test
    void shouldKeepTheRawRuleWhenTooFewScoresForTheSmoothedQuantile() {
        // Given 90 scores, fewer than 1 / 0.01
        float[] scores = new float[90];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i;
        }

        // Then the threshold is just above the largest, as the raw rule has it
        assertThat(Calibration.forFalsePositiveRateSmoothed(scores, 0.01))
                .isEqualTo(Calibration.forFalsePositiveRate(scores, 0.01)).isGreaterThan(89);
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
    void shouldReadTheThresholdOffAnExponentialTailThroughTheMedianAndThe90thPercentile() {
        // Given 21 scores whose logs are 0, 1, ..., 20: median 10, 90th percentile 18
        float[] scores = new float[21];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) Math.exp(i);
        }

        // When calibrated for 1% by the tail
        double threshold = Calibration.forFalsePositiveRateByTail(scores, 0.01);

        // Then the log tail falls by a factor 5 (0.5 / 0.1) over 18 - 10 = 8, and the threshold lies a factor
        // 50 (0.5 / 0.01) beyond the median: log 10 + 8 ln(50) / ln(5)
        assertThat(Math.log(threshold)).isCloseTo(10 + 8 * Math.log(50) / Math.log(5), within(1e-4));
    }

    @Test
    void shouldLeaveOutTheImagesJudgedAnomalousBeforeFittingTheTail() {
        // Given 21 scores whose logs are 0, 1, ..., 20 (median 10, 90th percentile 18), and one more marked anomalous
        float[] scores = new float[22];
        boolean[] anomalous = new boolean[22];
        for (int i = 0; i < 21; i++) {
            scores[i] = (float) Math.exp(i);
        }
        scores[21] = (float) Math.exp(40);
        anomalous[21] = true;

        // When the images judged normal are calibrated for 1%
        float[] normal = Calibration.judgedNormal(scores, anomalous);
        double threshold = Calibration.forFalsePositiveRateByTail(normal, 0.01);

        // Then the marked score is left out, and the log tail falls by a factor 0.5 / 0.1 over 18 - 10 = 8
        assertThat(normal).hasSize(21).doesNotContain(scores[21]);
        assertThat(Math.log(threshold)).isCloseTo(10 + 8 * Math.log(50) / Math.log(0.5 / 0.1), within(1e-4));
    }

    @Test
    void shouldHoldTheTargetOnFreshImagesBetterThanTheRawQuantileOfAFewHundredHeldOutImages() {
        // Given 300 rounds of 180 held-out normal scores whose logs have an exponential tail (Laplace, median 0,
        // scale 1), so that a threshold t > 1 flags a share 0.5 / t of all normal images
        Random random = new Random(7);
        double tailError = 0;
        double rawError = 0;
        double tailMean = 0;
        int rounds = 300;
        for (int r = 0; r < rounds; r++) {
            float[] heldOut = new float[180];
            for (int i = 0; i < heldOut.length; i++) {
                double u = random.nextDouble() - 0.5;
                heldOut[i] = (float) Math.exp(-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
            }

            // When each round is calibrated for 1% by the tail and by the raw quantile
            double tail = 0.5 / Calibration.forFalsePositiveRateByTail(heldOut, 0.01);
            double raw = 0.5 / Calibration.forFalsePositiveRate(heldOut, 0.01);
            tailMean += tail / rounds;
            tailError += Math.abs(tail - 0.01) / rounds;
            rawError += Math.abs(raw - 0.01) / rounds;
        }

        // Then the tail's false-positive rate is about 1% on average, and strays from it less than the raw quantile's
        assertThat(tailMean).isBetween(0.009, 0.013);
        assertThat(tailError).isLessThan(rawError);
    }

    @Test
    void shouldFallBackToTheRawQuantileForHighTargetsAndFewScores() {
        float[] scores = new float[1000];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i + 1;
        }
        assertThat(Calibration.forFalsePositiveRateByTail(scores, 0.1))
                .isEqualTo(Calibration.forFalsePositiveRate(scores, 0.1));
        float[] few = Arrays.copyOf(scores, Calibration.MIN_TAIL_SCORES - 1);
        assertThat(Calibration.forFalsePositiveRateByTail(few, 0.01))
                .isEqualTo(Calibration.forFalsePositiveRate(few, 0.01));
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
    void shouldAimBelowTheTargetFprWhereTheContaminationIsTooLowForTheTargetPrecision() {
        // Given traffic with 1% anomalies and the defaults: a 1% false-positive rate, 70% of the flags anomalies
        double aimed = Calibration.fprForPrecision(0.01, 0.01, 0.7);

        // Then the aim is the rate at which even a perfect recall leaves 70% of the flags anomalies
        assertThat(aimed).isCloseTo(0.01 * 0.3 / (0.7 * 0.99), within(1e-12));
        double precisionAtFullRecall = 0.01 / (0.01 + aimed * 0.99);
        assertThat(precisionAtFullRecall).isCloseTo(0.7, within(1e-9));

        // And from about 2.3% anomalies on, the target rate itself already allows it
        assertThat(Calibration.fprForPrecision(0.01, 0.05, 0.7)).isEqualTo(0.01);
        assertThat(Calibration.fprForPrecision(0.01, 0.023, 0.7)).isEqualTo(0.01);
        // traffic estimated clean still flags what stands out: never below a quarter of the target
        assertThat(Calibration.fprForPrecision(0.01, 0.0, 0.7)).isEqualTo(0.0025);
        assertThat(Calibration.fprForPrecision(0.01, 0.001, 0.7)).isEqualTo(0.0025);
        // 0 turns it off; a contamination that is no share leaves the target as it is
        assertThat(Calibration.fprForPrecision(0.01, 0.01, 0)).isEqualTo(0.01);
        assertThat(Calibration.fprForPrecision(0.01, Double.NaN, 0.7)).isEqualTo(0.01);
    }

    @Test
    void shouldRefuseATargetOutsideZeroToOne() {
        assertThatThrownBy(() -> Calibration.forFalsePositiveRate(new float[] {1}, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--target-fpr");
    }

    @Test
    void shouldWarnWhenTheThresholdFlagsFarFewerHeldOutImagesThanTheEstimateHoldsAnomalous() {
        float[] scores = new float[1000];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i + 1;
        }
        assertThat(Calibration.flaggedShare(scores, 990.5)).isEqualTo(0.01);
        assertThat(Calibration.flaggedShare(new float[0], 1)).isZero();
        // 1% flagged against an estimate of 6%: the threshold sits above most of them, or the estimate is too high
        assertThat(Calibration.tooFewFlagged(Calibration.flaggedShare(scores, 990.5), 0.06, true))
                .contains("flags 1.0% of the held-out traffic, while 6.0% of it is taken as anomalous")
                .contains("either the threshold sits above many of the anomalies", "fewer than estimated (the estimate reads 3-6% on traffic with 1%)", "--threshold");
        assertThat(Calibration.tooFewFlagged(0.01, 0.06, false)).contains("fewer than the given --contamination");
        // in agreement, or an estimate within the hard-normal floor (mostly normal images): no warning
        assertThat(Calibration.tooFewFlagged(0.05, 0.06, true)).isNull();
        assertThat(Calibration.tooFewFlagged(0.003, 0.04, true)).isNull();
        assertThat(Calibration.tooFewFlagged(0.01, Double.NaN, true)).isNull();
    }
}
