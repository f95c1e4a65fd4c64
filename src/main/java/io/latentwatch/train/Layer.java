package io.latentwatch.train;

/**
 * One layer of the autoencoder, as both the DJL block and the ONNX export read it. Keeping the
 * architecture as data means the exported graph is written from the same description the network
 * was built from.
 */
public sealed interface Layer {
    /** 3x3 convolution, stride 1, padding 1 (ONNX {@code Conv}). */
    record Conv(int filters) implements Layer {
    }

    /** Fully connected layer (ONNX {@code Gemm} with {@code transB=1}). */
    record Dense(int units) implements Layer {
    }

    /** ReLU. */
    record Relu() implements Layer {
    }

    /** 2x2 max pooling, stride 2. */
    record MaxPool() implements Layer {
    }

    /** {@code [N, C, H, W] -> [N, C*H*W]}. */
    record Flatten() implements Layer {
    }

    /** {@code [N, C*H*W] -> [N, C, H, W]}. */
    record Reshape(int channels, int height, int width) implements Layer {
    }

    /** Nearest-neighbour 2x upsampling (ONNX {@code Resize}, nearest, asymmetric, floor). */
    record Upsample() implements Layer {
    }

    /** Logistic sigmoid, for outputs in [0, 1]. */
    record Sigmoid() implements Layer {
    }

    /** Whether the layer has a weight and a bias. */
    default boolean hasWeights() {
        return this instanceof Conv || this instanceof Dense;
    }
}
