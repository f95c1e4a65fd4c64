package io.latentwatch.image;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the plainest PNGs without ImageIO: 8-bit grey, grey with alpha, RGB and RGBA, not
 * interlaced, holding no chunks but IHDR, IDAT, IEND and text, time and physical-size notes.
 * That is what {@code latentwatch produce}, ImageIO and Pillow write by default for grey and
 * colour pictures, and ImageIO spends ~15 us and ~37 KB per small image on them (an
 * {@code Inflater}, buffers and image objects each time), most of the detector's own work around
 * ONNX Runtime. The samples it gives are exactly ImageIO's for such a file (the tests compare
 * both on every filter type and colour type).
 *
 * <p>It never rejects anything: a file with anything else in it (palette, 16-bit or low bit depths,
 * interlacing, colour-space or transparency chunks, a bad length, a zlib error, data too short or
 * too long) makes it answer null, and ImageIO decodes or rejects the file as before, with the
 * same reasons.
 *
 * <p>Not thread-safe: it reuses one {@link Inflater} and its buffers.
 */
final class PngFastPath {
    private static final int SIGNATURE = 8;
    private static final byte[] SIGNATURE_BYTES = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IHDR_LENGTH = 13;

    private final Inflater inflater = new Inflater();
    private byte[] raw = new byte[0];
    private byte[] previous = new byte[0];

    /**
     * The fields of an IHDR the fast path takes.
     *
     * @param channels bytes per pixel: 1 grey, 2 grey and alpha, 3 RGB, 4 RGBA
     */
    record Header(int width, int height, int channels) {
        boolean grey() {
            return channels <= 2;
        }
    }

    /** The header of a PNG whose layout the fast path takes, or null for any other. */
    static Header header(byte[] png) {
        if (png.length < SIGNATURE + 8 + IHDR_LENGTH + 4
                || !Arrays.equals(png, 0, SIGNATURE, SIGNATURE_BYTES, 0, SIGNATURE)
                || int32(png, SIGNATURE) != IHDR_LENGTH
                || !type(png, SIGNATURE + 4, "IHDR")) {
            return null;
        }
        int at = SIGNATURE + 8;
        int width = int32(png, at);
        int height = int32(png, at + 4);
        int bitDepth = png[at + 8];
        int colourType = png[at + 9];
        if (width < 1 || height < 1 || bitDepth != 8 || png[at + 10] != 0 || png[at + 11] != 0 || png[at + 12] != 0) {
            return null;
        }
        int channels = switch (colourType) {
            case 0 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            case 6 -> 4;
            default -> 0;
        };
        return channels == 0 ? null : new Header(width, height, channels);
    }

    /**
     * The samples on the 0-255 scale: one plane for grey images (alpha dropped), three planes
     * (R, G, B) for colour ones; or null when the file is not one the fast path decodes exactly.
     * The caller has checked the header's size against its limits.
     */
    float[] decode(byte[] png, Header h) {
        int stride = h.width() * h.channels();
        long needed = (long) h.height() * (stride + 1);
        if (needed > Integer.MAX_VALUE - 1) {
            return null;
        }
        if (raw.length < needed + 1) {
            raw = new byte[(int) needed + 1];
        }
        if (!inflate(png, (int) needed)) {
            return null;
        }
        return unfilter(h, stride);
    }

    /** Inflates the IDAT chunks into {@code raw}; false unless exactly {@code needed} bytes come out. */
    private boolean inflate(byte[] png, int needed) {
        inflater.reset();
        int at = SIGNATURE + 8 + IHDR_LENGTH + 4;
        int got = 0;
        boolean inData = false;
        boolean dataDone = false;
        try {
            while (true) {
                if (at + 12 > png.length) {
                    return false;
                }
                int length = int32(png, at);
                if (length < 0 || length > png.length - at - 12) {
                    return false;
                }
                int data = at + 8;
                if (type(png, at + 4, "IDAT")) {
                    if (dataDone) {
                        return false;
                    }
                    inData = true;
                    inflater.setInput(png, data, length);
                    // one byte of room past the image: a stream with more in it than the image is not plain
                    while (!inflater.needsInput() && !inflater.finished() && got <= needed) {
                        int n = inflater.inflate(raw, got, needed + 1 - got);
                        if (n == 0 && inflater.needsDictionary()) {
                            return false;
                        }
                        got += n;
                    }
                } else if (type(png, at + 4, "IEND")) {
                    return inData && got == needed;
                } else if (ancillaryNote(png, at + 4)) {
                    dataDone |= inData;
                } else {
                    return false;
                }
                if (got > needed) {
                    return false;
                }
                at = data + length + 4;
            }
        } catch (DataFormatException e) {
            return false;
        }
    }

    /** Undoes the five PNG row filters in place and spreads the samples into planes. */
    private float[] unfilter(Header h, int stride) {
        int w = h.width();
        int bpp = h.channels();
        int plane = w * h.height();
        float[] out = new float[h.grey() ? plane : 3 * plane];
        if (previous.length < stride) {
            previous = new byte[stride];
        }
        Arrays.fill(previous, 0, stride, (byte) 0);
        byte[] prev = previous;
        for (int y = 0; y < h.height(); y++) {
            int row = y * (stride + 1);
            int filter = raw[row];
            int cur = row + 1;
            switch (filter) {
                case 0 -> { }
                case 1 -> {
                    for (int i = bpp; i < stride; i++) {
                        raw[cur + i] += raw[cur + i - bpp];
                    }
                }
                case 2 -> {
                    for (int i = 0; i < stride; i++) {
                        raw[cur + i] += prev[i];
                    }
                }
                case 3 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bpp ? raw[cur + i - bpp] & 0xFF : 0;
                        raw[cur + i] += (byte) ((left + (prev[i] & 0xFF)) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bpp ? raw[cur + i - bpp] & 0xFF : 0;
                        int upLeft = i >= bpp ? prev[i - bpp] & 0xFF : 0;
                        raw[cur + i] += (byte) paeth(left, prev[i] & 0xFF, upLeft);
                    }
                }
                default -> {
                    return null;
                }
            }
            System.arraycopy(raw, cur, prev, 0, stride);
            int first = y * w;
            if (h.grey()) {
                for (int x = 0; x < w; x++) {
                    out[first + x] = raw[cur + x * bpp] & 0xFF;
                }
            } else {
                for (int x = 0; x < w; x++) {
                    int p = cur + x * bpp;
                    out[first + x] = raw[p] & 0xFF;
                    out[plane + first + x] = raw[p + 1] & 0xFF;
                    out[2 * plane + first + x] = raw[p + 2] & 0xFF;
                }
            }
        }
        return out;
    }

    /** The Paeth predictor of the PNG specification: whichever of left, up and up-left is nearest {@code a + b - c}. */
    static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /** Chunks that say nothing about the pixels: text, modification time, physical pixel size. */
    private static boolean ancillaryNote(byte[] png, int at) {
        return type(png, at, "tEXt") || type(png, at, "zTXt") || type(png, at, "iTXt") || type(png, at, "tIME")
                || type(png, at, "pHYs");
    }

    private static boolean type(byte[] png, int at, String type) {
        return png[at] == type.charAt(0) && png[at + 1] == type.charAt(1) && png[at + 2] == type.charAt(2)
                && png[at + 3] == type.charAt(3);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
