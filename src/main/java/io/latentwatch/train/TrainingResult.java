package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.util.List;

/**
 * What a training run produced.
 *
 * @param weights                 the weights of the best epoch
 * @param history                 every epoch run
 * @param bestEpoch               the epoch whose weights were kept (lowest validation loss)
 * @param referenceImages         a validation batch run through DJL after training
 * @param referenceReconstruction DJL's reconstruction of {@code referenceImages}
 * @param referenceEmbedding      DJL's embedding ({@code z_mean}) of {@code referenceImages}
 */
public record TrainingResult(NetworkWeights weights, List<EpochStats> history, int bestEpoch,
                             Images referenceImages, float[] referenceReconstruction, float[] referenceEmbedding) {

    /** Validation loss of the kept epoch. */
    public double bestValidationLoss() {
        return history.get(bestEpoch - 1).validationLoss();
    }

    /** Mean training images per second over the run. */
    public double imagesPerSecond() {
        return history.stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(0);
    }

    /** Mean wall time of an epoch, in seconds. */
    public double secondsPerEpoch() {
        return history.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
    }
}
