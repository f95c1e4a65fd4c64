package io.latentwatch.train;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.Images;
import io.latentwatch.data.LabelSet;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.model.OnnxAutoencoder;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores labelled images with a model, as the detector would, and measures how well the scores
 * separate the normal classes from the rest: an IDX split, or the records of a topic whose label
 * header says their class.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * The figures as a JSON-ready map: {@code images}, {@code anomalies}, {@code auroc},
     * {@code auprc}, and at the threshold {@code threshold}, {@code precision}, {@code recall},
     * {@code f1}, {@code fpr}, plus the model's name and version; and, to tell the scores from the
     * threshold, the same figures at the threshold that flags exactly a share {@code atFpr} of these
     * normal images ({@code at_fpr}, {@code threshold_at_fpr}, {@code recall_at_fpr},
     * {@code precision_at_fpr}).
     *
     * @param threshold the threshold to apply; null takes the model's
     * @param atFpr     the false-positive rate of the second operating point, in (0, 1)
     */
    public static Map<String, Object> run(OnnxAutoencoder model, IdxDataset data, LabelSet normalClasses,
                                          Double threshold, double atFpr) {
        if (model.info().channels() != 1 || model.info().height() != data.rows()
                || model.info().width() != data.cols()) {
            throw new IllegalArgumentException("the model takes " + model.info().channels() + "x"
                    + model.info().height() + "x" + model.info().width() + " input but the IDX images are grey "
                    + data.rows() + "x" + data.cols());
        }
        boolean[] anomaly = new boolean[data.count()];
        int anomalies = 0;
        for (int i = 0; i < anomaly.length; i++) {
            anomaly[i] = !normalClasses.contains(data.labels()[i]);
            anomalies += anomaly[i] ? 1 : 0;
        }
        if (anomalies == 0 || anomalies == anomaly.length) {
            throw new IllegalArgumentException("--normal-classes " + normalClasses + " leaves " + (anomalies == 0
                    ? "no anomalies" : "no normal images") + " among the " + anomaly.length + " images of this split"
                    + " (its classes: " + Arrays.stream(data.labels()).distinct().sorted().boxed().toList()
                    + "); AUROC needs both");
        }
        Map<String, Object> json = header(model, normalClasses);
        json.putAll(figures(model, data.toImages(model.info().normalization()), anomaly, threshold, atFpr));
        return json;
    }

    /**
     * The same figures for the newest records of a topic, each labelled by the integer class in its
     * {@code labelHeader} header (as {@code latentwatch produce} writes it); records without a
     * readable label are counted as {@code unlabelled} and not scored, undecodable ones as
     * {@code rejected}. Adds {@code topic}, {@code records}, {@code rejected} and
     * {@code unlabelled}.
     *
     * @throws IllegalArgumentException when the labelled records are not both normal and anomalous
     */
    public static Map<String, Object> fromTopic(OnnxAutoencoder model, TopicImages reader, String topic,
                                                int maxRecords, String labelHeader, LabelSet normalClasses,
                                                Double threshold, double atFpr) {
        ImagePreprocessor.Shape shape = new ImagePreprocessor.Shape(model.info().channels(), model.info().height(),
                model.info().width(), model.info().normalization());
        TopicImages.Batch batch = reader.read(topic, maxRecords, shape, labelHeader);
        List<String> labels = batch.labels();
        int[] labelled = new int[labels.size()];
        boolean[] anomaly = new boolean[labels.size()];
        int n = 0;
        for (int i = 0; i < labels.size(); i++) {
            Integer label = parseLabel(labels.get(i));
            if (label != null) {
                anomaly[n] = !normalClasses.contains(label);
                labelled[n++] = i;
            }
        }
        int anomalies = 0;
        for (int i = 0; i < n; i++) {
            anomalies += anomaly[i] ? 1 : 0;
        }
        if (anomalies == 0 || anomalies == n) {
            throw new IllegalArgumentException("the " + n + " records of topic '" + topic + "' labelled in header '"
                    + labelHeader + "' (of " + batch.records() + " read) are not both normal and anomalous by"
                    + " --normal-classes " + normalClasses + "; AUROC needs both");
        }
        Images images = batch.images().select(Arrays.copyOf(labelled, n));
        Map<String, Object> json = header(model, normalClasses);
        json.put("topic", topic);
        json.put("records", batch.records());
        json.put("rejected", batch.rejected());
        json.put("unlabelled", labels.size() - n);
        json.putAll(figures(model, images, Arrays.copyOf(anomaly, n), threshold, atFpr));
        return json;
    }

    private static Integer parseLabel(String value) {
        if (value == null) {
            return null;
        }
        try {
            int label = Integer.parseInt(value.trim());
            return label >= 0 && label <= 255 ? label : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<String, Object> header(OnnxAutoencoder model, LabelSet normalClasses) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.info().name());
        json.put("version", model.info().version());
        json.put("normal_classes", normalClasses.toString());
        return json;
    }

    private static Map<String, Object> figures(OnnxAutoencoder model, Images images, boolean[] anomaly,
                                               Double threshold, double atFpr) {
        float[] scores = BatchScorer.scores(model, images);
        int anomalies = 0;
        for (boolean a : anomaly) {
            anomalies += a ? 1 : 0;
        }
        double t = threshold != null ? threshold : model.info().threshold();
        DetectionMetrics.AtThreshold at = DetectionMetrics.at(scores, anomaly, t);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("images", images.count());
        json.put("anomalies", anomalies);
        json.put("auroc", DetectionMetrics.auroc(scores, anomaly));
        json.put("auprc", DetectionMetrics.averagePrecision(scores, anomaly));
        json.put("threshold", t);
        json.put("precision", at.precision());
        json.put("recall", at.recall());
        json.put("f1", at.f1());
        json.put("fpr", at.fpr());
        float[] normal = new float[images.count() - anomalies];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!anomaly[i]) {
                normal[n++] = scores[i];
            }
        }
        double exact = Calibration.forFalsePositiveRate(normal, atFpr);
        DetectionMetrics.AtThreshold best = DetectionMetrics.at(scores, anomaly, exact);
        json.put("at_fpr", atFpr);
        json.put("threshold_at_fpr", exact);
        json.put("recall_at_fpr", best.recall());
        json.put("precision_at_fpr", best.precision());
        return json;
    }
}
