package io.latentwatch.train;

/** Where training images come from; read again at every retraining round. */
public interface TrainingSource {
    /** Loads the images; fails with a message naming the flag to fix when none are usable. */
    TrainingData load();
}
