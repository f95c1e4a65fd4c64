package io.latentwatch.image;

/**
 * Netpbm images, which the JDK has no decoder for and which OpenCV, Pillow and most image tools
 * write without a second thought: PBM (P1 ASCII, P4 binary), PGM (P2, P5) and PPM (P3, P6), with
 * any maximum value up to 65535 (two bytes a sample, big-endian, above 255). Decoded straight from
 * the bytes into grey or RGB planes on the 0-255 scale, taking every {@code stepX}-th pixel of every
 * {@code stepY}-th row, so a large image needs no more memory than its subsampled planes.
 *
 * <p>Strict where a decoder could be led astray: the header must give positive sizes and a maximum
 * value of 1 to 65535, a binary image must have all its pixel bytes, an ASCII one all its samples,
 * each within the maximum value.
 */
final class PnmDecoder {
    /** Largest maximum sample value Netpbm allows. */
    static final int MAX_VALUE = 65_535;

    private PnmDecoder() {
    }

    /** What the header says: the kind (1-6, as in "P1".."P6"), sizes, maximum value, where pixels start. */
    record Header(int kind, int width, int height, int maxValue, int dataStart) {
        boolean grey() {
            return kind != 3 && kind != 6;
        }

        boolean ascii() {
            return kind <= 3;
        }
    }

    /** Samples decoded and subsampled: {@code grey ? 1 : 3} planes of {@code width x height}, 0-255. */
    record Planes(float[] samples, boolean grey, int width, int height) {
    }

    /** Whether the bytes begin like a Netpbm image: "P1" to "P6" and a whitespace byte. */
    static boolean sniff(byte[] b) {
        return b.length >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && isSpace(b[2]);
    }

    /** The header, or a reason it is not one. */
    static Header header(byte[] data) throws RejectedInputException {
        int kind = data[1] - '0';
        Reader r = new Reader(data, 2);
        int width = r.headerNumber("width");
        int height = r.headerNumber("height");
        int maxValue = kind == 1 || kind == 4 ? 1 : r.headerNumber("maximum value");
        if (maxValue > MAX_VALUE) {
            throw undecodable("its maximum value is " + maxValue + ", over Netpbm's 65535");
        }
        if (kind >= 4) {
            // exactly one whitespace byte between the header and the binary pixels
            if (r.at >= data.length || !isSpace(data[r.at])) {
                throw undecodable("no pixel data follows its header");
            }
            r.at++;
        }
        return new Header(kind, width, height, maxValue, r.at);
    }

    /** Decodes the pixels, keeping every {@code stepX}-th column of every {@code stepY}-th row. */
    static Planes decode(byte[] data, Header h, int stepX, int stepY) throws RejectedInputException {
        int outW = (h.width() + stepX - 1) / stepX;
        int outH = (h.height() + stepY - 1) / stepY;
        int channels = h.grey() ? 1 : 3;
        int plane = outW * outH;
        float[] out = new float[channels * plane];
        float scale = h.kind() == 1 || h.kind() == 4 ? 255f : 255f / h.maxValue();
        if (h.ascii()) {
            decodeAscii(data, h, stepX, stepY, outW, out, plane, channels, scale);
        } else {
            decodeBinary(data, h, stepX, stepY, outW, outH, out, plane, channels, scale);
        }
        return new Planes(out, h.grey(), outW, outH);
    }

    private static void decodeBinary(byte[] data, Header h, int stepX, int stepY, int outW, int outH, float[] out,
                                     int plane, int channels, float scale) throws RejectedInputException {
        int width = h.width();
        if (h.kind() == 4) {
            long rowBytes = (width + 7L) / 8;
            needBytes(data, h, rowBytes * h.height());
            for (int oy = 0; oy < outH; oy++) {
                int row = h.dataStart() + (int) (rowBytes * oy * stepY);
                for (int ox = 0; ox < outW; ox++) {
                    int x = ox * stepX;
                    int bit = (data[row + (x >> 3)] >> (7 - (x & 7))) & 1;
                    out[oy * outW + ox] = bit == 1 ? 0f : 255f; // 1 is black
                }
            }
            return;
        }
        int sampleBytes = h.maxValue() > 255 ? 2 : 1;
        long rowBytes = (long) width * channels * sampleBytes;
        needBytes(data, h, rowBytes * h.height());
        for (int oy = 0; oy < outH; oy++) {
            long row = h.dataStart() + rowBytes * oy * stepY;
            for (int ox = 0; ox < outW; ox++) {
                int at = (int) (row + (long) ox * stepX * channels * sampleBytes);
                for (int c = 0; c < channels; c++) {
                    int v = sampleBytes == 1 ? data[at] & 0xFF : (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
                    at += sampleBytes;
                    out[c * plane + oy * outW + ox] = Math.min(v, h.maxValue()) * scale;
                }
            }
        }
    }

    private static void decodeAscii(byte[] data, Header h, int stepX, int stepY, int outW, float[] out, int plane,
                                    int channels, float scale) throws RejectedInputException {
        Reader r = new Reader(data, h.dataStart());
        for (int y = 0; y < h.height(); y++) {
            boolean keepRow = y % stepY == 0;
            for (int x = 0; x < h.width(); x++) {
                boolean keep = keepRow && x % stepX == 0;
                int index = keep ? (y / stepY) * outW + x / stepX : 0;
                for (int c = 0; c < channels; c++) {
                    // a PBM's bits may run together ("0110"); every other sample is a number
                    int v = h.kind() == 1 ? r.bit() : r.sample(h.maxValue());
                    if (keep) {
                        out[c * plane + index] = h.kind() == 1 ? (v == 1 ? 0f : 255f) : v * scale;
                    }
                }
            }
        }
    }

    private static void needBytes(byte[] data, Header h, long pixelBytes) throws RejectedInputException {
        long have = data.length - (long) h.dataStart();
        if (have < pixelBytes) {
            throw undecodable("its " + h.width() + "x" + h.height() + " pixels need " + pixelBytes
                    + " bytes of data, there are " + have + " (truncated)");
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == 0x0C;
    }

    private static RejectedInputException undecodable(String why) {
        return new RejectedInputException(RejectReason.UNDECODABLE_IMAGE, "the PNM image does not decode: " + why);
    }

    /** Reads the header's numbers and ASCII samples: whitespace and comments ('#' to the end of the line) between them. */
    private static final class Reader {
        private final byte[] data;
        private int at;

        Reader(byte[] data, int at) {
            this.data = data;
            this.at = at;
        }

        private void skipSpaceAndComments() {
            while (at < data.length) {
                byte b = data[at];
                if (b == '#') {
                    while (at < data.length && data[at] != '\n' && data[at] != '\r') {
                        at++;
                    }
                } else if (isSpace(b)) {
                    at++;
                } else {
                    return;
                }
            }
        }

        /** A positive decimal number of the header; the sides are checked against the limits by the caller. */
        int headerNumber(String what) throws RejectedInputException {
            skipSpaceAndComments();
            long value = digits(what);
            if (value < 1) {
                throw undecodable("its " + what + " is 0");
            }
            return (int) value;
        }

        int sample(int maxValue) throws RejectedInputException {
            skipSpaceAndComments();
            long value = digits("sample");
            if (value > maxValue) {
                throw undecodable("a sample of " + value + " is over its maximum value " + maxValue);
            }
            return (int) value;
        }

        int bit() throws RejectedInputException {
            skipSpaceAndComments();
            if (at >= data.length) {
                throw undecodable("its pixel data ends early (truncated)");
            }
            byte b = data[at++];
            if (b != '0' && b != '1') {
                throw undecodable("a PBM pixel is '" + (char) (b & 0xFF) + "', not 0 or 1");
            }
            return b - '0';
        }

        private long digits(String what) throws RejectedInputException {
            if (at >= data.length) {
                throw undecodable(what.equals("sample") ? "its pixel data ends early (truncated)"
                        : "its header ends before its " + what);
            }
            long value = 0;
            int start = at;
            while (at < data.length && data[at] >= '0' && data[at] <= '9') {
                value = value * 10 + (data[at] - '0');
                if (value > Integer.MAX_VALUE) {
                    throw undecodable("its " + what + " is too large");
                }
                at++;
            }
            if (at == start) {
                throw undecodable("its " + what + " is not a number");
            }
            return value;
        }
    }
}
