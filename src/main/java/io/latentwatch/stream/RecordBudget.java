package io.latentwatch.stream;

import io.latentwatch.model.OnnxAutoencoder;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * The largest record the detector may write: the smaller of its producer's {@code max.request.size}
 * and the output topics' {@code max.message.bytes}, less room for the batch framing. A dead letter
 * is cut to fit it, so that no input, however large, can make a send fail and stall its partition:
 * first the input's value is left out (its size and SHA-256 stay, in headers), then the input's own
 * headers, then its key. The reason headers always stay.
 *
 * @param maxRecordBytes largest record, counted as key + value + headers
 */
public record RecordBudget(int maxRecordBytes) {
    /** Kafka's default {@code max.request.size} and, near enough, {@code message.max.bytes}. */
    public static final RecordBudget KAFKA_DEFAULT = of(1024 * 1024);
    /** Room left for the record batch header and the varint framing of one record. */
    static final int FRAMING = 512;
    private static final int PER_HEADER = 10;
    private static final String OWN_PREFIX = "x-latentwatch-";

    public RecordBudget {
        if (maxRecordBytes < 4096) {
            throw new IllegalArgumentException("the largest record must be at least 4096 bytes, got " + maxRecordBytes);
        }
    }

    /** The budget under a producer/topic limit of {@code limitBytes}. */
    public static RecordBudget of(int limitBytes) {
        return new RecordBudget(limitBytes - FRAMING);
    }

    /** Whether a record of these parts fits. */
    public boolean fits(byte[] key, byte[] value, Iterable<Header> headers) {
        return size(key, value, headers) <= maxRecordBytes;
    }

    /**
     * Size of a record as counted against the limits, never less than what Kafka counts (a header
     * name is taken at three bytes a char, its most in UTF-8), and with no allocation: it runs for
     * every output record.
     */
    public static long size(byte[] key, byte[] value, Iterable<Header> headers) {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += 3L * h.key().length() + (h.value() == null ? 0 : h.value().length) + PER_HEADER;
        }
        return size;
    }

    /** A dead letter's key, value and headers, cut to fit. */
    public record Parts(byte[] key, byte[] value, RecordHeaders headers) {
    }

    /** Cuts a dead letter to fit: value first, then the input's own headers, then the key. */
    public Parts fit(byte[] key, byte[] value, RecordHeaders headers) {
        if (fits(key, value, headers)) {
            return new Parts(key, value, headers);
        }
        if (value != null) {
            put(headers, Headers.VALUE_OMITTED, "the record (" + size(key, value, headers)
                    + " bytes) is larger than the " + maxRecordBytes + " bytes a dead letter may have here; its"
                    + " value is left out, its size and SHA-256 are in the headers");
            put(headers, Headers.ORIGINAL_BYTES, Integer.toString(value.length));
            put(headers, Headers.ORIGINAL_SHA256, OnnxAutoencoder.sha256(value));
            value = null;
            if (fits(key, null, headers)) {
                return new Parts(key, null, headers);
            }
        }
        RecordHeaders own = new RecordHeaders();
        int dropped = 0;
        for (Header h : headers) {
            if (h.key().startsWith(OWN_PREFIX)) {
                own.add(h);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            put(own, Headers.HEADERS_OMITTED, Integer.toString(dropped));
        }
        if (fits(key, null, own)) {
            return new Parts(key, null, own);
        }
        if (key != null) {
            put(own, Headers.KEY_SHA256, OnnxAutoencoder.sha256(key));
        }
        return new Parts(null, null, own);
    }

    static void put(RecordHeaders headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
