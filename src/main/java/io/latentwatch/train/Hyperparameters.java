package io.latentwatch.train;

/**
 * How a network is trained.
 *
 * @param type         autoencoder kind
 * @param filters      filters of the first convolution (the second has twice as many)
 * @param latentSize   length of the latent vector (the embedding)
 * @param epochs       most passes over the training images
 * @param batchSize    images per gradient step
 * @param learningRate Adam learning rate
 * @param denoise      standard deviation of the Gaussian noise added to training inputs (targets stay
 *                     clean); 0 trains a plain autoencoder
 * @param patience     epochs without a better validation loss before training stops early
 * @param klWeight     weight of the KL term of a VAE (beta)
 * @param seed         seed of every random choice: weights, shuffling, noise, sampling, the split
 */
public record Hyperparameters(ModelType type, int filters, int latentSize, int epochs, int batchSize,
                              float learningRate, float denoise, int patience, float klWeight, long seed) {

    public Hyperparameters {
        require(filters >= 1, "--filters must be at least 1, got " + filters);
        require(latentSize >= 1, "--latent-size must be at least 1, got " + latentSize);
        require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        require(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        require(learningRate > 0 && Float.isFinite(learningRate), "--learning-rate must be positive, got "
                + learningRate);
        require(denoise >= 0 && Float.isFinite(denoise), "--denoise must be 0 or a positive noise sigma, got "
                + denoise);
        require(patience >= 1, "--patience must be at least 1, got " + patience);
        require(klWeight >= 0 && Float.isFinite(klWeight), "--kl-weight must be 0 or positive, got " + klWeight);
    }

    /** The same hyperparameters with another seed. */
    public Hyperparameters withSeed(long otherSeed) {
        return new Hyperparameters(type, filters, latentSize, epochs, batchSize, learningRate, denoise, patience,
                klWeight, otherSeed);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
