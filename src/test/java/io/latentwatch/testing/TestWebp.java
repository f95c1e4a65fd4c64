package io.latentwatch.testing;

import java.io.ByteArrayOutputStream;
import java.util.function.IntBinaryOperator;

/**
 * Lossless WebP (VP8L) files written by hand for tests, since no WebP encoder is at hand: two grey
 * levels, each pixel's choice stored as one bit per colour channel under two-symbol prefix codes
 * (RFC 9649, section 3.7.2.1.1, "simple code lengths"), no transforms, no colour cache.
 */
public final class TestWebp {
    private TestWebp() {
    }

    /**
     * A {@code width x height} image whose pixel {@code (x, y)} is {@code high} where
     * {@code bright.applyAsInt(x, y) != 0}, else {@code low}; {@code low < high}, both 0-255.
     */
    public static byte[] twoGreyLevels(int width, int height, int low, int high, IntBinaryOperator bright) {
        if (low >= high || low < 0 || high > 255 || width < 1 || height < 1 || width > 16384 || height > 16384) {
            throw new IllegalArgumentException("needs 0 <= low < high <= 255 and sides of 1 to 16384");
        }
        Bits bits = new Bits();
        bits.write(0x2f, 8); // signature
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(0, 1); // no alpha
        bits.write(0, 3); // version 0
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // one prefix code group
        for (int code = 0; code < 3; code++) { // green, red, blue: the two levels, one bit each
            bits.write(1, 1); // simple code
            bits.write(1, 1); // two symbols
            bits.write(1, 1); // the first one in 8 bits
            bits.write(low, 8);
            bits.write(high, 8);
        }
        for (int code = 0; code < 2; code++) { // alpha (255) and distance (0): one symbol, no bits per pixel
            int symbol = code == 0 ? 255 : 0;
            bits.write(1, 1);
            bits.write(0, 1);
            bits.write(1, 1);
            bits.write(symbol, 8);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int bit = bright.applyAsInt(x, y) != 0 ? 1 : 0;
                bits.write(bit, 1); // green
                bits.write(bit, 1); // red
                bits.write(bit, 1); // blue
            }
        }
        byte[] payload = bits.bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int padded = payload.length + (payload.length & 1);
        out.writeBytes("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        le32(out, 4 + 8 + padded);
        out.writeBytes("WEBPVP8L".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        le32(out, payload.length);
        out.writeBytes(payload);
        if ((payload.length & 1) != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /** Bits packed least significant first, as VP8L reads them. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int used;

        void write(int value, int count) {
            for (int i = 0; i < count; i++) {
                current |= ((value >>> i) & 1) << used;
                if (++used == 8) {
                    out.write(current);
                    current = 0;
                    used = 0;
                }
            }
        }

        byte[] bytes() {
            if (used > 0) {
                out.write(current);
                current = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }
}
