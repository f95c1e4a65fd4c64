package io.latentwatch.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.Map;

/**
 * The distribution of anomaly scores as a classic Prometheus histogram, {@code latentwatch_score}.
 *
 * <p>It is a Prometheus client histogram registered on the Prometheus registry under Micrometer,
 * not a Micrometer {@code DistributionSummary}: Micrometer rounds every value up to a whole number
 * before it picks a bucket ({@code Math.ceil} in its fixed-boundary histogram), which would put
 * every score in (0, 1] into the bucket {@code le="1"}. Recording is lock-free (per-bucket adders).
 *
 * <p>The buckets ({@link #BUCKETS}) are fixed and log-spaced, in 1-2-5 steps from 1e-5 to 100.
 * Fixed rather than scaled to the model's threshold, so that a model swap never changes the
 * {@code le} labels (which would break {@code rate()} and heatmaps across the swap); log-spaced
 * because the reconstruction errors of normal and anomalous images differ by orders of magnitude
 * (MSE on [0, 1] pixels: around 1e-3 for normal images, 1e-2 and up for anomalies). Dashboards draw
 * the threshold over it from {@code latentwatch_model_threshold}.
 */
public final class ScoreHistogram {
    /** Upper bounds of the buckets; {@code +Inf} is implied. */
    public static final double[] BUCKETS = {
        1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2,
        0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
    private final Histogram histogram;

    /** A histogram carrying {@code constantLabels} on every series (e.g. the application id). */
    public ScoreHistogram(Map<String, String> constantLabels) {
        Labels labels = Labels.EMPTY;
        for (Map.Entry<String, String> label : constantLabels.entrySet()) {
            labels = labels.add(label.getKey(), label.getValue());
        }
        histogram = Histogram.builder().name("latentwatch_score")
                .help("Anomaly scores (reconstruction errors) of scored images")
                .classicOnly().classicUpperBounds(BUCKETS).withoutExemplars().constLabels(labels).build();
    }

    /**
     * Exposes the histogram through {@code registry} when it is a Prometheus registry; with any
     * other registry the scores are not exported (the detector always uses Prometheus).
     */
    public void bindTo(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            prometheus.getPrometheusRegistry().register(histogram);
        }
    }

    public void record(double score) {
        histogram.observe(score);
    }
}
