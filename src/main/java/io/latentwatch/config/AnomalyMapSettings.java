package io.latentwatch.config;

/**
 * Whether anomaly records carry an anomaly map: the per-pixel reconstruction error of the image
 * as a heatmap PNG (base64, field {@code anomaly_map}), made only for images flagged as anomalies.
 *
 * @param enabled  {@code --anomaly-maps}
 * @param maxBytes most bytes of one map's PNG ({@code --anomaly-map-max-bytes}); a map of the
 *                 model input's size that could exceed it is halved until it fits
 */
public record AnomalyMapSettings(boolean enabled, int maxBytes) {
    /** Default of {@code --anomaly-map-max-bytes}: a 28x28 map takes at most 1,868 bytes, 64x64 at most 5,184. */
    public static final int DEFAULT_MAX_BYTES = 8192;
    /** Smallest {@code --anomaly-map-max-bytes}: a 1x1 map with its palette. */
    public static final int MIN_MAX_BYTES = 1100;
    /** No maps, the default of {@code detect}. */
    public static final AnomalyMapSettings OFF = new AnomalyMapSettings(false, DEFAULT_MAX_BYTES);
    /** Maps of at most the default size. */
    public static final AnomalyMapSettings ON = new AnomalyMapSettings(true, DEFAULT_MAX_BYTES);

    public AnomalyMapSettings {
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("--anomaly-map-max-bytes must be at least " + MIN_MAX_BYTES
                    + " (a 1x1 map with its palette), got " + maxBytes);
        }
    }
}
