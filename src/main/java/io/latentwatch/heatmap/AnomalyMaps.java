package io.latentwatch.heatmap;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * Where in an image the reconstruction error is: the per-pixel error map and its heatmap, an
 * 8-bit palette PNG on the fixed {@link ColorScale}, one pixel per input pixel. Small and bounded
 * ({@link #maxBytes}), so the detector can attach it to an anomaly record; computed only from
 * arrays the scorer already holds (input and reconstruction), so the cost is paid only by the
 * images it is asked for. Thread-safe: no state.
 */
public final class AnomalyMaps {
    /** Bytes a PNG may take beyond its filtered pixel rows: signature, header, 256-colour palette, end. */
    private static final int PNG_OVERHEAD = 1024;

    private AnomalyMaps() {
    }

    /**
     * Per-pixel error in display units ({@link ColorScale}): the absolute difference between input
     * and reconstruction as a fraction of the full pixel range, averaged over the channels;
     * {@code [H * W]}, row-major.
     *
     * @param offset where the image starts in both arrays ({@code [C, H, W]} floats from there)
     */
    public static float[] errors(float[] input, float[] reconstruction, int offset, ImageShape shape) {
        int plane = shape.pixels();
        if (offset < 0 || offset + shape.size() > input.length || offset + shape.size() > reconstruction.length) {
            throw new IllegalArgumentException("an image of " + shape.size() + " floats at offset " + offset
                    + " does not fit arrays of " + input.length + " and " + reconstruction.length);
        }
        float[] errors = new float[plane];
        for (int c = 0; c < shape.channels(); c++) {
            int base = offset + c * plane;
            for (int p = 0; p < plane; p++) {
                errors[p] += shape.displayDifference(input[base + p], reconstruction[base + p]);
            }
        }
        if (shape.channels() > 1) {
            for (int p = 0; p < plane; p++) {
                errors[p] /= shape.channels();
            }
        }
        return errors;
    }

    /** The heatmap of an error map as an indexed image on the {@link ColorScale} palette. */
    public static BufferedImage heatmap(float[] errors, int height, int width) {
        if (errors.length != height * width) {
            throw new IllegalArgumentException(errors.length + " errors do not fill " + height + "x" + width);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, ColorScale.model());
        WritableRaster raster = image.getRaster();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = ColorScale.index(errors[y * width + x]);
            }
            raster.setPixels(0, y, width, 1, row);
        }
        return image;
    }

    /** The heatmap PNG of the image at the start of both arrays. */
    public static byte[] png(float[] input, float[] reconstruction, ImageShape shape) {
        return png(input, reconstruction, 0, shape);
    }

    /**
     * The heatmap PNG of one image: {@code W x H} pixels (the model input's size), at most
     * {@link #maxBytes(int, int)} bytes.
     *
     * @param offset where the image starts in both arrays, e.g. {@code batch.offset(i)}
     */
    public static byte[] png(float[] input, float[] reconstruction, int offset, ImageShape shape) {
        return encode(errors(input, reconstruction, offset, shape), shape.height(), shape.width());
    }

    /**
     * The heatmap PNG of one image, made to fit {@code limit} bytes: at the input's size when
     * {@link #maxBytes(int, int)} of that size fits, else halved (each map pixel the largest error
     * of the pixels it covers, so a hot spot stays visible) until it fits.
     *
     * @throws IllegalArgumentException when even a 1x1 map does not fit the limit
     */
    public static byte[] png(float[] input, float[] reconstruction, int offset, ImageShape shape, int limit) {
        if (limit < maxBytes(1, 1)) {
            throw new IllegalArgumentException("an anomaly map needs at least " + maxBytes(1, 1) + " bytes, limit is "
                    + limit);
        }
        float[] errors = errors(input, reconstruction, offset, shape);
        int height = shape.height();
        int width = shape.width();
        while (maxBytes(height, width) > limit) {
            int h = (height + 1) / 2;
            int w = (width + 1) / 2;
            errors = maxPool(errors, height, width, h, w);
            height = h;
            width = w;
        }
        return encode(errors, height, width);
    }

    /**
     * Most bytes the heatmap PNG of an {@code height x width} image takes: its filtered rows
     * ({@code height * (width + 1)}, as stored when deflate cannot shrink them), deflate's and the
     * chunks' framing, and a fixed {@value #PNG_OVERHEAD} bytes for signature, header and palette.
     * A 28x28 map takes at most 1,868 bytes (1.4-1.7 KB measured on Fashion-MNIST, ~0.8 KB of it the palette).
     */
    public static int maxBytes(int height, int width) {
        long rows = (long) height * (width + 1);
        long framing = (rows / 8192 + 1) * 32;
        long total = rows + framing + PNG_OVERHEAD;
        return total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) total;
    }

    private static byte[] encode(float[] errors, int height, int width) {
        byte[] png = PngFiles.encode(heatmap(errors, height, width));
        if (png.length > maxBytes(height, width)) {
            throw new IllegalStateException("an anomaly map of " + height + "x" + width + " took " + png.length
                    + " bytes, over its bound of " + maxBytes(height, width));
        }
        return png;
    }

    private static float[] maxPool(float[] errors, int height, int width, int h, int w) {
        float[] out = new float[h * w];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int o = (y / 2) * w + x / 2;
                out[o] = Math.max(out[o], errors[y * width + x]);
            }
        }
        return out;
    }
}
