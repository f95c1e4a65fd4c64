package io.latentwatch.util;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson mapper of the program: model metadata, output records (as the reference the
 * hand-written writer is tested against), HTTP answers, the JSON lines of {@code bench},
 * {@code evaluate} and {@code fault-suite}. Times are written as ISO-8601 strings. An
 * {@link ObjectMapper} is thread-safe once configured; nothing may reconfigure this one.
 */
public final class Json {
    /** The shared mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }
}
