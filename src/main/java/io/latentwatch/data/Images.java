package io.latentwatch.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Normalised images as one float array, {@code [count, channels, height, width]} row-major: the
 * layout of a model input batch.
 *
 * @param pixels   {@code count * channels * height * width} floats
 * @param count    number of images
 * @param channels channels per image (1 grey, 3 RGB)
 * @param height   image height
 * @param width    image width
 */
public record Images(float[] pixels, int count, int channels, int height, int width) {
    public Images {
        Objects.requireNonNull(pixels, "pixels");
        if ((long) count * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " floats do not hold " + count + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    /** Floats per image. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The images at the given indexes, in that order. */
    public Images select(int[] indexes) {
        int size = imageSize();
        float[] out = new float[indexes.length * size];
        for (int i = 0; i < indexes.length; i++) {
            System.arraycopy(pixels, indexes[i] * size, out, i * size, size);
        }
        return new Images(out, indexes.length, channels, height, width);
    }

    /** The images {@code from} (inclusive) to {@code to} (exclusive). */
    public Images range(int from, int to) {
        int size = imageSize();
        return new Images(Arrays.copyOfRange(pixels, from * size, to * size), to - from, channels, height, width);
    }

    /** These images followed by {@code other}'s, which must have the same shape. */
    public Images concat(Images other) {
        if (other.channels != channels || other.height != height || other.width != width) {
            throw new IllegalArgumentException("cannot join images of different shapes");
        }
        float[] out = Arrays.copyOf(pixels, pixels.length + other.pixels.length);
        System.arraycopy(other.pixels, 0, out, pixels.length, other.pixels.length);
        return new Images(out, count + other.count, channels, height, width);
    }
}
