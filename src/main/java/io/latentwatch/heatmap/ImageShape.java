package io.latentwatch.heatmap;

import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.Normalization;

import java.util.Objects;

/**
 * The layout of one model input, {@code [C, H, W]} floats, and the normalisation that turned 8-bit
 * pixels into them; the pictures undo it to show the input as the model sees it.
 *
 * @param channels      1 (grey) or 3 (RGB)
 * @param height        image height
 * @param width         image width
 * @param normalization how pixels were mapped to model input
 */
public record ImageShape(int channels, int height, int width, Normalization normalization) {
    public ImageShape {
        Objects.requireNonNull(normalization, "normalization");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("pictures need 1 or 3 channels, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
    }

    /** The input shape of a loaded model. */
    public static ImageShape of(ModelInfo info) {
        return new ImageShape(info.channels(), info.height(), info.width(), info.normalization());
    }

    /** Floats per image. */
    public int size() {
        return channels * height * width;
    }

    /** Pixels per channel. */
    public int pixels() {
        return height * width;
    }

    /** A model-input value as a display intensity in [0, 1] (the normalisation undone, then clamped). */
    public float display(float value) {
        float unit = (value - normalization.offset()) / (normalization.scale() * 255f);
        return unit < 0 ? 0 : unit > 1 ? 1 : unit;
    }

    /**
     * A difference of two model-input values in display units: a fraction of the full 0..255 pixel
     * range, so that the colour scale means the same for every normalisation.
     */
    public float displayDifference(float a, float b) {
        return Math.abs(a - b) / (normalization.scale() * 255f);
    }

    /** The packed RGB of the pixel at {@code (y, x)} of the image at {@code offset}. */
    public int rgb(float[] image, int offset, int y, int x) {
        int p = y * width + x;
        if (channels == 1) {
            int g = Math.round(display(image[offset + p]) * 255);
            return (g << 16) | (g << 8) | g;
        }
        int plane = pixels();
        int r = Math.round(display(image[offset + p]) * 255);
        int g = Math.round(display(image[offset + plane + p]) * 255);
        int b = Math.round(display(image[offset + 2 * plane + p]) * 255);
        return (r << 16) | (g << 8) | b;
    }
}
