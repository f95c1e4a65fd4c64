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
    /** Content type of output records. */
    public static final String CONTENT_TYPE = "content-type";

    private Headers() {
    }
}
