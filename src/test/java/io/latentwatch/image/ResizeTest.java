package io.latentwatch.image;

import io.latentwatch.model.Normalization;
import io.latentwatch.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResizeTest {
    @Test
    void shouldResizeEverySourceSizeUpTo300InBothDimensionsToAUniformResult() {
        // Given uniform planes of every size from 1x1 to 300x300, at an offset as the RGB planes are
        float[] src = new float[300 * 300 + 3];
        Arrays.fill(src, 0.25f);
        float[] dst = new float[28 * 28];
        for (int sh = 1; sh <= 300; sh++) {
            for (int sw = 1; sw <= 300; sw++) {
                // When each is resized to the model's 28x28
                Resize.into(src, 3, sw, sh, dst, 28, 28);

                // Then nothing is read past the plane and the weights of every pixel add up to one
                for (float v : dst) {
                    if (Math.abs(v - 0.25f) > 1e-5f) {
                        throw new AssertionError(sw + "x" + sh + " -> 28x28: " + v);
                    }
                }
            }
        }
    }

    @Test
    void shouldKeepEveryPixelAWeightedMeanForOtherModelSizes() {
        // Given random planes of many sizes, larger and smaller than a 64x48 model in each dimension
        SplittableRandom random = new SplittableRandom(7);
        float[] src = new float[300 * 300];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) random.nextDouble();
        }
        float[] dst = new float[64 * 48];
        for (int sh = 1; sh <= 300; sh += 7) {
            for (int sw = 1; sw <= 300; sw += 3) {
                // When resized
                Resize.into(src, 0, sw, sh, dst, 64, 48);

                // Then every output pixel lies within the source's range
                for (float v : dst) {
                    if (!(v >= 0 && v <= 1)) {
                        throw new AssertionError(sw + "x" + sh + " -> 64x48: " + v);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"29,29", "58,58", "123,123", "231,231", "3000,3000", "4000,3000", "3000,4000",
            "1,1", "7,500", "1920,1080", "14,14", "56,14"})
    void shouldScoreValidImagesOfAwkwardSizesInGreyAndColour(int width, int height) throws Exception {
        // Given a PNG of that size, grey and colour
        ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);
        byte[] grey = TestImages.greyPng(width, height, 128);
        byte[] colour = TestImages.rgb(width, height, 0x3366CC, "png");

        for (int channels : new int[] {1, 3}) {
            ImagePreprocessor.Shape shape = new ImagePreprocessor.Shape(channels, 28, 28, Normalization.UNIT);
            float[] out = new float[channels * 28 * 28];

            // When each is converted for a grey and an RGB model
            preprocessor.toInput(grey, "image/png", shape, out, 0);

            // Then the uniform value comes through unchanged
            for (float v : out) {
                assertThat(v).isCloseTo(128 / 255f, within(1e-4f));
            }
            preprocessor.toInput(colour, "image/png", shape, out, 0);
            for (float v : out) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }
}
