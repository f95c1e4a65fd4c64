package io.latentwatch.train;

import io.latentwatch.data.Images;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.ScoreFunction;

import java.util.Map;

/** Scores images with trained weights exactly as the detector will: exported to ONNX, run by ONNX Runtime. */
final class ExportedScores {
    private ExportedScores() {
    }

    /** One score per image of {@code images}, with the score function the exported model will carry. */
    static float[] of(NetworkWeights weights, int scoreBlur, Images images) {
        byte[] onnx = OnnxExporter.export(weights, scoreBlur, Map.of());
        return of(onnx, scoreBlur > 1 ? ScoreFunction.OUTPUT : ScoreFunction.MSE, images);
    }

    /** One score per image of {@code images}: the {@code score} output of an exported model. */
    static float[] of(byte[] onnx, Images images) {
        return of(onnx, ScoreFunction.OUTPUT, images);
    }

    private static float[] of(byte[] onnx, ScoreFunction function, Images images) {
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "screening model",
                new ModelOverrides(0.0, null, function), 1)) {
            return BatchScorer.scores(model, images);
        } catch (ModelRefusedException e) {
            throw new IllegalStateException("the screening model does not load in ONNX Runtime: " + e.getMessage(), e);
        }
    }
}
