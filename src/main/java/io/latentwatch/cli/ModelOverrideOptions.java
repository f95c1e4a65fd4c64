package io.latentwatch.cli;

import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.ScoreFunction;
import picocli.CommandLine.Option;

/**
 * The settings that win over a model's metadata, shared by the commands that score with a model
 * ({@code detect}, {@code evaluate}, {@code explain}): needed for a model exported without
 * latentwatch's metadata.
 */
final class ModelOverrideOptions {
    @Option(names = "--threshold", paramLabel = "X",
            description = "Anomaly threshold; default: the model's latentwatch.threshold.")
    Double threshold;

    @Option(names = {"--normalization", "--normalisation"}, paramLabel = "SPEC",
            description = "Pixel normalisation: unit (p/255), symmetric (p/127.5-1), raw, or mean-std:M,S. Overrides"
                    + " the model's; default for a model without it: unit.")
    String normalization;

    @Option(names = "--score-function", paramLabel = "mse|mae|output",
            description = "Score function: mse or mae of the reconstruction, or output (the model's score output);"
                    + " overrides the model's (default for a model without it: mse).")
    String scoreFunction;

    /** The overrides; throws IllegalArgumentException naming the accepted forms on a bad value. */
    ModelOverrides toOverrides() {
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be a finite number");
        }
        return new ModelOverrides(threshold,
                normalization == null ? null : Normalization.parse(normalization),
                scoreFunction == null ? null : ScoreFunction.parse(scoreFunction));
    }
}
