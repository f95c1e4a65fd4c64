package io.latentwatch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The autoencoder as a DJL block, built from an {@link Architecture}. Forward returns
 * {@code (reconstruction, z_mean)} for an AE and {@code (reconstruction, z_mean, z_log_sigma)} for
 * a VAE. A VAE samples {@code z = z_mean + exp(z_log_sigma) * eps} while training and decodes
 * {@code z = z_mean} otherwise, which is what the exported ONNX graph computes.
 */
public final class AutoencoderBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Architecture architecture;
    private final ModelType type;
    private final List<Block> encoderLayers;
    private final List<Block> decoderLayers;
    private final SequentialBlock encoder;
    private final Linear zMean;
    private final Linear zLogSigma;
    private final SequentialBlock decoder;

    public AutoencoderBlock(Architecture architecture, ModelType type) {
        super(VERSION);
        this.architecture = architecture;
        this.type = type;
        this.encoderLayers = toBlocks(architecture.encoder());
        this.decoderLayers = toBlocks(architecture.decoder());
        this.encoder = addChildBlock("encoder", new SequentialBlock().addAll(encoderLayers));
        this.zMean = addChildBlock("z_mean", Linear.builder().setUnits(architecture.latentSize()).build());
        this.zLogSigma = type == ModelType.VAE
                ? addChildBlock("z_log_sigma", Linear.builder().setUnits(architecture.latentSize()).build())
                : null;
        this.decoder = addChildBlock("decoder", new SequentialBlock().addAll(decoderLayers));
    }

    private static List<Block> toBlocks(List<Layer> layers) {
        List<Block> blocks = new ArrayList<>();
        for (Layer layer : layers) {
            blocks.add(toBlock(layer));
        }
        return Collections.unmodifiableList(blocks);
    }

    private static Block toBlock(Layer layer) {
        if (layer instanceof Layer.Conv conv) {
            return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .setFilters(conv.filters()).build();
        } else if (layer instanceof Layer.Dense dense) {
            return Linear.builder().setUnits(dense.units()).build();
        } else if (layer instanceof Layer.Relu) {
            return Activation.reluBlock();
        } else if (layer instanceof Layer.MaxPool) {
            return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
        } else if (layer instanceof Layer.Flatten) {
            return Blocks.batchFlattenBlock();
        } else if (layer instanceof Layer.Reshape r) {
            return LambdaBlock.singleton(x -> x.reshape(-1, r.channels(), r.height(), r.width()), "reshape");
        } else if (layer instanceof Layer.Upsample) {
            // nearest-neighbour x2: each row and column repeated (Conv2dTranspose is not implemented in DJL 0.36)
            return LambdaBlock.singleton(x -> x.repeat(2, 2).repeat(3, 2), "upsample");
        } else if (layer instanceof Layer.Sigmoid) {
            return Activation.sigmoidBlock();
        }
        throw new IllegalArgumentException("unknown layer " + layer);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList features = encoder.forward(store, inputs, training, params);
        NDArray mean = zMean.forward(store, features, training, params).head();
        NDArray z = mean;
        NDArray logSigma = null;
        if (zLogSigma != null) {
            logSigma = zLogSigma.forward(store, features, training, params).head();
            if (training) {
                NDArray eps = mean.getManager().randomNormal(mean.getShape());
                z = mean.add(logSigma.exp().mul(eps));
            }
        }
        NDArray reconstruction = decoder.forward(store, new NDList(z), training, params).head();
        return logSigma == null ? new NDList(reconstruction, mean) : new NDList(reconstruction, mean, logSigma);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        Shape latent = new Shape(batch, architecture.latentSize());
        return type == ModelType.VAE
                ? new Shape[] {inputShapes[0], latent, latent}
                : new Shape[] {inputShapes[0], latent};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes[0]);
        Shape features = encoder.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        zMean.initialize(manager, dataType, features);
        if (zLogSigma != null) {
            zLogSigma.initialize(manager, dataType, features);
        }
        decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), architecture.latentSize()));
    }

    public Architecture architecture() {
        return architecture;
    }

    public ModelType type() {
        return type;
    }

    /** The DJL block of each encoder layer, in {@link Architecture#encoder()} order. */
    List<Block> encoderLayers() {
        return encoderLayers;
    }

    /** The DJL block of each decoder layer, in {@link Architecture#decoder()} order. */
    List<Block> decoderLayers() {
        return decoderLayers;
    }

    /** The dense layer that gives {@code z_mean}, the embedding. */
    Block latentLayer() {
        return zMean;
    }
}
