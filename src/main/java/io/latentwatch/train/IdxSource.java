package io.latentwatch.train;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.Images;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.model.Normalization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The train split of an IDX set: images of the normal classes are the training data; a seeded
 * sample of the other classes' train images (never the test split, which stays for
 * {@code latentwatch evaluate}) serves as labelled anomalies for F1 calibration and model comparison.
 *
 * @param dir           directory of the IDX files
 * @param normalClasses the classes taken as normal
 * @param maxAnomalies  most labelled anomalies to keep
 * @param seed          seed of the anomaly sample
 */
public record IdxSource(Path dir, LabelSet normalClasses, int maxAnomalies, long seed) implements TrainingSource {

    @Override
    public TrainingData load() {
        IdxDataset train;
        try {
            train = IdxDataset.load(dir, Split.TRAIN);
        } catch (IOException e) {
            throw new UncheckedIOException("--idx " + dir + ": " + e.getMessage(), e);
        }
        IdxDataset normal = train.withLabels(normalClasses);
        if (normal.count() == 0) {
            throw new IllegalArgumentException("--normal-classes " + normalClasses + ": no train image in " + dir
                    + " has one of these labels");
        }
        IdxDataset others = train.withoutLabels(normalClasses);
        Images anomalies = null;
        if (others.count() > 0) {
            int[] pick = new Random(seed).ints(0, others.count()).distinct()
                    .limit(Math.min(maxAnomalies, others.count())).sorted().toArray();
            anomalies = others.select(pick).toImages(Normalization.UNIT);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("source", "idx");
        summary.put("dir", dir.toString());
        summary.put("split", "train");
        summary.put("normal_classes", normalClasses.toString());
        summary.put("images", normal.count());
        summary.put("labelled_anomalies", anomalies == null ? 0 : anomalies.count());
        return new TrainingData(normal.toImages(Normalization.UNIT), anomalies, summary);
    }
}
