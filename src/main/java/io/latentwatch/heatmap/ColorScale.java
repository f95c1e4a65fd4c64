package io.latentwatch.heatmap;

import java.awt.image.IndexColorModel;

/**
 * The fixed colour scale of every error heatmap. A pixel's error {@code e} is its absolute
 * reconstruction error in display units (a fraction of the full 0..255 pixel range, averaged over
 * the channels), so {@code e} lies in [0, 1] whatever the model's normalisation. Its colour is
 * entry {@code round(255 * sqrt(e))} of a 256-step ramp through black (0), purple (0.25: e = 1/16),
 * red (0.5: e = 1/4), orange (0.75: e = 9/16) and pale yellow (1: e = 1). The square root spreads
 * the small errors that most pixels have; the scale does not adapt to the image, so the same colour
 * means the same error in every picture and every anomaly record.
 */
public final class ColorScale {
    /** Number of colours. */
    public static final int SIZE = 256;
    /** Anchor colours at 0, 1/4, 1/2, 3/4 and 1 of the ramp (an inferno-like perceptual ramp). */
    private static final int[] ANCHORS = {0x000004, 0x57106E, 0xBC3754, 0xF98E09, 0xFCFFA4};
    private static final int[] RGB = ramp();
    private static final IndexColorModel MODEL = colorModel();

    private ColorScale() {
    }

    /** The ramp entry of an error in display units; NaN and values past the ends are clamped. */
    public static int index(float error) {
        if (!(error > 0)) {
            return 0;
        }
        if (error >= 1) {
            return SIZE - 1;
        }
        return Math.round((SIZE - 1) * (float) Math.sqrt(error));
    }

    /** The packed RGB of ramp entry {@code index}. */
    public static int rgb(int index) {
        return RGB[index];
    }

    /** The packed RGB of an error in display units. */
    public static int rgbOf(float error) {
        return RGB[index(error)];
    }

    /** The error, in display units, at which entry {@code index} starts to be used (the scale's inverse). */
    public static float errorAt(int index) {
        float v = (float) index / (SIZE - 1);
        return v * v;
    }

    /** The ramp as an 8-bit palette, for indexed PNGs. */
    public static IndexColorModel model() {
        return MODEL;
    }

    private static int[] ramp() {
        int[] rgb = new int[SIZE];
        int segments = ANCHORS.length - 1;
        for (int i = 0; i < SIZE; i++) {
            float t = (float) i / (SIZE - 1) * segments;
            int s = Math.min((int) t, segments - 1);
            float f = t - s;
            rgb[i] = mix(ANCHORS[s], ANCHORS[s + 1], f);
        }
        return rgb;
    }

    private static int mix(int a, int b, float f) {
        int r = Math.round(((a >> 16) & 0xFF) * (1 - f) + ((b >> 16) & 0xFF) * f);
        int g = Math.round(((a >> 8) & 0xFF) * (1 - f) + ((b >> 8) & 0xFF) * f);
        int bl = Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
        return (r << 16) | (g << 8) | bl;
    }

    private static IndexColorModel colorModel() {
        byte[] r = new byte[SIZE];
        byte[] g = new byte[SIZE];
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            r[i] = (byte) (RGB[i] >> 16);
            g[i] = (byte) (RGB[i] >> 8);
            b[i] = (byte) RGB[i];
        }
        return new IndexColorModel(8, SIZE, r, g, b);
    }
}
