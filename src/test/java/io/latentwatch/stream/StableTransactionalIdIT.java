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
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A detector killed with SIGKILL in the middle of a transaction and restarted with the same
 * {@code --instance-id}: its outputs reach {@code read_committed} consumers without waiting for
 * the broker to time the dead transaction out.
 */
class StableTransactionalIdIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    // far beyond TIMEOUT: only fencing, not the broker's timeout, can end the dead transaction in time
    private static final String TRANSACTION_TIMEOUT_MS = "600000";
    private static final String APPLICATION = "fence-detector";
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();
    @TempDir
    Path dir;

    @Test
    void shouldAbortTheKilledDetectorsOpenTransactionWhenItRestartsWithTheSameInstanceId() throws Exception {
        // Given a detector process with a stable instance id that commits only every ten minutes
        Topics topics = new Topics("fence-images", "fence-anomalies", "fence-embeddings", "fence-dlq", "fence-models");
        new TopicAdmin(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Duration.ofSeconds(30))
                .ensure(List.of(topics.input()), Set.of(), true, 1, (short) -1);
        Path model = dir.resolve("model.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        Path kafkaConfig = dir.resolve("kafka.properties");
        Files.writeString(kafkaConfig, "producer.transaction.timeout.ms=" + TRANSACTION_TIMEOUT_MS + "\n");
        Records.sendBlackImages(KAFKA.bootstrapServers(), topics.input(), 0, 5);
        Path log = dir.resolve("detector.log");
        Process detector = DetectorProcess.start(log, KAFKA.bootstrapServers(), topics, "--kafka-config",
                kafkaConfig.toString(), "--model", model.toString(), "--application-id", APPLICATION,
                "--instance-id", "lw-a", "--state-dir", dir.resolve("state-1").toString(),
                "--commit-interval", "600000");
        try {
            // When it has written the five outputs inside a transaction it has not committed
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> uncommittedEmbeddings(topics) >= 5 || !detector.isAlive());
            assertThat(detector.isAlive()).as("the detector process runs; its log: " + DetectorProcess.log(log))
                    .isTrue();
            // and is killed, leaving that transaction open
            detector.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            detector.destroyForcibly();
        }
        Set<String> before = transactionalIds();
        assertThat(before).as("the killed detector's producer").containsExactly(APPLICATION + "-lw-a-1");

        // And a detector with the same instance id takes over, with three more images
        Records.sendBlackImages(KAFKA.bootstrapServers(), topics.input(), 5, 8);
        DetectorConfig config = DetectorConfig.of(
                        new Connection(KAFKA.bootstrapServers(),
                                Map.of("producer.transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)),
                        topics, ModelSource.file(model),
                        StreamsSettings.of(APPLICATION).withInstanceId("lw-a").withStateDir(dir.resolve("state-2")))
                .withTopicSetup(TopicSetup.create(1))
                .withTuning(new Tuning(1, Duration.ofMillis(10), Duration.ofMillis(100)))
                .withHttpPort(-1);
        List<ConsumerRecord<byte[], byte[]>> embeddings;
        try (Detector restarted = Detector.start(config)) {
            embeddings = Records.readUntil(KAFKA.bootstrapServers(), List.of(topics.embeddings()),
                    read -> read.size() >= 8, TIMEOUT, Duration.ofSeconds(2));
        }

        // Then read_committed consumers see every input scored exactly once, long before the dead
        // transaction could time out: the restarted producer, with the same transactional id, fenced it
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : embeddings) {
            ids.add(Records.json(record).get("id").asText());
        }
        assertThat(ids).containsExactlyInAnyOrder("img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6",
                "img-7");
        assertThat(transactionalIds()).isEqualTo(before);
    }

    private static int uncommittedEmbeddings(Topics topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-uncommitted-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.embeddings()));
            int count = 0;
            for (int i = 0; i < 5; i++) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    private static Set<String> transactionalIds() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            return admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(APPLICATION + "-"))
                    .collect(Collectors.toSet());
        }
    }
}
