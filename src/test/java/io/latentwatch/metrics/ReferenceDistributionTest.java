package io.latentwatch.metrics;

import io.latentwatch.model.MetadataKeys;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ReferenceDistributionTest {
    @Test
    void shouldReadTheValidationScoresOfAModel() {
        // Given a model's metadata with 101 quantiles of scores uniform on [0, 0.01]
        Map<String, String> metadata = Map.of(MetadataKeys.VALIDATION_SCORES, MonitoredModels.uniformScores(0.01));

        // When read
        ReferenceDistribution reference = ReferenceDistribution.fromMetadata(metadata).orElseThrow();

        // Then the count and the interpolated CDF follow
        assertThat(reference.count()).isEqualTo(1000);
        assertThat(reference.cdf(0.005)).isCloseTo(0.5, within(1e-9));
        assertThat(reference.cdf(0.00125)).isCloseTo(0.125, within(1e-9));
        assertThat(reference.cdf(-1)).isZero();
        assertThat(reference.cdf(0.01)).isEqualTo(1);
        assertThat(reference.cdfBelow(0)).isZero();
    }

    @Test
    void shouldBeAbsentForAModelWithoutValidationScores() {
        // Given a user-exported model without latentwatch metadata  When read  Then there is no reference, and no error
        assertThat(ReferenceDistribution.fromMetadata(Map.of())).isEmpty();
    }

    @Test
    void shouldRefuseValidationScoresThatAreNotTheDocumentedJson() {
        // Given malformed, short or unordered quantiles  When read  Then the error names the key and the fault
        assertThatThrownBy(() -> ReferenceDistribution.fromMetadata(Map.of(MetadataKeys.VALIDATION_SCORES, "{oops")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ReferenceDistribution.fromMetadata(Map.of(MetadataKeys.VALIDATION_SCORES,
                "{\"count\": 3, \"quantiles\": [0, 1, 2]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 101 quantiles");
        String descending = MonitoredModels.uniformScores(1).replace("[0.00000000,", "[5,");
        assertThatThrownBy(() -> ReferenceDistribution.fromMetadata(Map.of(MetadataKeys.VALIDATION_SCORES, descending)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    }
}
