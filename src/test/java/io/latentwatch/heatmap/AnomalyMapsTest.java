package io.latentwatch.heatmap;

import io.latentwatch.model.Normalization;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

public class AnomalyMapsTest {
    private static final ImageShape GREY = new ImageShape(1, 28, 28, Normalization.UNIT);

    @Test
    void shouldDrawAHeatmapPngOfTheInputsSizeWithinItsByteBound() throws IOException {
        // Given an input and a reconstruction that differ by noise everywhere (the worst case for compression)
        Random random = new Random(1);
        float[] input = new float[GREY.size()];
        float[] reconstruction = new float[GREY.size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextFloat();
            reconstruction[i] = random.nextFloat();
        }

        // When the anomaly map is drawn
        byte[] png = AnomalyMaps.png(input, reconstruction, GREY);

        // Then it is a PNG of the input's size that keeps to the documented bound
        BufferedImage image = decode(png);
        assertThat(image.getWidth()).isEqualTo(28);
        assertThat(image.getHeight()).isEqualTo(28);
        assertThat(png.length).isLessThanOrEqualTo(AnomalyMaps.maxBytes(28, 28));
        assertThat(AnomalyMaps.maxBytes(28, 28)).isLessThan(2000);
    }

    @Test
    void shouldBeBrighterWhereTheReconstructionErrorIs() throws IOException {
        // Given a reconstruction that is exact except in a 6x6 square, where it misses by 80% of the pixel range
        float[] input = new float[GREY.size()];
        float[] reconstruction = new float[GREY.size()];
        for (int y = 10; y < 16; y++) {
            for (int x = 4; x < 10; x++) {
                input[y * 28 + x] = 0.9f;
                reconstruction[y * 28 + x] = 0.1f;
            }
        }

        // When the anomaly map is drawn
        BufferedImage image = decode(AnomalyMaps.png(input, reconstruction, GREY));

        // Then the square has the colour of that error on the fixed scale and the rest the colour of no error
        assertThat(image.getRGB(6, 12) & 0xFFFFFF).isEqualTo(ColorScale.rgbOf(0.8f));
        assertThat(image.getRGB(20, 20) & 0xFFFFFF).isEqualTo(ColorScale.rgb(0));
        assertThat(luminance(image.getRGB(6, 12))).isGreaterThan(luminance(image.getRGB(20, 20)) + 100);
    }

    @Test
    void shouldMeasureTheErrorInPixelRangeWhateverTheNormalisation() {
        // Given the same 8-bit difference (a quarter of the range) under unit and symmetric normalisation
        ImageShape symmetric = new ImageShape(1, 1, 1, Normalization.parse("symmetric"));
        ImageShape unit = new ImageShape(1, 1, 1, Normalization.UNIT);

        // When the error maps are computed
        float[] a = AnomalyMaps.errors(new float[] {0.5f}, new float[] {0.0f}, 0, symmetric);
        float[] b = AnomalyMaps.errors(new float[] {0.25f}, new float[] {0.0f}, 0, unit);

        // Then both are 0.25, the scale's red (its middle)
        assertThat(a[0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(b[0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(ColorScale.index(0.25f)).isEqualTo(128);
    }

    @Test
    void shouldAverageTheChannelsOfAColourImage() {
        // Given an RGB image whose reconstruction misses only in the red channel, by 0.6
        ImageShape rgb = new ImageShape(3, 2, 2, Normalization.UNIT);
        float[] input = new float[rgb.size()];
        float[] reconstruction = new float[rgb.size()];
        input[0] = 0.6f;

        // When the error map is computed
        float[] errors = AnomalyMaps.errors(input, reconstruction, 0, rgb);

        // Then the pixel's error is the channel mean, 0.2, and the others are 0
        assertThat(errors).containsExactly(new float[] {0.2f, 0, 0, 0}, within(1e-6f));
    }

    @Test
    void shouldReadTheImageAtItsOffsetInABatch() {
        // Given a batch of two images, the second with an error in its first pixel
        float[] input = new float[2 * GREY.size()];
        float[] reconstruction = new float[2 * GREY.size()];
        input[GREY.size()] = 1f;

        // When the map of the second image is computed
        float[] errors = AnomalyMaps.errors(input, reconstruction, GREY.size(), GREY);

        // Then it shows that error
        assertThat(errors[0]).isEqualTo(1f);
        assertThatThrownBy(() -> AnomalyMaps.errors(input, reconstruction, GREY.size() + 1, GREY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldShrinkALargeMapToFitAByteLimitKeepingItsHotSpot() throws IOException {
        // Given a 224x224 RGB input with one wrong pixel, and a limit far below a full-size map's bound
        ImageShape large = new ImageShape(3, 224, 224, Normalization.UNIT);
        float[] input = new float[large.size()];
        float[] reconstruction = new float[large.size()];
        for (int c = 0; c < 3; c++) {
            input[c * large.pixels() + 101 * 224 + 37] = 1f;
        }

        // When the map is made to fit 16 KB
        byte[] png = AnomalyMaps.png(input, reconstruction, 0, large, 16_384);

        // Then it is halved until it fits, and the wrong pixel is still there at full error
        BufferedImage image = decode(png);
        assertThat(png.length).isLessThanOrEqualTo(16_384);
        assertThat(image.getWidth()).isEqualTo(112);
        assertThat(image.getRGB(37 / 2, 101 / 2) & 0xFFFFFF).isEqualTo(ColorScale.rgbOf(1f));
    }

    @Test
    void shouldUseAColourScaleThatBrightensWithTheError() {
        // Given the fixed colour scale
        // When it is read from no error to full error
        // Then every step is at least as bright as the one before, from black to pale yellow
        assertThat(ColorScale.index(0f)).isZero();
        assertThat(ColorScale.index(Float.NaN)).isZero();
        assertThat(ColorScale.index(2f)).isEqualTo(255);
        for (int i = 1; i < ColorScale.SIZE; i++) {
            assertThat(luminance(ColorScale.rgb(i))).isGreaterThanOrEqualTo(luminance(ColorScale.rgb(i - 1)) - 1);
        }
        assertThat(luminance(ColorScale.rgb(255))).isGreaterThan(240);
        assertThat(luminance(ColorScale.rgb(0))).isLessThan(5);
    }

    public static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a readable PNG").isNotNull();
        return image;
    }

    public static double luminance(int rgb) {
        return 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
    }
}
