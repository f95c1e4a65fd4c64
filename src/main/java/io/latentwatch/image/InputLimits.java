package io.latentwatch.image;

/**
 * Bounds that keep hostile input harmless.
 *
 * @param maxBytes       largest record value accepted, in bytes ({@code --max-image-bytes})
 * @param maxPixels      largest decoded image accepted, width times height ({@code --max-image-pixels});
 *                       checked from the image header before any pixel is decoded, which stops
 *                       decompression bombs
 * @param maxWholeImageBytes most heap a decoder that holds a whole image at full resolution may
 *                       take for it (WebP: 4 bytes a pixel); a progressive or multi-scan JPEG's
 *                       coefficients (128 bytes per 8x8 block of each component, native memory) may
 *                       take half of it. The other decoders subsample as they read, in a few MB
 *                       whatever the image's size. Checked from the header, before decoding.
 */
public record InputLimits(int maxBytes, long maxPixels, long maxWholeImageBytes) {
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
    /**
     * Default of {@code --max-image-pixels}: 16384 x 16384, 268 megapixels, above the 200-megapixel
     * photos of today's largest phone and camera sensors. The decoders subsample such an image as
     * they read it (PNG, baseline JPEG, GIF, BMP, tiled or stripped TIFF: ~60 MB resident and 0.2-1.7 s
     * at this size, measured); the formats that hold the whole image are bounded by
     * {@link #maxWholeImageBytes} as well.
     */
    public static final long DEFAULT_MAX_PIXELS = 16_384L * 16_384;
    /** Upper end of {@link #defaultMaxWholeImageBytes()}: 1 GiB. */
    public static final long MAX_DEFAULT_WHOLE_IMAGE_BYTES = 1L << 30;
    /** 16 MiB, 268 megapixels, half the heap for an image decoded whole (a quarter for JPEG's native buffer). */
    public static final InputLimits DEFAULT = new InputLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);

    public InputLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("--max-image-bytes must be positive, got " + maxBytes);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("--max-image-pixels must be positive, got " + maxPixels);
        }
        if (maxWholeImageBytes < 1) {
            throw new IllegalArgumentException("the memory for an image decoded whole must be positive, got "
                    + maxWholeImageBytes);
        }
    }

    /** These limits, with {@link #defaultMaxWholeImageBytes()} for images decoded whole. */
    public InputLimits(int maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, defaultMaxWholeImageBytes());
    }

    /**
     * Half of this JVM's heap ({@code -Xmx}), at most 1 GiB: a 512 MiB heap (the launcher's default
     * for {@code detect}) decodes a WebP of up to 67 megapixels, and (with a quarter of the heap) a
     * progressive colour JPEG of up to 44 (4:2:0) or 22 (4:4:4) megapixels. The heap stands for the
     * memory the process was given: a progressive JPEG's coefficients are native memory, beside it.
     */
    public static long defaultMaxWholeImageBytes() {
        return Math.min(MAX_DEFAULT_WHOLE_IMAGE_BYTES, Runtime.getRuntime().maxMemory() / 2);
    }
}
