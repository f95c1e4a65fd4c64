package io.latentwatch.stream;

/** Header names latentwatch writes. */
public final class Headers {
    /** Why an input was dead-lettered, for a person. */
    public static final String ERROR = "x-latentwatch-error";
    /** Why an input was dead-lettered, as a stable id (see {@link io.latentwatch.image.RejectReason}). */
    public static final String ERROR_CLASS = "x-latentwatch-error-class";
    /** Topic of the input a record came from. */
    public static final String SOURCE_TOPIC = "x-latentwatch-source-topic";
    /** Partition of the input a record came from. */
    public static final String SOURCE_PARTITION = "x-latentwatch-source-partition";
    /** Offset of the input a record came from. */
    public static final String SOURCE_OFFSET = "x-latentwatch-source-offset";
    /** Version of the model that produced a record, or was serving when an input was refused. */
    public static final String MODEL_VERSION = "x-latentwatch-model-version";
    /** On a dead letter whose input value was left out to fit the topic: why, for a person. */
    public static final String VALUE_OMITTED = "x-latentwatch-value-omitted";
    /** Size in bytes of the input value a dead letter left out. */
    public static final String ORIGINAL_BYTES = "x-latentwatch-original-bytes";
    /** Hex SHA-256 of the input value a dead letter left out. */
    public static final String ORIGINAL_SHA256 = "x-latentwatch-original-sha256";
    /** Number of the input's own headers a dead letter left out to fit the topic. */
    public static final String HEADERS_OMITTED = "x-latentwatch-headers-omitted";
    /** Hex SHA-256 of the input key a dead letter left out to fit the topic. */
    public static final String KEY_SHA256 = "x-latentwatch-key-sha256";
    /** Content type of output records. */
    public static final String CONTENT_TYPE = "content-type";

    private Headers() {
    }
}
