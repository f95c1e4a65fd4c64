package io.latentwatch.model;

/**
 * Settings from the command line that win over a model's metadata; null means "use the model's".
 *
 * @param threshold     anomaly threshold ({@code --threshold})
 * @param normalization pixel normalisation ({@code --normalization})
 * @param scoreFunction score function ({@code --score-function})
 */
public record ModelOverrides(Double threshold, Normalization normalization, ScoreFunction scoreFunction) {
    /** No overrides: everything comes from the model. */
    public static final ModelOverrides NONE = new ModelOverrides(null, null, null);
}
