package io.latentwatch.stream;

import io.latentwatch.image.RejectReason;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the headers of a dead-letter record: the input's own headers plus why and where from. */
public final class DeadLetters {
    /** Longest reason text kept in {@link Headers#ERROR}. */
    static final int MAX_MESSAGE_CHARS = 1000;

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
        String text = message == null ? reason.id() : message;
        put(headers, Headers.ERROR, text.length() <= MAX_MESSAGE_CHARS ? text
                : text.substring(0, MAX_MESSAGE_CHARS) + "...");
        put(headers, Headers.ERROR_CLASS, reason.id());
        put(headers, Headers.SOURCE_TOPIC, origin.topic());
        put(headers, Headers.SOURCE_PARTITION, Integer.toString(origin.partition()));
        put(headers, Headers.SOURCE_OFFSET, Long.toString(origin.offset()));
        if (modelVersion != null) {
            put(headers, Headers.MODEL_VERSION, modelVersion);
        }
        return headers;
    }

    /** An unforeseen exception as the reason of an {@code internal-error} dead letter: its class, and its message when it has one. */
    static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }

    private static void put(RecordHeaders headers, String key, String value) {
        RecordBudget.put(headers, key, value);
    }
}
