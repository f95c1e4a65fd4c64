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
