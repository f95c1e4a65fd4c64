package io.latentwatch.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the detector runs as a Kafka Streams application.
 *
 * @param applicationId       Kafka Streams application id ({@code --application-id}): detectors with
 *                            the same id share the work
 * @param instanceId          static group member id ({@code --instance-id}, {@code group.instance.id}),
 *                            or null for dynamic membership
 * @param streamThreads       Kafka Streams threads ({@code --stream-threads})
 * @param inferenceThreads    ONNX Runtime intra-op threads per session ({@code --inference-threads})
 * @param processingGuarantee {@value #EXACTLY_ONCE} or {@value #AT_LEAST_ONCE} ({@code --processing-guarantee})
 * @param stateDir            state directory ({@code --state-dir}); null uses a temporary one removed on exit
 */
public record StreamsSettings(String applicationId, String instanceId, int streamThreads, int inferenceThreads,
                              String processingGuarantee, Path stateDir) {
    /** Default of {@code --application-id}. */
    public static final String DEFAULT_APPLICATION_ID = "latentwatch-detector";
    /** The default processing guarantee. */
    public static final String EXACTLY_ONCE = "exactly_once_v2";
    /** The other processing guarantee: outputs may repeat after a failure. */
    public static final String AT_LEAST_ONCE = "at_least_once";

    public StreamsSettings {
        Objects.requireNonNull(applicationId, "application id");
        Objects.requireNonNull(processingGuarantee, "processing guarantee");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("--application-id is empty");
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("--stream-threads must be at least 1, got " + streamThreads);
        }
        if (inferenceThreads < 1) {
            throw new IllegalArgumentException("--inference-threads must be at least 1, got " + inferenceThreads);
        }
        if (!processingGuarantee.equals(EXACTLY_ONCE) && !processingGuarantee.equals(AT_LEAST_ONCE)) {
            throw new IllegalArgumentException("--processing-guarantee must be " + EXACTLY_ONCE + " or "
                    + AT_LEAST_ONCE + ", got " + processingGuarantee);
        }
        if (instanceId != null && (instanceId.isBlank() || !instanceId.matches("[A-Za-z0-9._-]+"))) {
            throw new IllegalArgumentException("--instance-id must be letters, digits, '.', '_' or '-' (a pod name,"
                    + " for one), got '" + instanceId + "'");
        }
    }

    /** The defaults of {@code latentwatch detect} under application id {@code applicationId}. */
    public static StreamsSettings of(String applicationId) {
        return new StreamsSettings(applicationId, null, 1, 1, EXACTLY_ONCE, null);
    }

    /** These settings with {@code streams} stream threads and {@code inference} ONNX Runtime threads. */
    public StreamsSettings withThreads(int streams, int inference) {
        return new StreamsSettings(applicationId, instanceId, streams, inference, processingGuarantee, stateDir);
    }

    /** These settings with another processing guarantee. */
    public StreamsSettings withGuarantee(String guarantee) {
        return new StreamsSettings(applicationId, instanceId, streamThreads, inferenceThreads, guarantee, stateDir);
    }

    /** These settings keeping state in {@code dir} (null: a temporary directory). */
    public StreamsSettings withStateDir(Path dir) {
        return new StreamsSettings(applicationId, instanceId, streamThreads, inferenceThreads, processingGuarantee, dir);
    }

    /** These settings as static group member {@code id} (null: dynamic membership). */
    public StreamsSettings withInstanceId(String id) {
        return new StreamsSettings(applicationId, id, streamThreads, inferenceThreads, processingGuarantee, stateDir);
    }
}
