package io.latentwatch.model;

import java.util.SplittableRandom;

/**
 * The fixed batch every model is checked on before it serves: plain images and textured ones, so
 * that a model whose score does not depend on its input shows itself.
 */
final class ProbeImages {
    private static final String[] NAMES = {"grey", "black", "white", "stripes", "checkerboard", "noise"};
    static final int COUNT = NAMES.length;

    private ProbeImages() {
    }

    static String name(int index) {
        return NAMES[index];
    }

    /** Writes the {@link #COUNT} probe images, CHW each, normalised as the model expects. */
    static void fill(float[] pixels, int channels, int height, int width, Normalization normalization) {
        SplittableRandom random = new SplittableRandom(42);
        int size = channels * height * width;
        for (int i = 0; i < COUNT; i++) {
            int offset = i * size;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int p = switch (i) {
                            case 0 -> 128;
                            case 1 -> 0;
                            case 2 -> 255;
                            case 3 -> (x / 2) % 2 == 0 ? 230 : 25;
                            case 4 -> ((x / 4) + (y / 4)) % 2 == 0 ? 255 : 0;
                            default -> random.nextInt(256);
                        };
                        pixels[offset + (c * height + y) * width + x] = normalization.apply(p);
                    }
                }
            }
        }
    }
}
