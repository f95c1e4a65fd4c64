package io.latentwatch.train;

/**
 * Figures of one training epoch.
 *
 * @param epoch          1-based epoch number
 * @param loss           mean training objective (per pixel; a VAE's includes the KL term)
 * @param validationLoss mean per-pixel squared reconstruction error on the validation images
 * @param seconds        wall time of the epoch, validation included
 * @param imagesPerSecond training images per second
 */
public record EpochStats(int epoch, double loss, double validationLoss, double seconds, double imagesPerSecond) {
}
