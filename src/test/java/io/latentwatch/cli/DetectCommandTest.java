package io.latentwatch.cli;

import io.latentwatch.config.DetectorConfig;
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

class DetectCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldFailAtStartWithAMessageWhenNoModelIsNamed() {
        Result result = run(Map.of(), "detect");
        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err).contains("no model to serve").contains("--model FILE.onnx").contains("--help");
    }

    @Test
    void shouldNameTheFlagOfABadValue() throws Exception {
        Path model = model();
        assertThat(run(Map.of(), "detect", "--model", model.toString(), "--http-port", "70000").err)
                .contains("--http-port must be 0..65535");
        assertThat(run(Map.of(), "detect", "--model", model.toString(), "--threshold", "high").err)
                .contains("--threshold");
        assertThat(run(Map.of(), "detect", "--model", dir.resolve("missing.onnx").toString()).err)
                .contains("--model").contains("no such readable file");
        assertThat(run(Map.of(), "detect", "--model", model.toString(), "--normalization", "weird").err)
                .contains("unknown normalization");
        assertThat(run(Map.of(), "detect", "--model", model.toString(), "--processing-guarantee", "exactly_once").err)
                .contains("exactly_once_v2 or at_least_once");
        assertThat(run(Map.of(), "detect", "--model", model.toString(), "--input-topic", "anomalies").err)
                .contains("also an output topic");
    }

    @Test
    void shouldReadEveryFlagFromItsEnvironmentVariableAndLetTheFlagWin() throws Exception {
        // Given settings in the environment
        Path model = model();
        Path kafkaConfig = dir.resolve("kafka.properties");
        Files.writeString(kafkaConfig, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
        Map<String, String> env = Map.of(
                "LATENTWATCH_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092",
                "LATENTWATCH_MODEL", model.toString(),
                "LATENTWATCH_INPUT_TOPIC", "camera-images",
                "LATENTWATCH_HTTP_PORT", "9999",
                "LATENTWATCH_KAFKA_CONFIG", kafkaConfig.toString());

        // When detect is parsed with one flag given on the command line
        DetectorConfig config = config(env, "detect", "--http-port", "8181", "--model-topic");

        // Then the environment fills what the command line leaves out
        assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.modelFile()).isEqualTo(model);
        assertThat(config.topics().input()).isEqualTo("camera-images");
        assertThat(config.httpPort()).isEqualTo(8181);
        assertThat(config.followModelTopic()).isTrue();
        assertThat(config.topics().models()).isEqualTo("models");
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldDefaultToTheDesignDefaults() throws Exception {
        DetectorConfig config = config(Map.of(), "detect", "--model", model().toString());
        assertThat(config.topics().input()).isEqualTo("images");
        assertThat(config.topics().anomalies()).isEqualTo("anomalies");
        assertThat(config.topics().embeddings()).isEqualTo("embeddings");
        assertThat(config.topics().deadLetter()).isEqualTo("images-dlq");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.followModelTopic()).isFalse();
        assertThat(config.createTopics()).isTrue();
    }

    private Path model() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        return model;
    }

    private static DetectorConfig config(Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine(env);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        DetectCommand detect = (DetectCommand) parsed.subcommand().commandSpec().userObject();
        return detect.config();
    }

    private record Result(int exitCode, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine(env);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setErr(new PrintWriter(err));
        }
        int code = cl.execute(args);
        return new Result(code, err.toString());
    }
}
