package io.latentwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.util.Json;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A model's validation score distribution, read from {@link MetadataKeys#VALIDATION_SCORES}: the
 * 0%, 1%, ..., 100% quantiles of the scores of held-out normal images. Between two quantiles the
 * reference CDF is taken as linear; where several quantiles are equal it jumps.
 *
 * @param count     number of validation scores the quantiles were computed from (0 when not given)
 * @param quantiles 101 ascending values
 */
public record ReferenceDistribution(long count, double[] quantiles) {
    /** Number of quantiles: 0%, 1%, ..., 100%. */
    public static final int QUANTILES = 101;
    private static final ObjectMapper JSON = Json.MAPPER;

    public ReferenceDistribution {
        if (quantiles.length != QUANTILES) {
            throw new IllegalArgumentException("expected " + QUANTILES + " quantiles, got " + quantiles.length);
        }
        for (int i = 0; i < QUANTILES; i++) {
            if (!Double.isFinite(quantiles[i]) || (i > 0 && quantiles[i] < quantiles[i - 1])) {
                throw new IllegalArgumentException("quantiles must be finite and ascending; quantile " + i + " is "
                        + quantiles[i]);
            }
        }
        quantiles = quantiles.clone();
    }

    /**
     * The reference of a model, or empty when its metadata has none (a user-exported model).
     *
     * @throws IllegalArgumentException when the key is present but not the documented JSON
     */
    public static Optional<ReferenceDistribution> fromMetadata(Map<String, String> metadata) {
        String json = metadata.get(MetadataKeys.VALIDATION_SCORES);
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(MetadataKeys.VALIDATION_SCORES + " is not JSON: " + e.getMessage(), e);
        }
        JsonNode q = root.path("quantiles");
        if (!q.isArray()) {
            throw new IllegalArgumentException(MetadataKeys.VALIDATION_SCORES + " has no \"quantiles\" array");
        }
        double[] values = new double[q.size()];
        for (int i = 0; i < values.length; i++) {
            if (!q.get(i).isNumber()) {
                throw new IllegalArgumentException(MetadataKeys.VALIDATION_SCORES + " quantile " + i + " is not a number");
            }
            values[i] = q.get(i).asDouble();
        }
        return Optional.of(new ReferenceDistribution(root.path("count").asLong(0), values));
    }

    /** A copy of the 101 quantiles. */
    @Override
    public double[] quantiles() {
        return quantiles.clone();
    }

    /** Reference CDF at {@code x}: P(score <= x). */
    public double cdf(double x) {
        return cdf(x, false);
    }

    /** Left limit of the reference CDF at {@code x}: P(score < x). */
    public double cdfBelow(double x) {
        return cdf(x, true);
    }

    private double cdf(double x, boolean strict) {
        if (x < quantiles[0] || (strict && x == quantiles[0])) {
            return 0;
        }
        if (x > quantiles[QUANTILES - 1] || (!strict && x == quantiles[QUANTILES - 1])) {
            return 1;
        }
        int i = Arrays.binarySearch(quantiles, x);
        if (i >= 0) {
            // x is a quantile, maybe a repeated one: the CDF jumps across the run of equal values
            int k = i;
            if (strict) {
                while (k > 0 && quantiles[k - 1] == x) {
                    k--;
                }
            } else {
                while (k < QUANTILES - 1 && quantiles[k + 1] == x) {
                    k++;
                }
            }
            return k / 100.0;
        }
        int upper = -i - 1;
        int lower = upper - 1;
        double fraction = (x - quantiles[lower]) / (quantiles[upper] - quantiles[lower]);
        return (lower + fraction) / 100.0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceDistribution r && r.count == count && Arrays.equals(r.quantiles, quantiles);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(count) + Arrays.hashCode(quantiles);
    }

    @Override
    public String toString() {
        return "ReferenceDistribution[count=" + count + ", min=" + quantiles[0] + ", median=" + quantiles[50]
                + ", max=" + quantiles[QUANTILES - 1] + "]";
    }
}
