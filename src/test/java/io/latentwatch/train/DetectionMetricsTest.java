package io.latentwatch.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DetectionMetricsTest {

    @Test
    void shouldMeasureRankingQuality() {
        boolean[] anomaly = {false, false, true, true};
        assertThat(DetectionMetrics.auroc(new float[] {1, 2, 3, 4}, anomaly)).isEqualTo(1.0);
        assertThat(DetectionMetrics.auroc(new float[] {4, 3, 2, 1}, anomaly)).isEqualTo(0.0);
        assertThat(DetectionMetrics.auroc(new float[] {1, 1, 1, 1}, anomaly)).isEqualTo(0.5);
        assertThat(DetectionMetrics.auroc(new float[] {1, 3, 2, 4}, anomaly)).isEqualTo(0.75);
        assertThat(DetectionMetrics.averagePrecision(new float[] {1, 2, 3, 4}, anomaly)).isEqualTo(1.0);
        // ranking: a(4) n(3) a(2) n(1): precision 1 at the first anomaly, 2/3 at the second
        assertThat(DetectionMetrics.averagePrecision(new float[] {1, 3, 2, 4}, new boolean[] {false, false, true, true}))
                .isCloseTo((1.0 + 2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void shouldCountAScoreAtTheThresholdAsAnAnomaly() {
        DetectionMetrics.AtThreshold at = DetectionMetrics.at(new float[] {1, 2, 3, 4},
                new boolean[] {false, true, false, true}, 2);
        assertThat(at.truePositives()).isEqualTo(2);
        assertThat(at.falsePositives()).isEqualTo(1);
        assertThat(at.recall()).isEqualTo(1.0);
        assertThat(at.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(at.fpr()).isEqualTo(0.5);
    }
}
