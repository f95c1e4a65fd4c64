package io.latentwatch.cli;

import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EvaluateCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseNormalClassesThatLeaveNoNormalImagesInTheSplit() throws Exception {
        // Given a model and the bundled sample, whose classes are 0..9
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));

        // When evaluated with a normal class the split does not have
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("evaluate", "--model", model.toString(), "--idx", "data/fashion-mnist-sample",
                "--normal-classes", "11");

        // Then it fails as a usage error, names the classes there are, and prints no figures (no "NaN")
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--normal-classes 11 leaves no normal images")
                .contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldWriteEveryFigureAsAJsonNumber() throws Exception {
        // Given a model and normal classes that the split has, when evaluated
        var json = evaluateSample(0.5);

        // Then every figure is a number
        for (String name : new String[] {"auroc", "auprc", "threshold", "precision", "recall", "f1", "fpr",
                "at_fpr", "threshold_at_fpr", "recall_at_fpr", "precision_at_fpr"}) {
            assertThat(json.get(name).isNumber()).as(name).isTrue();
        }
        assertThat(json.get("at_fpr").asDouble()).isEqualTo(0.01);
    }

    @Test
    void shouldReportRecallWhereExactlyTheAskedShareOfNormalImagesIsFlagged() throws Exception {
        // Given a model that scores an image by its brightness, with a threshold above every image,
        // when evaluated at an FPR of 10%
        var json = evaluateSample(2.0, "--at-fpr", "0.1");

        // Then its own threshold flags nothing, and the exact operating point flags some anomalies
        assertThat(json.get("recall").asDouble()).isZero();
        assertThat(json.get("at_fpr").asDouble()).isEqualTo(0.1);
        assertThat(json.get("threshold_at_fpr").asDouble()).isLessThan(2.0);
        assertThat(json.get("recall_at_fpr").asDouble()).isGreaterThan(0.0);
    }

    @Test
    void shouldRefuseAnFprOutsideZeroToOne() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute("evaluate", "--model", "pom.xml", "--idx", "data/fashion-mnist-sample",
                "--normal-classes", "5,7,9", "--at-fpr", "1.5");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--at-fpr must be between 0 and 1");
    }

    /** {@code evaluate} of the bundled sample (normal classes 5, 7, 9) with a brightness model; its JSON line. */
    private com.fasterxml.jackson.databind.JsonNode evaluateSample(double threshold, String... extra) throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", threshold));
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("evaluate", "--model",
                model.toString(), "--idx", "data/fashion-mnist-sample", "--normal-classes", "5,7,9"));
        args.addAll(java.util.List.of(extra));
        assertThat(cl.execute(args.toArray(String[]::new))).as("exit code").isZero();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    }
}
