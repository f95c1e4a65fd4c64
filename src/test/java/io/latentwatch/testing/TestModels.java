package io.latentwatch.testing;

import io.latentwatch.model.MetadataKeys;
import io.latentwatch.onnx.OnnxGraph;

import java.util.List;

import static io.latentwatch.onnx.OnnxGraph.Attribute.ofInt;
import static io.latentwatch.onnx.OnnxGraph.Attribute.ofInts;

/** Tiny ONNX autoencoders with known outputs, written by the project's own ONNX writer. */
public final class TestModels {
    private TestModels() {
    }

    /**
     * reconstruction = input * factor, embedding = per-channel mean over H and W. With unit
     * normalisation and MSE, a uniform image of pixel value p scores {@code ((1 - factor) p/255)^2}.
     */
    public static OnnxGraph scaling(int channels, int height, int width, float factor) {
        return OnnxGraph.named("scaling")
                .input("image", OnnxGraph.DYNAMIC, channels, height, width)
                .initializer("factor", new float[] {factor})
                .node("Mul", List.of("image", "factor"), List.of("reconstruction"))
                .node("ReduceMean", List.of("image"), List.of("embedding"), ofInts("axes", 2, 3), ofInt("keepdims", 0))
                .output("reconstruction", OnnxGraph.DYNAMIC, channels, height, width)
                .output("embedding", OnnxGraph.DYNAMIC, channels);
    }

    /**
     * A grey 28x28 model whose reconstruction is all zeros: the MSE score of an image is the mean
     * of its squared normalised pixels, so black scores 0 and white scores 1.
     */
    public static byte[] blackIsNormal(String version, double threshold) {
        return scaling(1, 28, 28, 0f)
                .metadata(MetadataKeys.NAME, "test")
                .metadata(MetadataKeys.VERSION, version)
                .metadata(MetadataKeys.MODEL_TYPE, "ae")
                .metadata(MetadataKeys.THRESHOLD, Double.toString(threshold))
                .toBytes();
    }
}
