package io.latentwatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cold start on real, contaminated traffic: labelled images stream through a real broker, a first
 * model is trained from the topic alone (no labels), and its detection is measured on a fresh
 * labelled stream with {@code evaluate --from-topic}.
 */
class ContaminatedTopicIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NORMAL = "5,7,9";
    private static final String ANOMALOUS = "0,1,2,3,4,6,8";

    @TempDir
    Path dir;

    @Test
    void shouldTrainADetectorFromAnUnlabelledContaminatedTopicAndMeasureItOnALabelledStream() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String servers = kafka.bootstrapServers();
            // Given 2,000 records of traffic, about 8% of them anomalies, and a fresh labelled stream of the test split
            produce(servers, "traffic", "train", "0.08", "2000", "11");
            produce(servers, "fresh", "test", "0.1", "600", "12");

            // When a first model is trained from the traffic topic alone, with the defaults (--contamination auto),
            // and published
            Path model = dir.resolve("first.onnx");
            CliRun train = run("train", "--from-topic", "traffic", "--bootstrap-servers", servers, "--max-records", "2000",
                    "--epochs", "8", "--output", model.toString(), "--publish");
            assertThat(train.exitCode()).as(train.err()).isZero();

            // Then it estimated the contamination, acted on the estimate, says so in its metadata, and calibrated on
            // the images judged normal by the fitted tail
            ModelInfo info;
            try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(model), "first", ModelOverrides.NONE,
                    1)) {
                info = loaded.info();
            }
            JsonNode contamination = JSON.readTree(info.metadata().get(MetadataKeys.CONTAMINATION));
            assertThat(contamination.get("setting").asText()).isEqualTo("auto");
            assertThat(contamination.get("estimate").asDouble()).as(train.err()).isBetween(0.01, 0.2);
            assertThat(contamination.get("share").asDouble()).isEqualTo(contamination.get("estimate").asDouble());
            int farInPixels = contamination.get("pixel_outliers").asInt();
            int negatives = contamination.get("negatives").asInt();
            assertThat(contamination.get("calibration_rule").asText()).startsWith(Calibration.TAIL_RULE)
                    .contains(negatives > 0 ? PixelOutliers.calibrationRule(farInPixels > 0
                            ? PixelOutliers.CALIBRATION_SCORE_K_BELOW_GATE : PixelOutliers.CALIBRATION_SCORE_K)
                            : "the estimate x " + Calibration.AUTO_TRIM_MARGIN);
            JsonNode validation = JSON.readTree(info.metadata().get(MetadataKeys.VALIDATION));
            assertThat(validation.get("calibration").asText()).isEqualTo(Calibration.JUDGED_NORMAL);
            // the false-positive rate it aimed at: --target-fpr, or lower where the share acted on is too low for
            // the default --target-precision
            assertThat(validation.get("target_precision").asDouble()).isEqualTo(0.7);
            assertThat(validation.get("aimed_fpr").asDouble()).isEqualTo(
                    Calibration.fprForPrecision(0.01, contamination.get("share").asDouble(), 0.7));
            assertThat(train.err()).contains("contamination").contains("published");
            // about 8% anomalies: estimated at or above the gate, the final network pushed the highest-scoring
            // images away; below it (the estimate errs low), the pixel outliers if there were enough, else none
            if (contamination.get("estimate").asDouble() >= ContaminatedTraining.CONTRAST_MIN_ESTIMATE) {
                assertThat(negatives).as(train.err()).isPositive();
                assertThat(farInPixels).isZero();
                assertThat(train.err()).contains("contrast run on", "pushing " + negatives + " judged anomalous");
            } else if (farInPixels > 0) {
                assertThat(negatives).isEqualTo(farInPixels);
                assertThat(train.err()).contains("pushing " + negatives + " far from every normal-looking image");
            } else {
                assertThat(negatives).isZero();
                assertThat(train.err()).contains("no contrast run");
            }
            // the share of the held-out traffic its threshold flags, and the warning exactly when it disagrees
            double flagged = contamination.get("held_out_flagged").asDouble();
            assertThat(flagged).isBetween(0.0, 1.0);
            String warning = Calibration.tooFewFlagged(flagged, contamination.get("estimate_training_images").asDouble(),
                    true);
            assertThat(contamination.has("warning")).as(train.err()).isEqualTo(warning != null);
            assertThat(train.err().contains("either the threshold sits above many of the anomalies"))
                    .isEqualTo(warning != null);

            // and on the fresh stream's labels it separates the anomalies and flags them at its threshold
            CliRun evaluate = run("evaluate", "--model", model.toString(), "--from-topic", "fresh",
                    "--bootstrap-servers", servers, "--max-records", "600", "--normal-classes", NORMAL);
            assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
            JsonNode figures = JSON.readTree(evaluate.out());
            assertThat(figures.get("images").asInt()).isEqualTo(600);
            assertThat(figures.get("unlabelled").asInt()).isZero();
            assertThat(figures.get("anomalies").asInt()).isBetween(30, 90);
            for (String name : new String[] {"auroc", "auprc", "threshold", "precision", "recall", "f1", "fpr"}) {
                assertThat(figures.get(name).isNumber()).as(name).isTrue();
            }
            assertThat(figures.get("auroc").asDouble()).as(evaluate.out()).isGreaterThan(0.9);
            // the recall at the calibrated threshold is issue 14's open point: 0.07-0.56 over seeds and runs
            // (docs/training.md), and the run's topic order (record timestamps) changes the model. What must
            // hold is that at a 1% false-positive rate the scores catch a good share, and that the threshold
            // flags anomalies and few normal images, or else the trainer said that it flags almost none of the
            // held-out traffic (the warning above: on 2026-12-01 two of six runs of this test set the threshold
            // above all but 0-2 of the 52 anomalies, AUROC 0.96-0.97, and warned)
            String figuresAndLog = evaluate.out() + "\n" + train.err();
            assertThat(figures.get("recall_at_fpr").asDouble()).as(figuresAndLog).isGreaterThan(0.4);
            if (warning == null) {
                assertThat(figures.get("recall").asDouble()).as(figuresAndLog).isGreaterThan(0.05);
                assertThat(figures.get("precision").asDouble()).as(figuresAndLog).isGreaterThan(0.5);
            }

            // When a second round trains on fresh traffic against the published model
            produce(servers, "traffic", "train", "0.08", "2000", "13");
            Path second = dir.resolve("second.onnx");
            CliRun again = run("train", "--from-topic", "traffic", "--bootstrap-servers", servers, "--max-records",
                    "2000", "--epochs", "8", "--output", second.toString(), "--publish");

            // Then the published model left out what it flags, those images were ranked for the contrast run with
            // the rest, and the candidate was compared with it and either published or held back
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.err()).containsPattern("plus \\d+ left out by the current model")
                    .containsAnyOf("published", "not delivered");
            if (again.err().contains("contrast run on")) {
                assertThat(again.err()).containsPattern("\\(\\d+ of them left out by the current model\\)");
            }
        }
    }

    private static void produce(String servers, String topic, String split, String fraction, String count,
                                String seed) {
        CliRun produce = run("produce", "--bootstrap-servers", servers, "--input-topic", topic, "--split", split,
                "--normal-classes", NORMAL, "--anomaly-classes", ANOMALOUS, "--anomaly-fraction", fraction,
                "--count", count, "--rate", "0", "--seed", seed);
        assertThat(produce.exitCode()).as(produce.err()).isZero();
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
