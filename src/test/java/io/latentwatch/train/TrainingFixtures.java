package io.latentwatch.train;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.Images;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.model.Normalization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The bundled Fashion-MNIST sample, sliced for short training runs. */
final class TrainingFixtures {
    static final Path SAMPLE = Path.of("data/fashion-mnist-sample");

    private TrainingFixtures() {
    }

    static IdxDataset sample(Split split) {
        try {
            return IdxDataset.load(SAMPLE, split);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample's train images of the given classes, normalised to [0, 1]. */
    static Images trainImages(int... classes) {
        return sample(Split.TRAIN).withLabels(LabelSet.of(classes)).toImages(Normalization.UNIT);
    }

    static Hyperparameters quick(ModelType type, int epochs, float denoise) {
        return new Hyperparameters(type, 8, 16, epochs, 64, 2e-3f, denoise, 5, 1f, 7);
    }

    /** The upper median of {@code values}, which stay as they are. */
    static double median(float[] values) {
        float[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
