package io.latentwatch.cli;

import io.latentwatch.config.DriftPublishing;
import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The drift flags of detect and train: defaults, and bad values that fail at start naming the flag. */
class DriftFlagsTest {
    @TempDir
    Path dir;

    @Test
    void shouldPublishNoDriftSummariesUnlessAskedAndTheDefaultTopicWhenGivenWithoutAValue() throws Exception {
        Path model = model();
        assertThat(drift("detect", "--model", model.toString()).enabled()).isFalse();
        DriftPublishing on = drift("detect", "--model", model.toString(), "--drift-topic", "--instance-id", "pod-7");
        assertThat(on.topic()).isEqualTo("model-drift");
        assertThat(on.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(on.instance()).isEqualTo("pod-7");
        assertThat(drift("detect", "--model", model.toString(), "--drift-topic", "d", "--drift-interval", "PT5S")
                .interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldFailAtStartNamingABadDriftFlagOfDetect() throws Exception {
        String model = model().toString();
        assertThat(run("detect", "--model", model, "--drift-topic", "--drift-interval", "30s"))
                .contains("exit 2").contains("--drift-interval 30s is not an ISO-8601 duration");
        assertThat(run("detect", "--model", model, "--drift-topic", "--drift-interval", "PT0.01S"))
                .contains("exit 2").contains("--drift-interval must be at least 100 ms");
        assertThat(run("detect", "--model", model, "--drift-topic", "images"))
                .contains("exit 2").contains("--drift-topic images is already");
    }

    @Test
    void shouldFailAtStartNamingABadDriftFlagOfTrain() {
        assertThat(run("train", "--idx", "data/fashion-mnist-sample", "--normal-classes", "5", "--publish",
                "--retrain-on-drift", "0.25"))
                .contains("exit 2").contains("--retrain-on-drift needs --from-topic and --publish");
        assertThat(run("train", "--from-topic", "--output", dir.resolve("m.onnx").toString(), "--retrain-on-drift",
                "0.25")).contains("exit 2").contains("--retrain-on-drift needs --from-topic and --publish");
        assertThat(run("train", "--from-topic", "--publish", "--retrain-on-drift", "0"))
                .contains("exit 2").contains("--retrain-on-drift must be a PSI above 0");
        assertThat(run("train", "--from-topic", "--publish", "--retrain-on-drift", "0.25", "--min-retrain-interval",
                "10m")).contains("exit 2").contains("--min-retrain-interval 10m is not an ISO-8601 duration");
    }

    private Path model() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        return model;
    }

    private static DriftPublishing drift(String... args) {
        CommandLine cl = Main.commandLine(Map.of());
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        DetectCommand detect = (DetectCommand) parsed.subcommand().commandSpec().userObject();
        return detect.config().drift();
    }

    /** Exit code and stderr, as one string. */
    private static String run(String... args) {
        CommandLine cl = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setErr(new PrintWriter(err));
        }
        int code = cl.execute(args);
        return "exit " + code + "\n" + err;
    }
}
