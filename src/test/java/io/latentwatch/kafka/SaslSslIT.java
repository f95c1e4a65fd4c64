package io.latentwatch.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.cli.Main;
import io.latentwatch.testing.TestModels;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secured cluster as production runs one: the embedded broker with a SASL_SSL listener (TLS
 * with a certificate made at test time, SCRAM-SHA-512 logins). The producer, the trainer and the
 * detector are given only that listener's address and a {@code --kafka-config} file, and images
 * are scored end to end; wrong settings fail at once with one line.
 */
class SaslSslIT {
    private static final String USER = "latentwatch";
    private static final String PASSWORD = "correct-horse-battery";
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static TestCertificates certificates;

    @BeforeAll
    static void startBroker() throws Exception {
        certificates = TestCertificates.create(dir);
        kafka = EmbeddedKafka.start(new SaslSslListener(certificates.keyStore(), certificates.password(),
                Map.of(USER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldScoreImagesEndToEndWithEveryCommandConnectingOverSaslSsl() throws Exception {
        // Given a client settings file for the SASL_SSL listener, as a user writes one
        Path config = clientConfig("client.properties", PASSWORD, true);
        String bootstrap = kafka.saslSslBootstrapServers();

        // When the producer sends normal images, the trainer trains on them from the topic and publishes,
        Run produced = run("produce", "--bootstrap-servers", bootstrap, "--kafka-config", config.toString(),
                "--normal-classes", "5,7,9", "--count", "300", "--rate", "0");
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        Run trained = run("train", "--from-topic", "--publish", "--bootstrap-servers", bootstrap, "--kafka-config",
                config.toString(), "--epochs", "1", "--filters", "4", "--latent-size", "8", "--validation-fraction",
                "0.2", "--target-fpr", "0.1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        // and a detector following the models topic scores them and 100 more with anomalies among them
        Thread detector = new Thread(() -> {
            // runs until the interrupt below ends its wait for a stop signal and closes the detector
            run("detect", "--bootstrap-servers", bootstrap, "--kafka-config", config.toString(), "--model-topic",
                    "--http-port", "-1", "--application-id", "sasl-it");
        }, "sasl-it-detect");
        detector.start();
        List<JsonNode> embeddings;
        try {
            Run more = run("produce", "--bootstrap-servers", bootstrap, "--kafka-config", config.toString(),
                    "--normal-classes", "5,7,9", "--anomaly-classes", "0,1", "--anomaly-fraction", "0.3",
                    "--count", "100", "--rate", "0", "--seed", "7");
            assertThat(more.exitCode()).as(more.err()).isZero();
            embeddings = readOverSaslSsl("embeddings", 400, Duration.ofSeconds(120));
        } finally {
            detector.interrupt();
            detector.join(Duration.ofSeconds(60).toMillis());
        }

        // Then every image was scored exactly once by the model the trainer published
        assertThat(detector.isAlive()).isFalse();
        assertThat(embeddings).hasSize(400);
        Set<String> ids = new TreeSet<>();
        embeddings.forEach(e -> ids.add(e.get("id").asText()));
        assertThat(ids).hasSize(400);
        assertThat(embeddings).allSatisfy(e -> assertThat(e.get("model_version").asText()).isNotBlank());
        assertThat(embeddings.stream().map(e -> e.get("model_version").asText()).distinct()).hasSize(1);
    }

    @Test
    void shouldFailAtOnceWithOneLineWhenThePasswordIsWrong() throws Exception {
        // Given a settings file with a wrong password
        Path wrong = clientConfig("wrong-password.properties", "not-the-password", true);
        String bootstrap = kafka.saslSslBootstrapServers();

        // When each command that connects starts with it
        List<Run> runs = List.of(
                run("produce", "--bootstrap-servers", bootstrap, "--kafka-config", wrong.toString(), "--count", "1"),
                run("detect", "--bootstrap-servers", bootstrap, "--kafka-config", wrong.toString(), "--model-topic",
                        "--http-port", "-1"),
                run("train", "--from-topic", "--publish", "--bootstrap-servers", bootstrap, "--kafka-config",
                        wrong.toString(), "--epochs", "1"));

        // Then each fails with one line naming the refused login, well before any client timeout
        for (Run r : runs) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains("refused the login").contains("sasl.jaas.config");
            assertThat(r.elapsed()).as(r.err()).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void shouldSayTheListenerMayNeedSecuritySettingsWhenAPlaintextClientKnocks() throws Exception {
        // Given no security settings at all, only a short wait for the cluster
        Path plain = dir.resolve("plain.properties");
        Files.writeString(plain, "default.api.timeout.ms=3000\n");

        // When the producer connects to the SASL_SSL listener with PLAINTEXT
        Run r = run("produce", "--bootstrap-servers", kafka.saslSslBootstrapServers(), "--kafka-config",
                plain.toString(), "--count", "1");

        // Then it says what is probably missing, in one line
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("accepts connections but gave no answer within 3 s")
                .contains("security.protocol=PLAINTEXT").contains("--kafka-config");
    }

    @Test
    void shouldSayTheListenerMayNeedOtherSettingsWhenASaslSslClientReachesThePlaintextListener() throws Exception {
        // Given SASL_SSL settings, a short wait, and the PLAINTEXT listener's address by mistake
        Path config = clientConfig("wrong-port.properties", PASSWORD, true);
        Files.writeString(config, "default.api.timeout.ms=3000\n", java.nio.file.StandardOpenOption.APPEND);

        // When the producer connects
        Run r = run("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-config", config.toString(),
                "--count", "1");

        // Then one line says the listener does not take these settings
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("accepts connections but gave no answer within 3 s")
                .contains("security.protocol=SASL_SSL").contains("another listener's");
    }

    @Test
    void shouldNameTheTrustStoreWhenTheBrokerCertificateIsNotTrusted() throws Exception {
        // Given SASL settings that leave out the trust store, so the JDK's default CAs are used
        Path untrusted = clientConfig("untrusted.properties", PASSWORD, false);

        // When the producer connects
        Run r = run("produce", "--bootstrap-servers", kafka.saslSslBootstrapServers(), "--kafka-config",
                untrusted.toString(), "--count", "1");

        // Then the failed handshake is one line that points at the trust store
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("TLS handshake").contains("ssl.truststore");
    }

    @Test
    void shouldReportASettingThatOnlyKafkaStreamsRejectsInOneLine() throws Exception {
        // Given good security settings plus a Streams setting with a bad value, which the start-up
        // check's admin client does not read
        Path config = clientConfig("bad-streams.properties", PASSWORD, true);
        Files.writeString(config, "commit.interval.ms=soon\n", java.nio.file.StandardOpenOption.APPEND);
        Path model = dir.resolve("black-is-normal.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));

        // When the detector starts with them
        Run r = run("detect", "--bootstrap-servers", kafka.saslSslBootstrapServers(), "--kafka-config",
                config.toString(), "--model", model.toString(), "--http-port", "-1", "--application-id",
                "sasl-it-bad-streams");

        // Then Kafka's complaint is one line naming the setting, not a stack trace
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("commit.interval.ms").contains("soon");
    }

    private static Path clientConfig(String name, String password, boolean withTrustStore) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("security.protocol=SASL_SSL\n")
                .append("sasl.mechanism=SCRAM-SHA-512\n")
                .append("sasl.jaas.config=").append(SaslSslListener.jaasConfig(USER, password)).append('\n');
        if (withTrustStore) {
            text.append("ssl.truststore.type=PKCS12\n")
                    .append("ssl.truststore.location=").append(certificates.trustStore()).append('\n')
                    .append("ssl.truststore.password=").append(certificates.password()).append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** Reads a topic over SASL_SSL with read_committed until {@code count} records arrived. */
    private static List<JsonNode> readOverSaslSsl(String topic, int count, Duration timeout) throws IOException {
        Map<String, Object> props = new HashMap<>(listener().clientProperties(kafka.saslSslBootstrapServers(), USER));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sasl-it-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<JsonNode> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (read.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(Json.MAPPER.readTree(r.value()));
                }
            }
            // a little longer, to catch duplicates
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(Json.MAPPER.readTree(r.value()));
                }
            }
        }
        return read;
    }

    private static SaslSslListener listener() {
        return new SaslSslListener(certificates.keyStore(), certificates.password(), Map.of(USER, PASSWORD));
    }

    private record Run(int exitCode, String err, Duration elapsed) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setErr(new PrintWriter(err, true));
        }
        long start = System.nanoTime();
        int code = cl.execute(args);
        return new Run(code, err.toString(), Duration.ofNanos(System.nanoTime() - start));
    }
}
