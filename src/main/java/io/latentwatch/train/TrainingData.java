package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.util.Map;

/**
 * Images to train on, as loaded from one source.
 *
 * @param normal    images taken as normal: the model learns to reconstruct these
 * @param anomalies labelled anomalies for F1 calibration and model comparison, or null when the
 *                  source has no labels; never trained on
 * @param summary   description of the data for the {@code latentwatch.training_data} metadata
 */
public record TrainingData(Images normal, Images anomalies, Map<String, Object> summary) {
}
