/**
 * Anomaly maps: where in an image the reconstruction error is, as a small bounded heatmap PNG on
 * a fixed colour scale. Below the detector, so that it can attach a map to an anomaly record,
 * and used by the offline pictures ({@code explain}).
 */
package io.latentwatch.heatmap;
