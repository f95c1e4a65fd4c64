package io.latentwatch.image;

import javax.imageio.IIOException;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;

/**
 * Checks, before any pixel is decoded, the header fields from which the JDK's decoders size their
 * buffers without looking at how much data there is. Each check was found by fuzzing (see
 * docs/fuzzing.md); what it refuses is a reason, never an {@code OutOfMemoryError}.
 */
final class DecoderGuards {
    /** Most samples per pixel accepted: grey, RGB, CMYK and a few extra channels. */
    static final int MAX_SAMPLES = 16;

    /** Size of the BMP file header plus the start of the info header, up to biSizeImage. */
    private static final int BMP_SIZE_IMAGE_END = 38;

    private DecoderGuards() {
    }

    /**
     * A BMP's {@code biSizeImage} is what the decoder allocates for RLE and embedded JPEG/PNG
     * data (a 381-byte file claiming 944 MB ran out of memory): it must fit in the bytes there are.
     */
    static void checkBmp(byte[] data) throws RejectedInputException {
        if (data.length < BMP_SIZE_IMAGE_END) {
            return;
        }
        long headerSize = le32(data, 14);
        if (headerSize < 40) {
            return; // the OS/2 header has no biSizeImage
        }
        long sizeImage = le32(data, 34);
        if (sizeImage > data.length) {
            throw new RejectedInputException(RejectReason.UNDECODABLE_IMAGE, "the BMP header claims " + sizeImage
                    + " bytes of pixel data, but the whole image has " + data.length + " bytes");
        }
    }

    /**
     * A WebP's RIFF header gives the file's length; the decoder reads a shorter file to its end and
     * makes up the rest of the picture, so a truncated upload would be scored as if it were whole.
     */
    static void checkWebp(byte[] data) throws RejectedInputException {
        long riffEnd = le32(data, 4) + 8;
        // the pad byte after an odd-sized last chunk is often left out
        if (riffEnd > data.length + 1L) {
            throw new RejectedInputException(RejectReason.UNDECODABLE_IMAGE, "the WebP file is truncated: its"
                    + " RIFF header claims " + riffEnd + " bytes, there are " + data.length);
        }
    }

    /**
     * A TIFF's sample layout and strip or tile size, from its directory. A sample of 17 to 31 bits
     * makes the decoder build a lookup table of 2^bits entries (26 bits: 256 MB), and a tile or
     * strip is decoded whole before it is subsampled (one strip of a big image: hundreds of MB).
     */
    static void checkTiff(IIOMetadata metadata, int width, int height) throws RejectedInputException, IIOException {
        TIFFDirectory dir;
        try {
            dir = TIFFDirectory.createFromMetadata(metadata);
        } catch (IIOInvalidTreeException | IllegalArgumentException e) {
            throw new IIOException("unreadable TIFF directory: " + e.getMessage(), e);
        }
        long samples = first(dir, BaselineTIFFTagSet.TAG_SAMPLES_PER_PIXEL, 1);
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw unsupported("a TIFF with " + samples + " samples per pixel is not supported (1 to "
                    + MAX_SAMPLES + ")");
        }
        long maxBits = 1;
        TIFFField bits = dir.getTIFFField(BaselineTIFFTagSet.TAG_BITS_PER_SAMPLE);
        for (int i = 0; bits != null && i < bits.getCount(); i++) {
            long b = bits.getAsLong(i);
            if (b < 1 || (b > 16 && b != 32)) {
                throw unsupported("a TIFF with samples of " + b + " bits is not supported (1 to 16, or 32)");
            }
            maxBits = Math.max(maxBits, b);
        }
        long blockWidth = width;
        long blockHeight = Math.min(height, first(dir, BaselineTIFFTagSet.TAG_ROWS_PER_STRIP, height));
        if (dir.containsTIFFField(BaselineTIFFTagSet.TAG_TILE_WIDTH)
                || dir.containsTIFFField(BaselineTIFFTagSet.TAG_TILE_LENGTH)) {
            blockWidth = first(dir, BaselineTIFFTagSet.TAG_TILE_WIDTH, width);
            blockHeight = first(dir, BaselineTIFFTagSet.TAG_TILE_LENGTH, height);
        }
        long blockBytes = (Math.max(0, blockWidth) * samples * maxBits + 7) / 8 * Math.max(0, blockHeight);
        if (blockWidth > InputLimits.MAX_SIDE || blockHeight > InputLimits.MAX_SIDE
                || blockBytes > InputLimits.MAX_TIFF_BLOCK_BYTES) {
            throw new RejectedInputException(RejectReason.IMAGE_TOO_LARGE, "the TIFF image is stored in "
                    + (dir.containsTIFFField(BaselineTIFFTagSet.TAG_TILE_WIDTH) ? "tiles" : "strips") + " of "
                    + blockWidth + "x" + blockHeight + " pixels (" + blockBytes + " bytes decoded), over the limit of "
                    + InputLimits.MAX_TIFF_BLOCK_BYTES + " bytes; write it with smaller strips or tiles");
        }
    }

    /**
     * The memory a decoder takes to hold the whole image at full resolution, before it subsamples
     * ({@link InputLimits#maxWholeImageBytes}); 0 for a decoder that subsamples as it reads.
     * WebP is decoded whole into 4-byte pixels on the heap; a JPEG as {@link JpegFrame#wholeImageBytes}
     * says ({@code jpeg}: its frame, null for other formats or when it cannot be read).
     */
    static long wholeImageBytes(ImagePreprocessor.Format format, JpegFrame jpeg, int width, int height) {
        if (format == ImagePreprocessor.Format.WEBP) {
            return 4L * width * height;
        }
        return jpeg == null ? 0 : jpeg.wholeImageBytes(width, height);
    }

    /**
     * What a JPEG's frame header says, up to its first scan.
     *
     * @param scanComponents components in the first scan; -1 when no scan header follows the frame's
     */
    record JpegFrame(int[] horizontal, int[] vertical, boolean progressive, int scanComponents) {
        /** The number of colour components: 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK. */
        int components() {
            return horizontal.length;
        }

        /**
         * The coefficient buffer libjpeg decodes the image from when its first scan does not cover
         * every component, which a progressive JPEG's never does: all the DCT coefficients, 128
         * bytes per 8x8 block of each component, in native memory. 0 for a baseline JPEG with one
         * interleaved scan, which is decoded a row of blocks at a time, or when no scan header
         * follows the frame's (the decoder then refuses the file itself).
         */
        long wholeImageBytes(int width, int height) {
            if (scanComponents < 0 || (!progressive && scanComponents >= components())) {
                return 0;
            }
            return coefficientBytes(horizontal, vertical, width, height);
        }
    }

    /** The frame header (SOFn) and the first scan header (SOS) of a JPEG; null when no frame header can be read. */
    static JpegFrame jpegFrame(byte[] data) {
        int at = 2; // after SOI
        JpegFrame frame = null;
        while (at + 4 <= data.length) {
            if ((data[at] & 0xFF) != 0xFF) {
                return frame;
            }
            int marker = data[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                at += 2; // a marker without a segment
                continue;
            }
            int length = (data[at + 2] & 0xFF) << 8 | (data[at + 3] & 0xFF);
            int body = at + 4;
            if (length < 2 || at + 2 + length > data.length) {
                return frame;
            }
            if (isStartOfFrame(marker) && length >= 8) {
                int components = data[body + 5] & 0xFF;
                if (components < 1 || length < 8 + 3 * components) {
                    return null;
                }
                int[] horizontal = new int[components];
                int[] vertical = new int[components];
                for (int c = 0; c < components; c++) {
                    int factors = data[body + 6 + 3 * c + 1] & 0xFF;
                    horizontal[c] = Math.max(1, factors >> 4);
                    vertical[c] = Math.max(1, factors & 0x0F);
                }
                boolean progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
                frame = new JpegFrame(horizontal, vertical, progressive, -1);
            } else if (marker == 0xDA) {
                if (frame == null || length < 3) {
                    return frame;
                }
                return new JpegFrame(frame.horizontal(), frame.vertical(), frame.progressive(), data[body] & 0xFF);
            }
            at += 2 + length;
        }
        return frame;
    }

    /** Whether a TIFF's colours are CIELab, ICCLab or ITULab (photometric interpretation 8, 9 or 10). */
    static boolean isLabTiff(IIOMetadata metadata) {
        try {
            long photometric = first(TIFFDirectory.createFromMetadata(metadata),
                    BaselineTIFFTagSet.TAG_PHOTOMETRIC_INTERPRETATION, -1);
            return photometric >= 8 && photometric <= 10;
        } catch (IIOInvalidTreeException | IllegalArgumentException e) {
            return false;
        }
    }

    /** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** 64 two-byte coefficients per 8x8 block of each component, subsampled by its factors. */
    private static long coefficientBytes(int[] horizontal, int[] vertical, int width, int height) {
        int maxH = 1;
        int maxV = 1;
        for (int c = 0; c < horizontal.length; c++) {
            maxH = Math.max(maxH, horizontal[c]);
            maxV = Math.max(maxV, vertical[c]);
        }
        long bytes = 0;
        for (int c = 0; c < horizontal.length; c++) {
            long blocksAcross = ceilDiv(ceilDiv((long) width * horizontal[c], maxH), 8);
            long blocksDown = ceilDiv(ceilDiv((long) height * vertical[c], maxV), 8);
            bytes += blocksAcross * blocksDown * 128;
        }
        return bytes;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static long first(TIFFDirectory dir, int tag, long fallback) {
        TIFFField field = dir.getTIFFField(tag);
        return field == null || field.getCount() < 1 ? fallback : field.getAsLong(0);
    }

    private static RejectedInputException unsupported(String message) {
        return new RejectedInputException(RejectReason.UNDECODABLE_IMAGE, message);
    }
}
