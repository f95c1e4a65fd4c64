package io.latentwatch.model;

import java.time.Instant;
import java.util.Map;

/**
 * What is known about a loaded model, as served by {@code GET /model} and stamped on outputs.
 *
 * @param name          model name (metadata, else {@code default})
 * @param version       version stamped on every output
 * @param modelType     model type from metadata, else {@code unknown}
 * @param threshold     effective anomaly threshold
 * @param scoreFunction effective score function
 * @param normalization effective pixel normalisation
 * @param channels      input channels (1 grey, 3 RGB)
 * @param height        input height in pixels
 * @param width         input width in pixels
 * @param embeddingSize length of the embedding vector, 0 when the model has no embedding output
 * @param sha256        SHA-256 of the ONNX bytes, hex
 * @param source        where the model came from (a file path or topic coordinates)
 * @param loadedAt      when this process loaded it
 * @param metadata      every {@code metadata_props} entry
 */
public record ModelInfo(
        String name,
        String version,
        String modelType,
        double threshold,
        ScoreFunction scoreFunction,
        Normalization normalization,
        int channels,
        int height,
        int width,
        int embeddingSize,
        String sha256,
        String source,
        Instant loadedAt,
        Map<String, String> metadata) {

    /** Number of floats in one input image. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The same info with the embedding size measured on a probe run. */
    public ModelInfo withEmbeddingSize(int size) {
        return new ModelInfo(name, version, modelType, threshold, scoreFunction, normalization, channels, height,
                width, size, sha256, source, loadedAt, metadata);
    }
}
