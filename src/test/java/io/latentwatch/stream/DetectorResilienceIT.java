package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.SharedBroker;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import io.latentwatch.testing.TestTopics;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import static io.latentwatch.testing.Records.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What used to stall or block a detector, on a real broker: huge records, bad models, lost brokers. */
class DetectorResilienceIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();
    private final byte[] black = TestImages.greyPng(28, 28, 0);
    @TempDir
    Path dir;



    @Test
    void shouldDeadLetterA17MegabyteRecordAndScoreTheImagesBehindIt() throws Exception {
        // Given an input topic that takes 20 MB records, as a user may have created it
        Topics topics = TestTopics.unique();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.input(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "20000000")))).all().get();
        }
        // And a 17 MB record (over --max-image-bytes, 16 MiB) followed by 20 valid images on its partition
        byte[] huge = new byte[17_000_000];
        new SplittableRandom(1).nextBytes(huge);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 20_000_000, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.input(), bytes("huge"), huge)).get();
            for (int i = 0; i < 20; i++) {
                producer.send(Records.cloudEvent(topics.input(), "after-" + i, black));
            }
            producer.flush();
        }

        // When a detector with the default limits runs
        try (Detector detector = Detector.start(config(topics, modelFile("v1")))) {
            // Then the huge record is one dead letter that fits, with its size and digest, and the rest is scored
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(KAFKA.bootstrapServers(),
                    List.of(topics.embeddings(), topics.deadLetter()),
                    r -> Records.on(r, topics.embeddings()).size() >= 20 && Records.on(r, topics.deadLetter()).size() >= 1,
                    TIMEOUT, Duration.ofSeconds(1));
            List<ConsumerRecord<byte[], byte[]>> dead = Records.on(out, topics.deadLetter());
            assertThat(dead).hasSize(1);
            assertThat(Records.header(dead.get(0), Headers.ERROR_CLASS)).isEqualTo("image-too-large");
            assertThat(Records.header(dead.get(0), Headers.ORIGINAL_BYTES)).isEqualTo("17000000");
            assertThat(Records.header(dead.get(0), Headers.ORIGINAL_SHA256)).hasSize(64);
            assertThat(Records.on(out, topics.embeddings())).hasSize(20);
            await().atMost(TIMEOUT).until(detector::isReady);
        }
    }

    @Test
    void shouldScoreOnPartitionsAddedToTheInputWhileTheDetectorWasDown() throws Exception {
        // Given a batching detector (the default) that scored 10 images from a 2-partition input and stopped
        Topics topics = TestTopics.unique();
        DetectorConfig config = config(topics, modelFile("v1")).withTopicSetup(TopicSetup.create(2));
        assertThat(config.tuning().batchSize()).isGreaterThan(1);
        String changelog = DetectorTopology.bufferChangelog(config.streams().applicationId());
        try (Detector detector = Detector.start(config);
             KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < 10; i++) {
                producer.send(Records.cloudEvent(topics.input(), "before-" + i, black));
            }
            producer.flush();
            Records.readUntil(KAFKA.bootstrapServers(), List.of(topics.embeddings()), r -> r.size() >= 10, TIMEOUT,
                    Duration.ZERO);
        }

        // When partitions are added to the input, as docs/deployment.md says one may, and the detector starts again
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createPartitions(Map.of(topics.input(), NewPartitions.increaseTo(4))).all().get();
        }
        try (Detector detector = Detector.start(config);
             KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < 40; i++) {
                producer.send(Records.cloudEvent(topics.input(), "after-" + i, black));
            }
            producer.flush();

            // Then the buffer's changelog has grown to match (Kafka Streams refuses one with fewer partitions than
            // its input) and every image is scored, on all four partitions, the 10 before once
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(KAFKA.bootstrapServers(),
                    List.of(topics.embeddings()), r -> r.size() >= 50, TIMEOUT, Duration.ofSeconds(1));
            assertThat(out).hasSize(50);
            assertThat(out.stream().map(r -> Records.json(r).get("input").get("partition").asInt()).distinct())
                    .containsExactlyInAnyOrder(0, 1, 2, 3);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    KAFKA.bootstrapServers()))) {
                assertThat(admin.describeTopics(List.of(changelog)).allTopicNames().get().get(changelog).partitions())
                        .hasSize(4);
            }
            await().atMost(TIMEOUT).until(detector::isReady);
        }
    }

    @Test
    void shouldKeepTheWholeValueOfAnUnscorableRecordThatFitsTheDeadLetterTopic() throws Exception {
        // Given a 3 MB record of garbage, over Kafka's 1 MiB default but under --max-image-bytes
        Topics topics = TestTopics.unique();
        try (Detector detector = Detector.start(config(topics, modelFile("v1")))) {
            byte[] garbage = new byte[3_000_000];
            new SplittableRandom(2).nextBytes(garbage);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 20_000_000),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                // When it arrives on the input topic the detector created
                producer.send(new ProducerRecord<>(topics.input(), bytes("g"), garbage)).get();
            }

            // Then its dead letter carries the whole value
            List<ConsumerRecord<byte[], byte[]>> dead = Records.readUntil(KAFKA.bootstrapServers(),
                    List.of(topics.deadLetter()), r -> !r.isEmpty(), TIMEOUT, Duration.ZERO);
            assertThat(dead.get(0).value()).isEqualTo(garbage);
            assertThat(Records.header(dead.get(0), Headers.ERROR_CLASS)).isEqualTo("unrecognised-format");
        }
    }

    @Test
    void shouldStartWithTheNewestModelThatLoadsWhenNewerOnesAreBroken() throws Exception {
        // Given a models topic whose newest records are garbage and an identity model, behind a valid one
        Topics topics = TestTopics.unique();
        createModelTopic(topics);
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"), TestModels.blackIsNormal("v1", 0.5)));
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"), bytes("not a model at all")));
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"), TestModels.scaling(1, 28, 28, 1f)
                    .metadata(MetadataKeys.VERSION, "identity").metadata(MetadataKeys.THRESHOLD, "0.1").toBytes()));
            producer.flush();
        }

        // When a detector that follows the topic starts (a scale-out, a restart after a crash)
        try (Detector detector = Detector.start(following(config(topics, null), false))) {
            // Then it serves the valid older model, says so in the metrics, and scores
            assertThat(detector.models().current().orElseThrow().version()).isEqualTo("v1");
            assertThat(counter(detector, "latentwatch.model.fallbacks", null)).isEqualTo(1);
            assertThat(counter(detector, "latentwatch.model.refusals", "invalid")).isEqualTo(1);
            assertThat(counter(detector, "latentwatch.model.refusals", "degenerate")).isEqualTo(1);
            try (KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
                producer.send(Records.cloudEvent(topics.input(), "img-1", black));
            }
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(KAFKA.bootstrapServers(),
                    List.of(topics.embeddings()), r -> !r.isEmpty(), TIMEOUT, Duration.ZERO);
            assertThat(Records.json(out.get(0)).get("model_version").asText()).isEqualTo("v1");
        }
    }

    @Test
    void shouldRefuseAModelForAnotherInputShapeUnlessAllowed() throws Exception {
        // Given two detectors serving a 28x28 grey model, one of them allowing input changes
        Topics topics = TestTopics.unique();
        createModelTopic(topics);
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"), TestModels.blackIsNormal("v1", 0.5)));
            producer.flush();
            try (Detector strict = Detector.start(following(config(topics, null), false));
                 Detector lenient = Detector.start(following(config(topics, null), true))) {
                // When a model for 64x64 RGB images is published
                producer.send(new ProducerRecord<>(topics.models(), bytes("test"), TestModels.scaling(3, 64, 64, 0.5f)
                        .metadata(MetadataKeys.VERSION, "rgb64").metadata(MetadataKeys.THRESHOLD, "0.1").toBytes()));
                producer.flush();

                // Then the strict one refuses it and keeps serving v1, the lenient one switches
                await().atMost(TIMEOUT).until(() -> version(lenient).equals("rgb64"));
                await().atMost(TIMEOUT).until(() -> counter(strict, "latentwatch.model.refusals", "input-changed") == 1);
                assertThat(version(strict)).isEqualTo("v1");
            }
        }
    }

    @Test
    void shouldNotBeReadyWhileTheBrokerIsGone() throws Exception {
        // Given a ready detector on a broker of its own
        EmbeddedKafka own = EmbeddedKafka.start();
        Topics topics = TestTopics.unique();
        try (Detector detector = Detector.start(DetectorConfig.of(Connection.to(own.bootstrapServers()), topics,
                ModelSource.file(modelFile("v1")), StreamsSettings.of("it-" + UUID.randomUUID()))
                .withTopicSetup(TopicSetup.create(1)).withHttpPort(0))) {
            HttpClient http = HttpClient.newHttpClient();
            String ready = "http://127.0.0.1:" + detector.httpPort() + "/health/ready";
            await().atMost(TIMEOUT).until(() -> get(http, ready).statusCode() == 200);

            // When the broker goes away
            own.close();

            // Then readiness turns to 503 and says why
            await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> get(http, ready).statusCode() == 503);
            JsonNode body = Json.MAPPER.readTree(get(http, ready).body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("reasons").toString()).containsAnyOf("no connection to any broker", "heartbeat", "Kafka Streams is");
        } finally {
            own.close();
        }
    }

    private static void createModelTopic(Topics topics) {
        new TopicAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), TIMEOUT)
                .ensure(List.of(topics.models()), java.util.Set.of(topics.models()), true, 1, (short) -1);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String version(Detector detector) {
        return detector.models().current().map(i -> i.version()).orElse("");
    }

    private static double counter(Detector detector, String name, String reason) {
        var search = detector.meterRegistry().find(name);
        if (reason != null) {
            search = search.tag("reason", reason);
        }
        var counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    private Path modelFile(String version) throws Exception {
        Path model = dir.resolve(version + "-" + UUID.randomUUID() + ".onnx");
        Files.write(model, TestModels.blackIsNormal(version, 0.5));
        return model;
    }

    private static DetectorConfig config(Topics topics, Path model) {
        ModelSource source = model == null ? ModelSource.topic(null) : ModelSource.file(model);
        return DetectorConfig.of(Connection.to(KAFKA.bootstrapServers()), topics, source,
                StreamsSettings.of("it-" + UUID.randomUUID())).withTopicSetup(TopicSetup.create(1)).withHttpPort(0);
    }

    private static DetectorConfig following(DetectorConfig c, boolean allowInputChange) {
        return c.withModel(c.model().followingTopic(null).allowingInputChange(allowInputChange));
    }

}
