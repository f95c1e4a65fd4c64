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
    /** 16 MiB and 40 megapixels. */
    public static final InputLimits DEFAULT = new InputLimits(16 * 1024 * 1024, 40_000_000L);

    public InputLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("--max-image-bytes must be positive, got " + maxBytes);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("--max-image-pixels must be positive, got " + maxPixels);
        }
    }
}
