package io.latentwatch.deploy;

import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detector's runtime (target/lib-detect, what the launcher runs {@code detect} on and the detector image
 * carries): {@code detect} started from it alone, in a JVM of its own, scores images on a real broker and loads
 * no DJL, Kafka broker or Scala class. Needs {@code mvn package} first (Failsafe runs after it).
 */
class DetectorRuntimeIT {
    private static final Path JAR = Path.of("target", "latentwatch.jar");
    private static final Path LIB_DETECT = Path.of("target", "lib-detect");

    private EmbeddedKafka kafka;
    private Process detector;

    @TempDir
    Path dir;

    @BeforeEach
    void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (detector != null && detector.isAlive()) {
            detector.destroy();
            if (!detector.waitFor(30, TimeUnit.SECONDS)) {
                detector.destroyForcibly().waitFor();
            }
        }
        kafka.close();
    }

    @Test
    void shouldHoldNoTrainingOrBrokerLibraries() throws IOException {
        // Given the detector's runtime as the build leaves it
        List<String> jars;
        try (Stream<Path> files = Files.list(LIB_DETECT)) {
            jars = files.map(p -> p.getFileName().toString()).sorted().toList();
        }

        // Then it has the detector's libraries and none of DJL/PyTorch, the broker or Scala
        assertThat(jars).anyMatch(j -> j.startsWith("kafka-streams-")).anyMatch(j -> j.startsWith("onnxruntime-"));
        assertThat(jars).noneMatch(j -> j.startsWith("api-") || j.startsWith("pytorch-") || j.startsWith("kafka_2.13")
                || j.startsWith("kafka-server") || j.startsWith("kafka-metadata") || j.startsWith("kafka-raft")
                || j.startsWith("scala-"));
    }

    @Test
    void shouldScoreImagesWhenStartedFromTheDetectorRuntimeAlone() throws Exception {
        // Given a model file and a detector started on target/latentwatch.jar + target/lib-detect only
        Path model = dir.resolve("model.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        Path log = dir.resolve("detect.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-verbose:class",
                "-cp", JAR + File.pathSeparator + LIB_DETECT + File.separator + "*",
                "io.latentwatch.cli.Main", "detect",
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--model", model.toString(), "--allow-unsigned",
                "--http-port", "-1", "--topic-partitions", "1",
                "--state-dir", dir.resolve("state").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LATENTWATCH_") || k.startsWith("KAFKA_"));
        detector = builder.start();

        // When three normal (black) and two anomalous (white) images arrive
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < 5; i++) {
                byte[] png = TestImages.greyPng(28, 28, i < 3 ? 0 : 255);
                producer.send(Records.cloudEvent("images", "img-" + i, png)).get();
            }
        }

        // Then every image is scored (one embeddings record each) and the white ones are flagged
        List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(kafka.bootstrapServers(),
                List.of("embeddings", "anomalies"),
                read -> Records.on(read, "embeddings").size() >= 5 && Records.on(read, "anomalies").size() >= 2
                        || !detector.isAlive(),
                Duration.ofSeconds(120), Duration.ZERO);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(Records.on(out, "embeddings")).as("detector output:%n%s", tail(output)).hasSize(5);
        assertThat(Records.on(out, "anomalies")).extracting(r -> Records.json(r).path("id").asText())
                .containsExactlyInAnyOrder("img-3", "img-4");

        // and the detector's JVM loaded no class of DJL, the Kafka broker or Scala
        assertThat(output.lines().filter(l -> l.startsWith("[") && l.contains("class,load")))
                .isNotEmpty()
                .noneMatch(l -> l.contains(" ai.djl.") || l.contains(" kafka.") || l.contains(" scala.")
                        || l.contains(" org.apache.kafka.server.") || l.contains(" org.apache.kafka.raft."));
    }

    private static String tail(String output) {
        List<String> lines = output.lines().filter(l -> !l.contains("class,load")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
