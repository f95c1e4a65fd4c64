package io.latentwatch.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void shouldRefuseNoScores() {
        assertThatThrownBy(() -> ContaminationEstimate.of(new float[0])).hasMessageContaining("no scores");
    }

    @Test
    void shouldKeepAllButTheHighestShareAndBreakTiesByPosition() {
        float[] values = {5, 1, 5, 3, 5};
        assertThat(Trimming.keepLowest(values, 0.4)).containsExactly(false, true, false, true, true);
        assertThat(Trimming.keepLowest(values, 0.1)).isNull();
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
