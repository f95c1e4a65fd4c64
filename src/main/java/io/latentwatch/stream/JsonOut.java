package io.latentwatch.stream;

import java.time.Instant;
import java.util.Arrays;

/**
 * A small JSON writer into one reused, growing byte buffer, for the two output records of every
 * image: no intermediate objects, no reflection. Its output is byte for byte what Jackson writes
 * for the same values with {@link io.latentwatch.util.Json#MAPPER} (strings escaped as Jackson does, floats
 * as {@link Float#toString}, doubles as {@link Double#toString}, instants as
 * {@link Instant#toString}); {@code OutputRecordsTest} holds it to that. Not thread-safe.
 */
final class JsonOut {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long SECONDS_PER_DAY = 86_400L;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: inside them an instant is written by hand. */
    private static final long MIN_FAST_SECOND = -62_167_219_200L;
    private static final long MAX_FAST_SECOND = 253_402_300_800L;
    private byte[] buf = new byte[1024];
    private int len;
    private boolean first;

    JsonOut begin() {
        len = 0;
        put('{');
        first = true;
        return this;
    }

    /** The object closed and copied out: the producer keeps the array until it is sent. */
    byte[] end() {
        put('}');
        return Arrays.copyOf(buf, len);
    }

    JsonOut openObject(String name) {
        name(name);
        put('{');
        first = true;
        return this;
    }

    JsonOut closeObject() {
        put('}');
        first = false;
        return this;
    }

    JsonOut field(String name, String value) {
        if (value != null) {
            name(name);
            string(value);
        }
        return this;
    }

    JsonOut field(String name, Instant value) {
        if (value != null) {
            name(name);
            put('"');
            instant(value);
            put('"');
        }
        return this;
    }

    JsonOut field(String name, float value) {
        name(name);
        number(value);
        return this;
    }

    JsonOut field(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            ascii(Double.toString(value));
        } else {
            string(Double.toString(value));
        }
        return this;
    }

    JsonOut field(String name, long value) {
        name(name);
        integer(value);
        return this;
    }

    JsonOut field(String name, boolean value) {
        name(name);
        ascii(value ? "true" : "false");
        return this;
    }

    JsonOut field(String name, float[] values) {
        if (values != null) {
            name(name);
            put('[');
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    put(',');
                }
                number(values[i]);
            }
            put(']');
        }
        return this;
    }

    private void name(String name) {
        if (!first) {
            put(',');
        }
        first = false;
        put('"');
        ascii(name);
        put('"');
        put(':');
    }

    /** Jackson's default: a finite float as a number, NaN and the infinities as strings. */
    private void number(float value) {
        if (Float.isFinite(value)) {
            ascii(Float.toString(value));
        } else {
            string(Float.toString(value));
        }
    }

    private void string(String s) {
        ensure(s.length() * 6 + 2);
        byte[] b = buf;
        int n = len;
        b[n++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    b[n++] = '\\';
                    b[n++] = (byte) c;
                } else if (c >= 0x20) {
                    b[n++] = (byte) c;
                } else {
                    n = control(b, n, c);
                }
            } else if (c < 0x800) {
                b[n++] = (byte) (0xC0 | c >> 6);
                b[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                // Jackson 2 writes a character outside the BMP as its two surrogates, escaped
                b[n++] = '\\';
                b[n++] = 'u';
                b[n++] = HEX[c >> 12];
                b[n++] = HEX[c >> 8 & 0xF];
                b[n++] = HEX[c >> 4 & 0xF];
                b[n++] = HEX[c & 0xF];
            } else {
                b[n++] = (byte) (0xE0 | c >> 12);
                b[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        b[n++] = '"';
        len = n;
    }

    private static int control(byte[] b, int n, char c) {
        b[n++] = '\\';
        switch (c) {
            case '\b' -> b[n++] = 'b';
            case '\t' -> b[n++] = 't';
            case '\n' -> b[n++] = 'n';
            case '\f' -> b[n++] = 'f';
            case '\r' -> b[n++] = 'r';
            default -> {
                b[n++] = 'u';
                b[n++] = '0';
                b[n++] = '0';
                b[n++] = HEX[c >> 4];
                b[n++] = HEX[c & 0xF];
            }
        }
        return n;
    }

    /**
     * {@link Instant#toString} (ISO_INSTANT: seconds always, then 0, 3, 6 or 9 fraction digits)
     * without a formatter, for the years 0000 to 9999; other years go through {@code toString}.
     */
    private void instant(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < MIN_FAST_SECOND || seconds >= MAX_FAST_SECOND) {
            ascii(t.toString());
            return;
        }
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        // civil-from-days (proleptic Gregorian), as java.time.LocalDate.ofEpochDay computes it
        long zeroDay = days + 719_528 - 60;
        long era = Math.floorDiv(zeroDay, 146_097);
        long dayOfEra = zeroDay - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        ensure(32);
        digits(year, 4);
        put('-');
        digits(month, 2);
        put('-');
        digits(day, 2);
        put('T');
        digits(secondOfDay / 3600, 2);
        put(':');
        digits(secondOfDay / 60 % 60, 2);
        put(':');
        digits(secondOfDay % 60, 2);
        int nanos = t.getNano();
        if (nanos > 0) {
            put('.');
            if (nanos % 1_000_000 == 0) {
                digits(nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(nanos / 1000, 6);
            } else {
                digits(nanos, 9);
            }
        }
        put('Z');
    }

    private void digits(int value, int width) {
        ensure(width);
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        len += width;
    }

    private void integer(long value) {
        if (value >= 0 && value < 1_000_000_000L) {
            int width = 1;
            for (long p = 10; p <= value; p *= 10) {
                width++;
            }
            digits((int) value, width);
        } else {
            ascii(Long.toString(value));
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int at = len;
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) s.charAt(i); // ASCII only: numbers, literals and field names
        }
        len += n;
    }

    private void put(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
