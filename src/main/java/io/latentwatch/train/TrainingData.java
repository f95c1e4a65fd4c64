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
 * @param leftOut   unlabelled images the current model flagged, left out of training but part of
 *                  the traffic (a held-out sample of them keeps the validation set representative
 *                  when the data may hold anomalies); null when none were left out
 */
public record TrainingData(Images normal, Images anomalies, Map<String, Object> summary, Images leftOut) {

    /**
     * Whether the images are unlabelled traffic (the input topic), which may hold anomalies
     * whatever the training recipe assumes; a lower mean score is then no sign of a better model.
     */
    public boolean isTraffic() {
        return "topic".equals(summary.get("source"));
    }

    /** Data with nothing left out. */
    public TrainingData(Images normal, Images anomalies, Map<String, Object> summary) {
        this(normal, anomalies, summary, null);
    }
}
