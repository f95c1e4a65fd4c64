package io.latentwatch.image;

/**
 * Why an input could not be scored. The id is the value of the dead-letter header
 * {@code x-latentwatch-error-class} and of the {@code reason} label on the dead-letter counter, so
 * the set is closed and small.
 */
public enum RejectReason {
    /** The record has no value. */
    EMPTY_RECORD("empty-record"),
    /** The value or the decoded image is over the configured limits. */
    IMAGE_TOO_LARGE("image-too-large"),
    /** CloudEvents headers or JSON that do not make a valid event. */
    INVALID_CLOUDEVENT("invalid-cloudevent"),
    /** A declared content type that is not an image. */
    UNSUPPORTED_CONTENT_TYPE("unsupported-content-type"),
    /** Bytes that are neither a known image format nor raw pixels of the model's size. */
    UNRECOGNISED_FORMAT("unrecognised-format"),
    /** A known image format whose bytes do not decode. */
    UNDECODABLE_IMAGE("undecodable-image"),
    /** ONNX Runtime failed on the image. */
    INFERENCE_FAILED("inference-failed"),
    /** The outputs of an image would be larger than the output topics or the producer take. */
    OUTPUT_TOO_LARGE("output-too-large"),
    /** Anything unexpected; the detector goes on with the next record. */
    INTERNAL_ERROR("internal-error");

    private final String id;

    RejectReason(String id) {
        this.id = id;
    }

    /** Stable id used in headers and metric labels. */
    public String id() {
        return id;
    }
}
