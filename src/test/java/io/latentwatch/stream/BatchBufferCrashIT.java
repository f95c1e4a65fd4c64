package io.latentwatch.stream;

import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.testing.DetectorProcess;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.SharedBroker;
import io.latentwatch.testing.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micro-batching under exactly-once on a real broker: a detector killed with SIGKILL while its
 * batch buffer is half full loses and repeats nothing.
 */
class BatchBufferCrashIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();
    @TempDir
    Path dir;



    @Test
    void shouldScoreEveryInputExactlyOnceWhenTheDetectorIsKilledWithAHalfFullBatch() throws Exception {
        // Given five images on a one-partition topic and a detector process batching by 8, lingering 10 minutes
        Topics topics = new Topics("crash-images", "crash-anomalies", "crash-embeddings", "crash-dlq", "crash-models");
        new TopicAdmin(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Duration.ofSeconds(30))
                .ensure(List.of(topics.input()), Set.of(), true, 1, (short) -1);
        Path model = dir.resolve("model.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        Path stateDir = dir.resolve("state");
        Records.sendBlackImages(KAFKA.bootstrapServers(), topics.input(), 0, 5);
        Path log = dir.resolve("detector.log");
        Process detector = DetectorProcess.start(log, KAFKA.bootstrapServers(), topics, "--model", model.toString(),
                "--application-id", "crash-detector", "--state-dir", stateDir.toString(), "--batch-size", "8",
                "--batch-linger", "600000", "--commit-interval", "100");
        try {
            // When it has buffered all five and committed them (input offsets with the buffer's changelog)
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> committedOffset(topics.input()) == 5 || !detector.isAlive());
            assertThat(detector.isAlive()).as("the detector process runs; its log: " + DetectorProcess.log(log))
                    .isTrue();
            // and is killed without a chance to flush
            detector.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            detector.destroyForcibly();
        }
        assertThat(Records.readUntil(KAFKA.bootstrapServers(), List.of(topics.embeddings()), r -> false,
                Duration.ofSeconds(1), Duration.ZERO)).as("nothing was scored before the kill").isEmpty();

        // And a new detector (same application and state directory) takes over with three more images
        Records.sendBlackImages(KAFKA.bootstrapServers(), topics.input(), 5, 8);
        DetectorConfig config = DetectorConfig.of(Connection.to(KAFKA.bootstrapServers()), topics,
                ModelSource.file(model), StreamsSettings.of("crash-detector").withStateDir(stateDir))
                .withTopicSetup(TopicSetup.create(1))
                .withTuning(new Tuning(8, Duration.ofMillis(50), Duration.ofMillis(100)))
                .withHttpPort(-1);
        List<ConsumerRecord<byte[], byte[]>> embeddings;
        try (Detector restarted = Detector.start(config)) {
            embeddings = Records.readUntil(KAFKA.bootstrapServers(), List.of(topics.embeddings()),
                    read -> read.size() >= 8, TIMEOUT, Duration.ofSeconds(3));
        }

        // Then every input is scored exactly once, the five buffered ones included
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : embeddings) {
            ids.add(Records.json(record).get("id").asText());
        }
        assertThat(ids).containsExactlyInAnyOrder("img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6",
                "img-7");
    }

    private static long committedOffset(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("crash-detector")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? -1 : offset.offset();
        }
    }
}
