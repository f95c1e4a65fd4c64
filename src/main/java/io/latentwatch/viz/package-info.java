/**
 * Pictures of what a model sees: per-pixel reconstruction-error heatmaps on a fixed colour scale
import io.latentwatch.heatmap.AnomalyMaps;
 * ({@link io.latentwatch.viz.AnomalyMaps}, also for the detector's anomaly records), the
 * input/reconstruction/heatmap composite of {@code latentwatch explain}, image grids of
 * {@code latentwatch generate} and latent-space scatter plots of {@code latentwatch latent-map}.
 * Everything is drawn pixel by pixel, text included, so pictures do not depend on the fonts or
 * the graphics stack of the machine and are the same bytes everywhere.
 */
package io.latentwatch.viz;
