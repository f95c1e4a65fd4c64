package io.latentwatch.image;

import java.time.Instant;

/**
 * One input event, whatever its envelope.
 *
 * @param id          CloudEvents id; else the record key as text; else {@code topic-partition-offset}
 * @param source      CloudEvents source, or null
 * @param type        CloudEvents type, or null
 * @param time        CloudEvents time; else the record timestamp
 * @param contentType declared content type of {@link #data()}, or null when not declared
 * @param data        the image bytes
 */
public record ImageEvent(String id, String source, String type, Instant time, String contentType, byte[] data) {
}
