package io.latentwatch.metrics;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DriftStatisticsTest {
    private final ReferenceDistribution uniform = ReferenceDistribution.fromMetadata(
            Map.of(io.latentwatch.model.MetadataKeys.VALIDATION_SCORES, MonitoredModels.uniformScores(1.0))).orElseThrow();

    @Test
    void shouldFindNoDriftWhenLiveScoresFollowTheValidationScores() {
        // Given live scores spread evenly over [0, 1], like the validation scores
        float[] live = evenly(0, 1, 1000);

        // When PSI and KS compare them  Then both are near zero
        assertThat(DriftStatistics.psi(live, live.length, uniform)).isCloseTo(0, within(1e-3));
        assertThat(DriftStatistics.ks(live, live.length, uniform)).isCloseTo(0, within(2e-3));
    }

    @Test
    void shouldMeasureAShiftOfHalfTheRange() {
        // Given live scores uniform on [0.5, 1.5] against validation scores uniform on [0, 1]
        float[] live = evenly(0.5, 1.5, 1000);

        // When compared
        double psi = DriftStatistics.psi(live, live.length, uniform);
        double ks = DriftStatistics.ks(live, live.length, uniform);

        // Then KS is the CDF gap at 1 (1 - 0.5), and PSI sums five empty deciles and one holding 60%
        double floor = DriftStatistics.PSI_FLOOR;
        double expectedPsi = 5 * (floor - 0.1) * Math.log(floor / 0.1) + (0.6 - 0.1) * Math.log(0.6 / 0.1);
        assertThat(ks).isCloseTo(0.5, within(2e-3));
        assertThat(psi).isCloseTo(expectedPsi, within(0.02));
        assertThat(psi).isGreaterThan(0.25);
    }

    @Test
    void shouldReportCompleteDriftWhenEveryLiveScoreIsAboveEveryValidationScore() {
        // Given live scores all above the largest validation score
        float[] live = new float[200];
        java.util.Arrays.fill(live, 2f);

        // When compared  Then KS is 1 and PSI is large but finite
        assertThat(DriftStatistics.ks(live, live.length, uniform)).isEqualTo(1.0);
        assertThat(DriftStatistics.psi(live, live.length, uniform)).isGreaterThan(1).isFinite();
    }

    @Test
    void shouldHandleValidationScoresWithManyTies() {
        // Given validation scores half exactly 0 (perfect reconstructions) and half uniform on (0, 1]
        double[] q = IntStream.rangeClosed(0, 100).mapToDouble(k -> k <= 50 ? 0 : (k - 50) / 50.0).toArray();
        ReferenceDistribution tied = new ReferenceDistribution(1000, q);
        // and live scores drawn the same way
        float[] live = new float[1000];
        float[] upper = evenly(0, 1, 500);
        System.arraycopy(upper, 0, live, 500, 500);

        // When compared  Then there is no drift: the tie is one bin, not five empty ones
        assertThat(tied.cdf(0)).isEqualTo(0.5);
        assertThat(tied.cdfBelow(0)).isEqualTo(0);
        assertThat(DriftStatistics.ks(live, live.length, tied)).isCloseTo(0, within(2e-3));
        assertThat(DriftStatistics.psi(live, live.length, tied)).isCloseTo(0, within(1e-3));
    }

    @Test
    void shouldUseOnlyTheFirstNScores() {
        // Given a buffer whose tail holds stale values
        float[] buffer = new float[2000];
        System.arraycopy(evenly(0, 1, 1000), 0, buffer, 0, 1000);
        java.util.Arrays.fill(buffer, 1000, 2000, 9f);

        // When compared with n = 1000  Then the tail is ignored
        assertThat(DriftStatistics.ks(buffer, 1000, uniform)).isCloseTo(0, within(2e-3));
    }

    /** n sorted values evenly spread over [from, to]: the midpoints of n equal cells. */
    private static float[] evenly(double from, double to, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (from + (to - from) * (i + 0.5) / n);
        }
        return values;
    }
}
