package io.latentwatch.train;

import io.latentwatch.data.Images;
import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The share of traffic a current model flags, which decides whether a drift round overrides the comparison. */
class FlaggedShareTest {
    private static final int PIXELS = 28 * 28;

    @Test
    void shouldCountTheImagesAtOrAboveTheModelsOwnThreshold() {
        // Given a model that takes black as normal (threshold 0.5) and traffic of 3 white and 1 black image
        byte[] model = TestModels.blackIsNormal("v1", 0.5);
        Images traffic = images(1f, 1f, 1f, 0f);

        // When the share it flags is measured  Then it is 3 of 4, above the share that overrides the comparison
        assertThat(ModelComparison.flaggedShare(model, traffic)).isEqualTo(0.75);
        assertThat(ModelComparison.flaggedShare(model, traffic)).isGreaterThan(TrainJob.LOST_TRAFFIC_SHARE);
        assertThat(ModelComparison.flaggedShare(model, images(0f, 0f, 1f, 0f))).isEqualTo(0.25);
    }

    @Test
    void shouldFlagNothingWhenTheModelDoesNotLoadOrTakesOtherImages() {
        assertThat(ModelComparison.flaggedShare("not onnx".getBytes(), images(1f, 1f))).isZero();
        Images larger = new Images(new float[32 * 32], 1, 1, 32, 32);
        assertThat(ModelComparison.flaggedShare(TestModels.blackIsNormal("v1", 0.5), larger)).isZero();
    }

    /** Uniform 28x28 grey images of the given normalised pixel values. */
    private static Images images(float... values) {
        float[] pixels = new float[values.length * PIXELS];
        for (int i = 0; i < values.length; i++) {
            Arrays.fill(pixels, i * PIXELS, (i + 1) * PIXELS, values[i]);
        }
        return new Images(pixels, values.length, 1, 28, 28);
    }
}
