package io.latentwatch.image;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The common case of CloudEvents binary mode read without the SDK: {@code ce_specversion: 1.0},
 * {@code ce_id}, {@code ce_source}, {@code ce_type}, optionally {@code ce_time} in the form
 * {@code 2026-11-27T22:39:22.846Z} (or with a {@code +HH:MM} offset), and no other {@code ce_}
 * header. It gives the same event as the SDK does; anything else (an extension, a duplicate
 * header, another time form, a source that is not a URI) returns null and goes the SDK's way,
 * which also writes the rejection. It saves the SDK's builder and its
 * {@code OffsetDateTime.parse} of every event's time, and checks a source once while it repeats.
 *
 * <p>Not thread-safe: it remembers the last source it checked.
 */
final class BinaryEnvelope {
    private byte[] checkedSource;
    private String checkedSourceText;

    /** The event, or null when the record is not of the common case. */
    ImageEvent read(Headers headers, byte[] value) {
        byte[] specversion = null;
        byte[] id = null;
        byte[] source = null;
        byte[] type = null;
        byte[] time = null;
        byte[] contentType = null;
        for (Header h : headers) {
            String key = h.key();
            byte[] v = h.value();
            if (key.equals("content-type")) {
                if (contentType != null || v == null) {
                    return null;
                }
                contentType = v;
                continue;
            }
            if (key.length() <= 3 || !key.startsWith("ce_")) {
                continue;
            }
            if (v == null) {
                return null;
            }
            switch (key) {
                case "ce_specversion" -> specversion = once(specversion, v);
                case "ce_id" -> id = once(id, v);
                case "ce_source" -> source = once(source, v);
                case "ce_type" -> type = once(type, v);
                case "ce_time" -> time = once(time, v);
                default -> {
                    return null;
                }
            }
        }
        if (specversion == DUPLICATE || id == DUPLICATE || source == DUPLICATE || type == DUPLICATE
                || time == DUPLICATE || specversion == null || !Arrays.equals(specversion, V1) || id == null
                || source == null || type == null) {
            return null;
        }
        String sourceText = source(source);
        if (sourceText == null) {
            return null;
        }
        Instant instant = null;
        if (time != null) {
            instant = parseTime(time);
            if (instant == null) {
                return null;
            }
        }
        return new ImageEvent(new String(id, StandardCharsets.UTF_8), sourceText,
                new String(type, StandardCharsets.UTF_8), instant,
                contentType == null ? null : new String(contentType, StandardCharsets.UTF_8), value);
    }

    private static final byte[] V1 = {'1', '.', '0'};
    private static final byte[] DUPLICATE = new byte[0];

    private static byte[] once(byte[] seen, byte[] value) {
        return seen == null ? value : DUPLICATE;
    }

    private String source(byte[] source) {
        // checkedSource is null until the first source: Jazzer's native hook of Arrays.equals crashed
        // the fuzzing JVM (SIGSEGV) on a null array, so the null is not handed to it
        if (checkedSource != null && Arrays.equals(source, checkedSource)) {
            return checkedSourceText;
        }
        String text = new String(source, StandardCharsets.UTF_8);
        try {
            new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
        checkedSource = source.clone();
        checkedSourceText = text;
        return text;
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM)} with every field in range, as
     * {@code OffsetDateTime.parse} reads it; null for any other text.
     */
    static Instant parseTime(byte[] t) {
        int n = t.length;
        if (n < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') {
            return null;
        }
        int year = number(t, 0, 4);
        int month = number(t, 5, 2);
        int day = number(t, 8, 2);
        int hour = number(t, 11, 2);
        int minute = number(t, 14, 2);
        int second = number(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (t[i] == '.') {
            int digits = 0;
            i++;
            while (i < n && t[i] >= '0' && t[i] <= '9') {
                if (++digits > 9) {
                    return null;
                }
                nanos = nanos * 10 + (t[i] - '0');
                i++;
            }
            if (digits == 0) {
                return null;
            }
            for (int d = digits; d < 9; d++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && t[i] == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':') {
            int oh = number(t, i + 1, 2);
            int om = number(t, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59 || oh == 18 && om > 0) {
                return null;
            }
            offsetSeconds = (t[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        long epochDay = epochDay(year, month, day);
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
    }

    private static int number(byte[] t, int from, int digits) {
        int value = 0;
        for (int i = from; i < from + digits; i++) {
            int d = t[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 in the proleptic Gregorian calendar, as {@code LocalDate.toEpochDay}. */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }
}
