package io.latentwatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.metrics.ReferenceDistribution;
import io.latentwatch.metrics.ValidationFigures;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.ScoreFunction;
import io.latentwatch.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = TrainingFixtures.SAMPLE.toString();

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void shouldRefuseAChallengerThatIsNotPublishedOrANameWithTheChallengerSuffix(@TempDir Path dir) {
        // When a challenger is asked for without --publish, or a name takes the reserved suffix
        CliRun unpublished = run("train", "--idx", SAMPLE, "--normal-classes", "7", "--challenger", "--output",
                dir.resolve("c.onnx").toString());
        CliRun suffixed = run("train", "--idx", SAMPLE, "--normal-classes", "7", "--publish", "--model-name",
                "shoes#challenger");

        // Then both are usage errors naming the flag, before any training
        assertThat(unpublished.exitCode()).isEqualTo(2);
        assertThat(unpublished.err().lines().findFirst().orElse("")).contains("--challenger needs --publish");
        assertThat(suffixed.exitCode()).isEqualTo(2);
        assertThat(suffixed.err().lines().findFirst().orElse("")).contains("--model-name shoes#challenger")
                .contains("pass --challenger");
        assertThat(dir.resolve("c.onnx")).doesNotExist();
    }

    @Test
    void shouldRefuseATargetPrecisionOutsideZeroToOne(@TempDir Path dir) {
        // When the precision aimed at is 1 (no false flag at all) or negative
        CliRun one = run("train", "--idx", SAMPLE, "--normal-classes", "7", "--target-precision", "1", "--output",
                dir.resolve("m.onnx").toString());
        CliRun negative = run("train", "--idx", SAMPLE, "--normal-classes", "7", "--target-precision", "-0.1",
                "--output", dir.resolve("m.onnx").toString());

        // Then both are usage errors that name the flag and say how to turn it off, before any training
        for (CliRun r : new CliRun[] {one, negative}) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().lines().findFirst().orElse("")).contains("--target-precision must be at least 0 and"
                    + " below 1").contains("0 keeps --target-fpr");
        }
        assertThat(dir.resolve("m.onnx")).doesNotExist();
    }

    @Test
    void shouldTrainCalibrateAndWriteAModelWhoseFalsePositiveRateHoldsOnTheTestSplit(@TempDir Path dir)
            throws Exception {
        // Given the sample's sandals, sneakers and ankle boots as normal
        Path model = dir.resolve("shoes.onnx");

        // When a model is trained for a 10% false-positive rate and evaluated on the unseen test split
        CliRun train = run("train", "--idx", SAMPLE, "--normal-classes", "5,7,9", "--epochs", "3", "--filters", "8",
                "--latent-size", "16", "--validation-fraction", "0.3", "--target-fpr", "0.1", "--output",
                model.toString());
        CliRun evaluate = run("evaluate", "--model", model.toString(), "--idx", SAMPLE, "--normal-classes", "5,7,9");

        // Then training printed its progress and wrote a model the detector loads with its metadata
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.err()).contains("epoch 3/3", "val loss", "img/s", "wrote " + model);
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(model), "test", ModelOverrides.NONE, 1)) {
            ModelInfo info = loaded.info();
            assertThat(info.modelType()).isEqualTo("ae");
            assertThat(info.scoreFunction()).isEqualTo(ScoreFunction.OUTPUT);
            assertThat(info.embeddingSize()).isEqualTo(16);
            assertThat(info.metadata()).containsKeys(MetadataKeys.TRAINING_DATA, MetadataKeys.CREATED_AT,
                    MetadataKeys.CALIBRATION_QUANTILE);
            JsonNode scores = JSON.readTree(info.metadata().get(MetadataKeys.VALIDATION_SCORES));
            assertThat(scores.get("count").asInt()).isEqualTo(270);
            assertThat(scores.get("quantiles")).hasSize(101);
            // and the detector reads the drift reference and the training figures from it
            assertThat(ReferenceDistribution.fromMetadata(info.metadata())).hasValueSatisfying(
                    reference -> assertThat(reference.count()).isEqualTo(270));
            assertThat(ValidationFigures.fromMetadata(info.metadata())).containsKeys("train_loss", "validation_loss",
                    "best_epoch", "epochs", "training_seconds", "validation_images", "auroc");
            JsonNode validation = JSON.readTree(info.metadata().get(MetadataKeys.VALIDATION));
            assertThat(validation.get("onnx_max_abs_diff").asDouble()).isLessThanOrEqualTo(ExportCheck.TOLERANCE);
            assertThat(validation.get("calibration_rule").asText()).startsWith("Harrell-Davis");
            // and, calibrated on 270 held-out normals (fewer than 500), it says so in the output and the metadata
            assertThat(validation.get("calibration_warning").asText()).contains("270 held-out normal images");
            assertThat(train.err()).contains("warning: the threshold was calibrated on 270 held-out normal images");
        }
        // and evaluate printed one JSON line whose false-positive rate on unseen normal images is near 10%
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(evaluate.out().lines()).hasSize(1);
        JsonNode figures = JSON.readTree(evaluate.out());
        assertThat(figures.fieldNames()).toIterable()
                .contains("auroc", "auprc", "threshold", "precision", "recall", "f1", "fpr", "images");
        assertThat(figures.get("images").asInt()).isEqualTo(1000);
        assertThat(figures.get("fpr").asDouble()).isBetween(0.02, 0.2);
        assertThat(figures.get("auroc").asDouble()).isGreaterThan(0.7);
    }

    @Test
    void shouldNotReplaceABetterModelUnlessForced(@TempDir Path dir) {
        // Given a model trained for three epochs
        Path model = dir.resolve("m.onnx");
        String[] common = {"train", "--idx", SAMPLE, "--normal-classes", "1", "--filters", "4", "--latent-size", "8",
                "--output", model.toString()};
        assertThat(run(concat(common, "--epochs", "3")).exitCode()).isZero();

        // When a one-epoch candidate is trained against it, first without and then with --force
        CliRun held = run(concat(common, "--epochs", "1", "--learning-rate", "0.0001"));
        CliRun forced = run(concat(common, "--epochs", "1", "--learning-rate", "0.0001", "--force"));

        // Then the weaker candidate is held back, and only written when forced
        assertThat(held.err()).contains("not delivered", "--force").doesNotContain("wrote ");
        assertThat(forced.err()).contains("wrote " + model);
    }

    @Test
    void shouldTrainOnADirectoryOfImages(@TempDir Path dir) throws Exception {
        // Given 60 trouser images as PNG files
        Path images = Files.createDirectories(dir.resolve("images"));
        IdxDataset trousers = TrainingFixtures.sample(Split.TRAIN).withLabels(LabelSet.of(1));
        for (int i = 0; i < 60; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setDataElements(0, 0, 28, 28, trousers.image(i));
            ImageIO.write(image, "png", images.resolve("trouser-" + i + ".png").toFile());
        }
        Path model = dir.resolve("trousers.onnx");

        // When a model is trained on the directory
        CliRun train = run("train", "--images-dir", images.toString(), "--epochs", "1", "--filters", "4",
                "--latent-size", "8", "--output", model.toString());

        // Then it is written, and its metadata names the source
        assertThat(train.exitCode()).as(train.err()).isZero();
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(model), "test", ModelOverrides.NONE, 1)) {
            JsonNode data = JSON.readTree(loaded.info().metadata().get(MetadataKeys.TRAINING_DATA));
            assertThat(data.get("source").asText()).isEqualTo("images-dir");
            assertThat(data.get("images").asInt()).isEqualTo(60);
        }
    }

    @Test
    void shouldCalibrateTheF1BestThresholdWhenAnomaliesAreLabelled(@TempDir Path dir) throws Exception {
        // Given labelled anomalies from the other classes of the IDX set
        Path model = dir.resolve("f1.onnx");

        // When the threshold is calibrated for F1
        CliRun train = run("train", "--idx", SAMPLE, "--normal-classes", "9", "--epochs", "2", "--filters", "4",
                "--latent-size", "8", "--calibration", "f1", "--output", model.toString());

        // Then the validation figures name the method and report the F1 it reached on held-out data
        assertThat(train.exitCode()).as(train.err()).isZero();
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(model), "test", ModelOverrides.NONE, 1)) {
            JsonNode validation = JSON.readTree(loaded.info().metadata().get(MetadataKeys.VALIDATION));
            assertThat(validation.get("calibration").asText()).isEqualTo("f1");
            assertThat(validation.get("f1").asDouble()).isGreaterThan(0.5);
            assertThat(validation.get("auroc").asDouble()).isGreaterThan(0.5);
        }
    }

    @Test
    void shouldFailAtStartWithAUsageErrorOnBadFlags() {
        CliRun noSource = run("train", "--output", "x.onnx");
        CliRun badType = run("train", "--idx", SAMPLE, "--normal-classes", "1", "--model-type", "gan", "--output", "x.onnx");
        CliRun badEpochs = run("train", "--idx", SAMPLE, "--normal-classes", "1", "--epochs", "0", "--output", "x.onnx");
        CliRun noTarget = run("train", "--idx", SAMPLE, "--normal-classes", "1");
        CliRun idxResized = run("train", "--idx", SAMPLE, "--normal-classes", "1", "--image-size", "64",
                "--channels", "3", "--output", "x.onnx");

        assertThat(noSource.exitCode()).isEqualTo(2);
        assertThat(noSource.err()).contains("exactly one training source");
        assertThat(badType.exitCode()).isEqualTo(2);
        assertThat(badType.err()).contains("use ae or vae");
        assertThat(badEpochs.err()).contains("--epochs must be at least 1");
        assertThat(noTarget.err()).contains("--output FILE.onnx and/or --publish");
        assertThat(idxResized.exitCode()).isEqualTo(2);
        assertThat(idxResized.err()).contains("--image-size and --channels apply to --images-dir and --from-topic");
    }

    @Test
    void shouldRefuseABadContaminationOrEvaluationSourceAtStart() {
        // When --contamination is out of range or not a number, and evaluate gets two sources or none
        CliRun tooMuch = run("train", "--idx", SAMPLE, "--normal-classes", "1", "--contamination", "0.6", "--output",
                "x.onnx");
        CliRun notANumber = run("train", "--idx", SAMPLE, "--normal-classes", "1", "--contamination", "some",
                "--output", "x.onnx");
        CliRun twoSources = run("evaluate", "--model", "pom.xml", "--idx", SAMPLE, "--from-topic", "images",
                "--normal-classes", "1");
        CliRun noSource = run("evaluate", "--model", "pom.xml", "--normal-classes", "1");

        // Then each is a usage error naming the flag
        assertThat(tooMuch.exitCode()).isEqualTo(2);
        assertThat(tooMuch.err()).contains("--contamination must be auto or a share between 0 and 0.3");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--contamination must be auto or a share such as 0.05");
        assertThat(twoSources.exitCode()).isEqualTo(2);
        assertThat(twoSources.err()).contains("exactly one of --idx DIR and --from-topic TOPIC");
        assertThat(noSource.exitCode()).isEqualTo(2);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
