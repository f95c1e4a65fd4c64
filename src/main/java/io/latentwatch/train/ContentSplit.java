package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.util.stream.IntStream;

/**
 * Splits images into training and held-out sets by their content: every copy of an image lands
 * on the same side. Traffic repeats images (producer retries, a replayed data set), and a held-out
 * copy of a training image scores as low as a training image, which would set the threshold too
 * low. The side is a seeded hash of the pixels, so the split is reproducible.
 */
final class ContentSplit {
    private ContentSplit() {
    }

    /** {@code [train, held out]}; about {@code fraction} of the distinct images are held out. */
    static Images[] split(Images images, double fraction, long seed) {
        boolean[] held = new boolean[images.count()];
        for (int i = 0; i < held.length; i++) {
            held[i] = unit(hash(images, i) ^ seed) < fraction;
        }
        int[] train = IntStream.range(0, held.length).filter(i -> !held[i]).toArray();
        int[] validation = IntStream.range(0, held.length).filter(i -> held[i]).toArray();
        return new Images[] {images.select(train), images.select(validation)};
    }

    private static long hash(Images images, int index) {
        int size = images.imageSize();
        float[] pixels = images.pixels();
        long h = 0xcbf29ce484222325L;
        for (int p = index * size; p < (index + 1) * size; p++) {
            h = (h ^ Float.floatToIntBits(pixels[p])) * 0x100000001b3L;
        }
        return h;
    }

    /** A well-mixed value in [0, 1) from any long (SplitMix64's finaliser). */
    private static double unit(long x) {
        long z = x + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
