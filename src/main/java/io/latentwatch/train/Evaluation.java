package io.latentwatch.train;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.Images;
import io.latentwatch.data.LabelSet;
import io.latentwatch.model.OnnxAutoencoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores a labelled IDX split with a model, as the detector would, and measures how well the
 * scores separate the normal classes from the rest.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * The figures as a JSON-ready map: {@code images}, {@code anomalies}, {@code auroc},
     * {@code auprc}, and at the threshold {@code threshold}, {@code precision}, {@code recall},
     * {@code f1}, {@code fpr}, plus the model's name and version.
     *
     * @param threshold the threshold to apply; null takes the model's
     */
    public static Map<String, Object> run(OnnxAutoencoder model, IdxDataset data, LabelSet normalClasses,
                                          Double threshold) {
        if (model.info().channels() != 1 || model.info().height() != data.rows()
                || model.info().width() != data.cols()) {
            throw new IllegalArgumentException("the model takes " + model.info().channels() + "x"
                    + model.info().height() + "x" + model.info().width() + " input but the IDX images are grey "
                    + data.rows() + "x" + data.cols());
        }
        Images images = data.toImages(model.info().normalization());
        float[] scores = BatchScorer.scores(model, images);
        boolean[] anomaly = new boolean[data.count()];
        int anomalies = 0;
        for (int i = 0; i < anomaly.length; i++) {
            anomaly[i] = !normalClasses.contains(data.labels()[i]);
            anomalies += anomaly[i] ? 1 : 0;
        }
        double t = threshold != null ? threshold : model.info().threshold();
        DetectionMetrics.AtThreshold at = DetectionMetrics.at(scores, anomaly, t);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.info().name());
        json.put("version", model.info().version());
        json.put("normal_classes", normalClasses.toString());
        json.put("images", data.count());
        json.put("anomalies", anomalies);
        json.put("auroc", DetectionMetrics.auroc(scores, anomaly));
        json.put("auprc", DetectionMetrics.averagePrecision(scores, anomaly));
        json.put("threshold", t);
        json.put("precision", at.precision());
        json.put("recall", at.recall());
        json.put("f1", at.f1());
        json.put("fpr", at.fpr());
        return json;
    }
}
