package io.latentwatch.model;

/**
 * Result of one inference call.
 *
 * @param scores     one anomaly score per image
 * @param embeddings one latent vector per image, or null when the model has no embedding output
 */
public record Scores(float[] scores, float[][] embeddings) {
}
