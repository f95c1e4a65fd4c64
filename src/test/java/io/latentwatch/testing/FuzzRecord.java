package io.latentwatch.testing;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One Kafka input record decoded from fuzzer bytes, so that a plain image file is a valid seed and
 * headers can be fuzzed too.
 *
 * <p>Bytes that do not start with {@link #MAGIC} are the record value, with no key and no
 * headers. Otherwise a header block of lines follows the magic line, up to an empty line, and the
 * rest is the value:
 * <pre>
 * LWREC1
 * &#64;key: evt-7            (pseudo header: the record key)
 * &#64;timestamp: 1700000000000
 * &#64;model: rgb            (pseudo header: which test model scores it; see the fuzz test)
 * ce_specversion: 1.0     (a Kafka header; its value is every byte after ": " up to the newline)
 * ce_id                   (a Kafka header with a null value)
 *
 * ...value bytes...
 * </pre>
 * Without the empty line the value is empty.
 *
 * @param key       record key, or null
 * @param timestamp record timestamp, never negative
 * @param model     name of the test model to score with, or null for the default
 * @param headers   Kafka headers, in order, duplicates kept
 * @param value     record value, never null
 */
public record FuzzRecord(byte[] key, long timestamp, String model, RecordHeaders headers, byte[] value) {
    /** First line of a record with headers. */
    public static final String MAGIC = "LWREC1\n";
    /** Timestamp of a record that names none: a plausible recent one. */
    public static final long DEFAULT_TIMESTAMP = 1_700_000_000_000L;
    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

    /** Decodes fuzzer bytes; never fails, whatever the bytes. */
    public static FuzzRecord parse(byte[] input) {
        if (!startsWith(input, MAGIC_BYTES)) {
            return new FuzzRecord(null, DEFAULT_TIMESTAMP, null, new RecordHeaders(), input);
        }
        byte[] key = null;
        long timestamp = DEFAULT_TIMESTAMP;
        String model = null;
        RecordHeaders headers = new RecordHeaders();
        int pos = MAGIC_BYTES.length;
        while (pos < input.length) {
            int end = indexOf(input, (byte) '\n', pos);
            if (end == pos) {
                return new FuzzRecord(key, timestamp, model, headers, Arrays.copyOfRange(input, pos + 1, input.length));
            }
            int lineEnd = end < 0 ? input.length : end;
            int colon = indexOf(input, (byte) ':', pos, lineEnd);
            String name = new String(input, pos, (colon < 0 ? lineEnd : colon) - pos, StandardCharsets.UTF_8);
            byte[] value = null;
            if (colon >= 0) {
                int from = Math.min(lineEnd, colon + 1 + (colon + 1 < lineEnd && input[colon + 1] == ' ' ? 1 : 0));
                value = Arrays.copyOfRange(input, from, lineEnd);
            }
            switch (name) {
                case "@key" -> key = value;
                case "@timestamp" -> timestamp = parseTimestamp(value);
                case "@model" -> model = value == null ? null : new String(value, StandardCharsets.UTF_8);
                default -> headers.add(name, value);
            }
            pos = lineEnd + 1;
        }
        return new FuzzRecord(key, timestamp, model, headers, new byte[0]);
    }

    /** Encodes a record in the form {@link #parse} reads; used to write seeds. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC_BYTES);
        if (key != null) {
            line(out, "@key", key);
        }
        if (timestamp != DEFAULT_TIMESTAMP) {
            line(out, "@timestamp", Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
        }
        if (model != null) {
            line(out, "@model", model.getBytes(StandardCharsets.UTF_8));
        }
        for (Header header : headers) {
            line(out, header.key(), header.value());
        }
        out.write('\n');
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String name, byte[] value) {
        out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        if (value != null) {
            out.writeBytes(": ".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(value);
        }
        out.write('\n');
    }

    private static long parseTimestamp(byte[] value) {
        try {
            return value == null ? DEFAULT_TIMESTAMP
                    : Math.max(0, Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_TIMESTAMP;
        }
    }

    private static boolean startsWith(byte[] input, byte[] prefix) {
        return input.length >= prefix.length && Arrays.equals(input, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] input, byte b, int from) {
        return indexOf(input, b, from, input.length);
    }

    private static int indexOf(byte[] input, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (input[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
