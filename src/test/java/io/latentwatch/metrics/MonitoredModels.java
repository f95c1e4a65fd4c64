package io.latentwatch.metrics;

import io.latentwatch.model.MetadataKeys;
import io.latentwatch.testing.TestModels;

import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Test models carrying the metadata observability reads: validation figures, creation time,
 * calibration and a validation score distribution. Like {@link TestModels#blackIsNormal}, a
 * uniform grey image of pixel value p scores {@code (p/255)^2}.
 */
final class MonitoredModels {
    private MonitoredModels() {
    }

    /**
     * A model whose validation scores are uniform on [0, {@code maxNormalScore}].
     */
    static byte[] withMetadata(String version, double threshold, double maxNormalScore, String createdAt) {
        return TestModels.scaling(1, 28, 28, 0f)
                .metadata(MetadataKeys.NAME, "test")
                .metadata(MetadataKeys.VERSION, version)
                .metadata(MetadataKeys.MODEL_TYPE, "ae")
                .metadata(MetadataKeys.THRESHOLD, Double.toString(threshold))
                .metadata(MetadataKeys.CALIBRATION_QUANTILE, "0.99")
                .metadata(MetadataKeys.CREATED_AT, createdAt)
                .metadata(MetadataKeys.VALIDATION, "{\"train_loss\": 0.012, \"val_loss\": 0.014, \"auroc\": 0.93,"
                        + " \"epochs\": 12, \"notes\": \"ignored\"}")
                .metadata(MetadataKeys.VALIDATION_SCORES, uniformScores(maxNormalScore))
                .toBytes();
    }

    /** The {@link MetadataKeys#VALIDATION_SCORES} JSON of scores uniform on [0, max]. */
    static String uniformScores(double max) {
        String quantiles = IntStream.rangeClosed(0, 100).mapToObj(k -> String.format(Locale.ROOT, "%.8f", max * k / 100))
                .collect(Collectors.joining(","));
        return "{\"count\": 1000, \"quantiles\": [" + quantiles + "]}";
    }
}
