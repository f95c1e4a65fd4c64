package io.latentwatch.produce;

/**
 * One image to send.
 *
 * @param bytes       encoded image
 * @param contentType its media type, e.g. {@code image/png}
 * @param label       class label, or -1 when unknown
 * @param anomaly     whether the stream plan counts it as an anomaly (false when unknown)
 */
public record LabelledImage(byte[] bytes, String contentType, int label, boolean anomaly) {
}
