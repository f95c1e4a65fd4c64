package io.latentwatch.image;

/**
 * Bounds that keep hostile input harmless.
 *
 * @param maxBytes  largest record value accepted, in bytes ({@code --max-image-bytes})
 * @param maxPixels largest decoded image accepted, width times height ({@code --max-image-pixels});
 *                  checked from the image header before any pixel is decoded, which stops
 *                  decompression bombs
 */
public record InputLimits(int maxBytes, long maxPixels) {
    /**
     * Longest side accepted, in pixels, whatever the area: decoders allocate whole rows before
     * decoding a pixel (a 40-megapixel image 1 pixel high needs a 320 MB row in 16-bit RGBA).
     * 65536 is beyond JPEG's own limit (65535) and any camera.
     */
    public static final int MAX_SIDE = 1 << 16;
    /**
     * Most bytes one TIFF strip or tile may take decoded: the TIFF decoder holds a whole strip or
     * tile in memory before subsampling, and a single-strip TIFF is one strip.
     */
    public static final long MAX_TIFF_BLOCK_BYTES = 64L * 1024 * 1024;
    /** Default of {@code --max-image-bytes}: 16 MiB. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
    /** Default of {@code --max-image-pixels}: 40 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** 16 MiB and 40 megapixels. */
    public static final InputLimits DEFAULT = new InputLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);

    public InputLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("--max-image-bytes must be positive, got " + maxBytes);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("--max-image-pixels must be positive, got " + maxPixels);
        }
    }
}
