package io.latentwatch.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user sees when the connection settings are wrong: one line saying what to change, the
 * right exit code, and no stack trace, whichever command connects. No broker is needed: each
 * case fails before one would be reached, or reaches a port where none answers.
 */
class ConnectionErrorsTest {
    private static final String SAMPLE = "data/fashion-mnist-sample";
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logs);
    }

    @Test
    void shouldRejectAnUnresolvableOrMalformedBootstrapServerInOneLineWithExitCode2() throws Exception {
        for (String servers : List.of("nosuchhost.invalid:9092", "localhost", "localhost:port", " , ")) {
            for (String[] command : connectingCommands(servers)) {
                // When a command that connects is given the bad address
                Result r = run(command);

                // Then it is a usage error naming the flag, with no stack trace
                assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
                assertThat(r.firstLine()).contains("--bootstrap-servers");
                assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
            }
        }
        assertThat(run("produce", "--bootstrap-servers", "nosuchhost.invalid:9092").firstLine())
                .isEqualTo("latentwatch produce: --bootstrap-servers nosuchhost.invalid:9092: cannot resolve host"
                        + " 'nosuchhost.invalid'; check the name");
        assertThat(run("detect", "--bootstrap-servers", "localhost", "--model-topic").firstLine())
                .isEqualTo("latentwatch detect: --bootstrap-servers localhost: 'localhost' is not HOST:PORT;"
                        + " write e.g. localhost:9092");
    }

    @Test
    void shouldNameAMissingTrustStoreInOneLine() throws Exception {
        // Given settings naming a trust store that is not there
        Path config = kafkaConfig("security.protocol=SSL", "ssl.truststore.location=" + dir.resolve("missing.p12"));

        for (String command : List.of("detect", "produce")) {
            // When a command starts with them
            Result r = run(command, "--bootstrap-servers", "localhost:9092", "--kafka-config", config.toString(),
                    command.equals("detect") ? "--model-topic" : "--create-topics");

            // Then it names the setting and the file, before any Kafka client is made
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.firstLine()).contains("ssl.truststore.location").contains("missing.p12")
                    .contains("not a readable file");
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void shouldRejectSettingsTheKafkaClientRejectsInOneLine() throws Exception {
        Path config = kafkaConfig("security.protocol=SASL_TLS");

        Result r = run("produce", "--bootstrap-servers", "localhost:9092", "--kafka-config", config.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.firstLine()).contains("--kafka-config").contains("SASL_TLS");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldSayOnceThatItWaitsAndThenThatNoBrokerIsReachableWithoutTheClientsWarnings() throws Exception {
        // Given a port where nothing listens, and a short wait for the cluster
        int port = closedPort();
        Path config = kafkaConfig("default.api.timeout.ms=3000");

        // When the producer starts
        Result r = run("produce", "--bootstrap-servers", "127.0.0.1:" + port, "--kafka-config", config.toString());

        // Then one log line says it waits, one message says why it gave up, and the network
        // client's reconnect warnings stay out of the console
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.firstLine()).isEqualTo("latentwatch produce: no Kafka broker reachable at 127.0.0.1:" + port
                + " within 3 s; check --bootstrap-servers and that the broker is up");
        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().startsWith("waiting for Kafka at 127.0.0.1:"
                + port + " (up to 3 s)")).hasSize(1);
        assertThat(logs.list).filteredOn(e -> e.getLoggerName().startsWith("org.apache.kafka")).isEmpty();
    }

    @Test
    void shouldSayInOneLineThatPromoteReachesNoBroker() throws Exception {
        // Given a port where nothing listens
        int port = closedPort();
        Path config = kafkaConfig("default.api.timeout.ms=3000");

        // When a challenger is promoted there
        Result r = run("promote", "--model-name", "default", "--bootstrap-servers", "127.0.0.1:" + port,
                "--kafka-config", config.toString());

        // Then one line says no broker answered, and nothing was written
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.firstLine()).isEqualTo("latentwatch promote: no Kafka broker reachable at 127.0.0.1:" + port
                + " within 3 s; check --bootstrap-servers and that the broker is up");
    }

    @Test
    void shouldSayTheListenerMayNeedSecuritySettingsWhenThePortAcceptsButKafkaDoesNotAnswer() throws Exception {
        // Given a port that accepts connections but never answers a PLAINTEXT Kafka request, as a
        // TLS or SASL listener does not
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = kafkaConfig("default.api.timeout.ms=3000");

            // When the detector starts against it
            Result r = run("detect", "--bootstrap-servers", "127.0.0.1:" + silent.getLocalPort(), "--kafka-config",
                    config.toString(), "--model-topic", "--http-port", "-1");

            // Then the message points at the security settings
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.firstLine()).contains("accepts connections but gave no answer within 3 s")
                    .contains("security.protocol=PLAINTEXT").contains("may need other security settings")
                    .contains("--kafka-config FILE");
        }
    }

    @Test
    void shouldStopInOneLineWhenTheBrokerPortIsTaken() throws Exception {
        // Given the port held by another process
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // When a broker is asked for it
            Result r = run("broker", "--port", Integer.toString(taken.getLocalPort()));

            // Then it fails before starting, in one line
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.firstLine()).contains("127.0.0.1:" + taken.getLocalPort()).contains("in use");
            assertThat(logs.list).filteredOn(e -> e.getThrowableProxy() != null).isEmpty();
        }
    }

    private List<String[]> connectingCommands(String servers) throws IOException {
        Path model = dir.resolve("m.onnx");
        if (!Files.exists(model)) {
            Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        }
        return List.of(
                new String[] {"detect", "--bootstrap-servers", servers, "--model-topic", "--http-port", "-1"},
                new String[] {"produce", "--bootstrap-servers", servers, "--count", "1"},
                new String[] {"train", "--bootstrap-servers", servers, "--idx", SAMPLE, "--normal-classes", "1",
                        "--publish"},
                new String[] {"train", "--bootstrap-servers", servers, "--from-topic", "--output",
                        dir.resolve("t.onnx").toString()},
                new String[] {"bench", "--bootstrap-servers", servers, "--model", model.toString(), "--images",
                        "100"},
                new String[] {"promote", "--bootstrap-servers", servers, "--model-name", "default"});
    }

    private Path kafkaConfig(String... lines) throws IOException {
        Path file = Files.createTempFile(dir, "kafka", ".properties");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Result(int exitCode, String err) {
        String firstLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Result run(String... args) {
        CommandLine cl = Main.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setErr(new PrintWriter(err, true));
        }
        int code = cl.execute(args);
        return new Result(code, err.toString());
    }
}
