/**
 * The detector's observability: its Micrometer meters ({@link io.latentwatch.metrics.DetectorMetrics}),
 * the score histogram, score drift against the model's validation scores
 * ({@link io.latentwatch.metrics.ScoreDrift}), gauges describing the served model, and the HTTP
 * endpoint that serves them with health and model info. What each metric means, and the dashboards
 * and alerts built on them, are in {@code docs/observability.md}.
 */
package io.latentwatch.metrics;
