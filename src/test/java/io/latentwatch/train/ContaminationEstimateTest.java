package io.latentwatch.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ContaminationEstimateTest {

    @Test
    void shouldEstimateTheShareOfScoresFarAboveTheBulk() {
        // Given 1900 log-normal normal scores and 100 anomalies scoring ten times higher
        float[] scores = mixture(1900, 100, new Random(5));

        // When the contamination is estimated
        ContaminationEstimate estimate = ContaminationEstimate.of(scores);

        // Then it finds about 5%, measured against the normal bulk only
        assertThat(estimate.share()).isBetween(0.045, 0.055);
        assertThat(estimate.median()).isBetween(0.9, 1.1);
    }

    @Test
    void shouldFindAlmostNothingInCleanScores() {
        // Given only normal scores
        float[] scores = mixture(5000, 0, new Random(6));

        // When the contamination is estimated, then hardly any normal image counts as an anomaly
        assertThat(ContaminationEstimate.of(scores).share()).isLessThan(0.005);
    }

    @Test
    void shouldCountTheScoresMoreThanFourDeviationsAboveTheMedianOnTheLogScale() {
        // Given eleven scores whose logs are -3 -2 -1 -1 -1 0 1 2 5 8 20: median 0, absolute deviations
        // 0 1 1 1 1 2 2 3 5 8 20 with median 2
        float[] scores = exps(-3, -2, -1, -1, -1, 0, 1, 2, 5, 8, 20);

        // When the contamination is estimated
        ContaminationEstimate estimate = ContaminationEstimate.of(scores);

        // Then the spread is 1.4826 x 2, the cut lies 4 spreads above the median (log 11.86), and only the 20
        // lies beyond it
        assertThat(estimate.median()).isCloseTo(1.0, within(1e-9));
        assertThat(estimate.logSpread()).isCloseTo(2 * 1.4826, within(1e-6));
        assertThat(Math.log(estimate.cut())).isCloseTo(4 * 2 * 1.4826, within(1e-5));
        assertThat(estimate.share()).isCloseTo(1.0 / 11, within(1e-9));
        // and at 2 spreads (log 5.93) the 8 counts too
        assertThat(ContaminationEstimate.of(scores, 2).share()).isCloseTo(2.0 / 11, within(1e-9));
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 100, 200, 400})
    void shouldReadTheShareOfWellSeparatedAnomaliesFromOneToTwentyPercent(int anomalies) {
        // Given 2000 scores of which 1%, 5%, 10% or 20% are anomalies scoring ten times higher
        float[] scores = mixture(2000 - anomalies, anomalies, new Random(anomalies));

        // When the contamination is estimated
        double share = ContaminationEstimate.of(scores).share();

        // Then it reads at least 90% of the share and never more than half a point above it (the more anomalies,
        // the wider the MAD: 20% reads about 19%)
        double truth = anomalies / 2000.0;
        assertThat(share).isBetween(0.9 * truth, truth + 0.005);
    }

    @Test
    void shouldRefuseNoScores() {
        assertThatThrownBy(() -> ContaminationEstimate.of(new float[0])).hasMessageContaining("no scores");
    }

    @Test
    void shouldKeepAllButTheHighestShareAndBreakTiesByPosition() {
        float[] values = {5, 1, 5, 3, 5};
        assertThat(Trimming.keepLowest(values, 0.4)).containsExactly(false, true, false, true, true);
        assertThat(Trimming.keepLowest(values, 0.1)).isNull();
    }

    private static float[] exps(double... logs) {
        float[] scores = new float[logs.length];
        for (int i = 0; i < logs.length; i++) {
            scores[i] = (float) Math.exp(logs[i]);
        }
        return scores;
    }

    /** Log-normal scores of normal images (median 1, sigma 0.3) and anomalies ten times higher. */
    static float[] mixture(int normal, int anomalies, Random random) {
        float[] scores = new float[normal + anomalies];
        for (int i = 0; i < scores.length; i++) {
            double z = random.nextGaussian() * 0.3;
            scores[i] = (float) Math.exp(i < normal ? z : z + Math.log(10));
        }
        return scores;
    }
}
