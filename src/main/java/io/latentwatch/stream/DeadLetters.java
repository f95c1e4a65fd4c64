package io.latentwatch.stream;

import io.latentwatch.image.RejectReason;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** Builds the headers of a dead-letter record: the input's own headers plus why and where from. */
public final class DeadLetters {
    private DeadLetters() {
    }

    /**
     * @param original     the input's headers, copied unchanged
     * @param modelVersion version serving when the input was refused, or null
     */
    public static RecordHeaders headers(org.apache.kafka.common.header.Headers original, RejectReason reason,
                                        String message, Origin origin, String modelVersion) {
        RecordHeaders headers = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0]
                : original.toArray());
        put(headers, Headers.ERROR, message == null ? reason.id() : message);
        put(headers, Headers.ERROR_CLASS, reason.id());
        put(headers, Headers.SOURCE_TOPIC, origin.topic());
        put(headers, Headers.SOURCE_PARTITION, Integer.toString(origin.partition()));
        put(headers, Headers.SOURCE_OFFSET, Long.toString(origin.offset()));
        if (modelVersion != null) {
            put(headers, Headers.MODEL_VERSION, modelVersion);
        }
        return headers;
    }

    private static void put(RecordHeaders headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
