package io.latentwatch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained weights copied out of DJL, keyed {@code encoder.<i>.weight},
 * {@code encoder.<i>.bias}, {@code z_mean.weight}, {@code z_mean.bias}, {@code decoder.<i>.*}
 * where {@code i} indexes the layer in the {@link Architecture}. The exporter reads only this, so
 * the ONNX file holds exactly the weights the DJL network ran with.
 *
 * @param architecture the layers
 * @param type         the autoencoder kind
 * @param tensors      weights and biases by key
 */
public record NetworkWeights(Architecture architecture, ModelType type, Map<String, Tensor> tensors) {

    /** Copies the weights out of a trained block. */
    static NetworkWeights of(AutoencoderBlock block) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        copyLayers("encoder", block.architecture().encoder(), block.encoderLayers(), tensors);
        copy("z_mean", block.latentLayer(), tensors);
        copyLayers("decoder", block.architecture().decoder(), block.decoderLayers(), tensors);
        return new NetworkWeights(block.architecture(), block.type(), tensors);
    }

    private static void copyLayers(String prefix, List<Layer> layers, List<Block> blocks, Map<String, Tensor> out) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).hasWeights()) {
                copy(prefix + "." + i, blocks.get(i), out);
            }
        }
    }

    private static void copy(String key, Block block, Map<String, Tensor> out) {
        for (String name : List.of("weight", "bias")) {
            NDArray array = block.getParameters().get(name).getArray();
            out.put(key + "." + name, new Tensor(array.toFloatArray(), array.getShape().getShape()));
        }
    }

    /** The tensor under {@code key}; fails with the key when absent. */
    public Tensor get(String key) {
        Tensor tensor = tensors.get(key);
        if (tensor == null) {
            throw new IllegalStateException("no trained tensor " + key);
        }
        return tensor;
    }
}
