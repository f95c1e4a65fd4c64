package io.latentwatch.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Layers of an autoencoder: the encoder maps an image to a flat feature vector, a dense layer
 * maps that to the latent vector ({@code embedding}; for a VAE a second one gives
 * {@code z_log_sigma}), and the decoder maps the latent vector back to an image.
 *
 * @param channels   input channels
 * @param height     input height
 * @param width      input width
 * @param encoder    image to flat features
 * @param latentSize length of the latent vector
 * @param decoder    latent vector to image
 */
public record Architecture(int channels, int height, int width, List<Layer> encoder, int latentSize,
                           List<Layer> decoder) {

    public Architecture {
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
    }

    /**
     * The default convolutional autoencoder: two conv-ReLU-maxpool stages ({@code filters},
     * {@code 2*filters}), a dense bottleneck, and a mirrored decoder of dense, reshape, and two
     * upsample-conv stages ending in a sigmoid (the input is normalised to [0, 1]).
     */
    public static Architecture convolutional(int channels, int height, int width, int filters, int latentSize) {
        if (height % 4 != 0 || width % 4 != 0) {
            throw new IllegalArgumentException("the convolutional autoencoder needs a height and width divisible"
                    + " by 4, got " + height + "x" + width);
        }
        if (filters < 1 || latentSize < 1) {
            throw new IllegalArgumentException("filters and latent size must be positive");
        }
        int h4 = height / 4;
        int w4 = width / 4;
        List<Layer> encoder = List.of(
                new Layer.Conv(filters), new Layer.Relu(), new Layer.MaxPool(),
                new Layer.Conv(2 * filters), new Layer.Relu(), new Layer.MaxPool(),
                new Layer.Flatten());
        List<Layer> decoder = new ArrayList<>(List.of(
                new Layer.Dense(2 * filters * h4 * w4), new Layer.Relu(),
                new Layer.Reshape(2 * filters, h4, w4),
                new Layer.Upsample(), new Layer.Conv(filters), new Layer.Relu(),
                new Layer.Upsample(), new Layer.Conv(channels), new Layer.Sigmoid()));
        return new Architecture(channels, height, width, encoder, latentSize, decoder);
    }

    /** Floats per input image. */
    public int imageSize() {
        return channels * height * width;
    }
}
