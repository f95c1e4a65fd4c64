package io.latentwatch.metrics;

import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.ScoreFunction;

import java.time.Instant;
import java.util.Map;

/** {@link ModelInfo}s for metric tests, without an ONNX session behind them. */
final class TestModelInfos {
    private TestModelInfos() {
    }

    static ModelInfo info(String version, Map<String, String> metadata) {
        return new ModelInfo("test", version, "ae", 0.02, ScoreFunction.MSE, Normalization.UNIT, 1, 28, 28, 0,
                "sha-" + version, "test", Instant.parse("2026-11-27T12:00:00Z"), metadata);
    }

    /** A model whose validation scores are uniform on [0, max]. */
    static ModelInfo withReference(String version, double max) {
        return info(version, Map.of(MetadataKeys.VALIDATION_SCORES, MonitoredModels.uniformScores(max)));
    }
}
