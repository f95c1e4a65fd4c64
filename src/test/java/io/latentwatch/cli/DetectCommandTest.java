package io.latentwatch.cli;

import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.security.ModelVerifier;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(config.connection().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.model().file()).isEqualTo(model);
        assertThat(config.topics().input()).isEqualTo("camera-images");
        assertThat(config.httpPort()).isEqualTo(8181);
        assertThat(config.model().followTopic()).isTrue();
        assertThat(config.topics().models()).isEqualTo("models");
        assertThat(config.connection().properties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldDefaultToTheDesignDefaults() throws Exception {
        DetectorConfig config = config(Map.of(), "detect", "--model", model().toString());
        assertThat(config.topics().input()).isEqualTo("images");
        assertThat(config.topics().anomalies()).isEqualTo("anomalies");
        assertThat(config.topics().embeddings()).isEqualTo("embeddings");
        assertThat(config.topics().deadLetter()).isEqualTo("images-dlq");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.streams().processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.model().followTopic()).isFalse();
        assertThat(config.topicSetup().create()).isTrue();
    }

    @Test
    void shouldGiveTheSameDefaultsAsTheConfigurationThatDemoAndBenchBuild() throws Exception {
        // Given the command line with only a model, and the configuration built in code the way demo and bench do
        Path model = model();
        DetectorConfig parsed = config(Map.of(), "detect", "--model", model.toString());
        DetectorConfig inCode = DetectorConfig.of(Connection.to("localhost:9092"), Topics.DEFAULTS,
                ModelSource.file(model), StreamsSettings.of(StreamsSettings.DEFAULT_APPLICATION_ID));

        // Then every group but the verifier (an object without value equality) is the same
        assertThat(parsed.connection()).isEqualTo(inCode.connection());
        assertThat(parsed.topics()).isEqualTo(inCode.topics());
        assertThat(parsed.streams()).isEqualTo(inCode.streams());
        assertThat(parsed.topicSetup()).isEqualTo(inCode.topicSetup());
        assertThat(parsed.tuning()).isEqualTo(inCode.tuning());
        assertThat(parsed.limits()).isEqualTo(inCode.limits());
        assertThat(parsed.httpPort()).isEqualTo(inCode.httpPort());
        assertThat(parsed.model().withOverrides(ModelOverrides.NONE).verifiedBy(inCode.model().verifier()))
                .isEqualTo(inCode.model());
    }

    @Test
    void shouldNameTheFlagOfEveryInvalidGroupedSetting() {
        assertThatThrownBy(() -> new ModelSource(null, false, null, ModelOverrides.NONE, false,
                ModelVerifier.unverified(false))).hasMessageContaining("--model FILE.onnx, or --model-topic");
        assertThatThrownBy(() -> StreamsSettings.of("app").withGuarantee("exactly_once"))
                .hasMessageContaining("--processing-guarantee must be exactly_once_v2 or at_least_once");
        assertThatThrownBy(() -> StreamsSettings.of("app").withThreads(0, 1))
                .hasMessageContaining("--stream-threads must be at least 1");
        assertThatThrownBy(() -> StreamsSettings.of("app").withInstanceId("pod 1"))
                .hasMessageContaining("--instance-id");
        assertThatThrownBy(() -> TopicSetup.create(0)).hasMessageContaining("--topic-partitions");
        assertThatThrownBy(() -> new TopicSetup(true, 1, (short) 0)).hasMessageContaining("--replication-factor");
        assertThatThrownBy(() -> Connection.to(" ")).hasMessageContaining("--bootstrap-servers");
        assertThat(new Connection("k:9092", Map.of("bootstrap.servers", "other:1", "security.protocol", "SSL"))
                .clientProperties()).containsEntry("bootstrap.servers", "k:9092").containsEntry("security.protocol", "SSL");
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
