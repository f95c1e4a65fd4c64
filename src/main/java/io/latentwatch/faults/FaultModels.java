package io.latentwatch.faults;

import io.latentwatch.model.MetadataKeys;
import io.latentwatch.onnx.OnnxGraph;

import java.util.List;

import static io.latentwatch.onnx.OnnxGraph.Attribute.ofInt;
import static io.latentwatch.onnx.OnnxGraph.Attribute.ofInts;

/**
 * The models the suite serves and swaps: tiny 28x28 grey autoencoders (reconstruction = a scaled
 * input, embedding = the mean pixel), one per version, each scoring a little differently so that
 * a swap shows in the scores as well as in the version.
 */
final class FaultModels {
    /** The key the suite publishes its models under, and the name the detectors follow. */
    static final String NAME = "fault-suite";

    private FaultModels() {
    }

    /** The version name of the {@code n}-th model (1-based). */
    static String version(String runId, int n) {
        return runId + "-v" + n;
    }

    /** ONNX bytes of the {@code n}-th model. */
    static byte[] model(String runId, int n) {
        float factor = 0.5f + 0.01f * n;
        return OnnxGraph.named("fault-suite")
                .input("image", OnnxGraph.DYNAMIC, 1, 28, 28)
                .initializer("factor", new float[] {factor})
                .node("Mul", List.of("image", "factor"), List.of("reconstruction"))
                .node("ReduceMean", List.of("image"), List.of("embedding"), ofInts("axes", 2, 3), ofInt("keepdims", 0))
                .output("reconstruction", OnnxGraph.DYNAMIC, 1, 28, 28)
                .output("embedding", OnnxGraph.DYNAMIC, 1)
                .metadata(MetadataKeys.NAME, NAME)
                .metadata(MetadataKeys.VERSION, version(runId, n))
                .metadata(MetadataKeys.MODEL_TYPE, "ae")
                // random pixels score about (1 - factor)^2 / 3: about half of the inputs are anomalies
                .metadata(MetadataKeys.THRESHOLD, Double.toString((1 - factor) * (1 - factor) / 3))
                .toBytes();
    }
}
