package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.Topics;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import io.latentwatch.testing.TestTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.latentwatch.testing.Records.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Detector scenarios against a real broker; subclasses say which broker (embedded KRaft, a
 * Testcontainers container, or an external one).
 */
abstract class DetectorScenarios {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private final byte[] white = TestImages.greyPng(28, 28, 255);
    private final byte[] black = TestImages.greyPng(28, 28, 0);
    @TempDir
    Path dir;

    /** Bootstrap servers of the broker under test. */
    abstract String bootstrapServers();

    @Test
    void shouldAccountForEveryInputExactlyOnce() throws Exception {
        // Given a running detector whose model flags white images (score 1) and passes black ones (0)
        Topics topics = topics();
        String appId = "it-" + UUID.randomUUID();
        try (Detector detector = Detector.start(config(topics, appId))) {
            // When a real producer writes PNG CloudEvents, a structured event, other valid images, garbage and text
            List<String> anomalous = new ArrayList<>();
            List<String> normal = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = Records.producer(bootstrapServers())) {
                for (int i = 0; i < 40; i++) {
                    String id = "img-" + i;
                    boolean anomaly = i % 4 == 0;
                    (anomaly ? anomalous : normal).add(id);
                    producer.send(Records.cloudEvent(topics.input(), id, anomaly ? white : black));
                }
                String structured = "{\"specversion\":\"1.0\",\"id\":\"structured-1\",\"source\":\"/it\",\"type\":\"t\","
                        + "\"data_base64\":\"" + Base64.getEncoder().encodeToString(black) + "\"}";
                RecordHeaders json = new RecordHeaders();
                json.add("content-type", bytes("application/cloudevents+json"));
                producer.send(new ProducerRecord<>(topics.input(), null, (byte[]) null, bytes(structured), json));
                normal.add("structured-1");
                // valid images the detector once dead-lettered: a 48-megapixel photo (over the old pixel
                // limit), a PPM (no ImageIO decoder), a PNG declared as S3's binary/octet-stream
                java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(8_000, 6_000,
                        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                producer.send(Records.cloudEvent(topics.input(), "photo-48mp", TestImages.encode(photo, "jpeg")));
                byte[] ppmHeader = bytes("P6\n28 28\n255\n");
                byte[] ppm = java.util.Arrays.copyOf(ppmHeader, ppmHeader.length + 28 * 28 * 3);
                producer.send(Records.cloudEvent(topics.input(), "ppm-1", ppm));
                ProducerRecord<byte[], byte[]> octet = Records.cloudEvent(topics.input(), "octet-1", black);
                octet.headers().remove("content-type").add("content-type", bytes("binary/octet-stream"));
                producer.send(octet);
                normal.addAll(List.of("photo-48mp", "ppm-1", "octet-1"));
                producer.send(new ProducerRecord<>(topics.input(), bytes("pill-1"), new byte[] {0, 1, 2, 3, 4}));
                producer.send(new ProducerRecord<>(topics.input(), bytes("pill-2"), bytes("{\"not\":\"an event\"}")));
                RecordHeaders text = new RecordHeaders();
                text.add("content-type", bytes("text/plain"));
                producer.send(new ProducerRecord<>(topics.input(), null, bytes("text-1"), bytes("hello"), text));
                producer.flush();
            }

            // Then a real consumer finds every input once: scored ones on embeddings, anomalies too, bad ones in the DLQ
            int scored = anomalous.size() + normal.size();
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(bootstrapServers(), topics.outputs(),
                    r -> Records.on(r, topics.embeddings()).size() >= scored
                            && Records.on(r, topics.deadLetter()).size() >= 3
                            && Records.on(r, topics.anomalies()).size() >= anomalous.size(),
                    TIMEOUT, Duration.ofSeconds(2));
            assertThat(ids(Records.on(out, topics.embeddings())))
                    .containsExactlyInAnyOrderElementsOf(concat(anomalous, normal));
            assertThat(ids(Records.on(out, topics.anomalies()))).containsExactlyInAnyOrderElementsOf(anomalous);
            List<ConsumerRecord<byte[], byte[]>> dead = Records.on(out, topics.deadLetter());
            assertThat(dead).extracting(r -> Records.header(r, Headers.ERROR_CLASS))
                    .containsExactlyInAnyOrder("unrecognised-format", "invalid-cloudevent", "unsupported-content-type");
            assertThat(dead).allSatisfy(r -> assertThat(Records.header(r, Headers.SOURCE_TOPIC)).isEqualTo(topics.input()));
            assertThat(Records.on(out, topics.embeddings()))
                    .allSatisfy(r -> assertThat(Records.json(r).get("model_version").asText()).isEqualTo("v1"));

            // And the HTTP endpoint reports it
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + detector.httpPort();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(http, base + "/health/ready").statusCode() == 200);
            assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(http, base + "/model").body()).contains("\"version\":\"v1\"");
            String metrics = get(http, base + "/metrics").body();
            String app = "application_id=\"" + appId + "\"";
            assertThat(metrics).contains("latentwatch_images_scored_total{" + app + "} " + (double) scored)
                    .contains("latentwatch_anomalies_total{" + app + "} " + (double) anomalous.size())
                    .contains("latentwatch_dead_letters_total{" + app + ",reason=\"unrecognised-format\"} 1.0")
                    .contains("kafka_stream_");
        }
    }

    @Test
    void shouldAttachAnomalyMapsToTheAnomaliesOnly() throws Exception {
        // Given a detector started with --anomaly-maps
        Topics topics = topics();
        String appId = "it-maps-" + UUID.randomUUID();
        try (Detector detector = Detector.start(config(topics, appId).withAnomalyMaps(AnomalyMapSettings.ON))) {
            // When white (anomalous) and black images arrive
            List<String> ids = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = Records.producer(bootstrapServers())) {
                send(producer, topics, ids, 0, 30);
            }

            // Then every anomaly record carries a 28x28 PNG map, and no embedding record does
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(bootstrapServers(), topics.outputs(),
                    r -> Records.on(r, topics.embeddings()).size() >= 30 && Records.on(r, topics.anomalies()).size() >= 3,
                    TIMEOUT, Duration.ofSeconds(2));
            List<ConsumerRecord<byte[], byte[]>> anomalies = Records.on(out, topics.anomalies());
            assertThat(ids(anomalies)).containsExactlyInAnyOrder("r-0", "r-10", "r-20");
            assertThat(anomalies).allSatisfy(r -> {
                byte[] png = Base64.getDecoder().decode(Records.json(r).get("anomaly_map").asText());
                java.awt.image.BufferedImage map = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
                assertThat(map.getWidth()).isEqualTo(28);
                assertThat(map.getHeight()).isEqualTo(28);
            });
            assertThat(Records.on(out, topics.embeddings()))
                    .allSatisfy(r -> assertThat(Records.json(r).has("anomaly_map")).isFalse());
        }
    }

    @Test
    void shouldYieldEveryOutputExactlyOnceAcrossARestart() throws Exception {
        // Given a detector that scored the first 150 images and was then stopped
        Topics topics = topics();
        String appId = "it-restart-" + UUID.randomUUID();
        List<String> all = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(bootstrapServers())) {
            try (Detector first = Detector.start(config(topics, appId))) {
                send(producer, topics, all, 0, 150);
                Records.readUntil(bootstrapServers(), List.of(topics.embeddings()), r -> r.size() >= 150, TIMEOUT,
                        Duration.ZERO);
            }

            // When 150 more arrive while no detector runs, and a new one with the same application id starts
            send(producer, topics, all, 150, 300);
            try (Detector second = Detector.start(config(topics, appId))) {
                List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(bootstrapServers(),
                        List.of(topics.embeddings()), r -> r.size() >= all.size(), TIMEOUT, Duration.ofSeconds(3));

                // Then every input was scored exactly once overall: nothing lost, nothing scored twice
                assertThat(ids(out)).containsExactlyInAnyOrderElementsOf(all);
            }
        }
    }

    @Test
    void shouldShareThePartitionsAmongDetectorsAndSwitchThemAllToAPublishedModel() throws Exception {
        // Given two detectors with one application id, following the models topic
        Topics topics = topics();
        String appId = "it-pair-" + UUID.randomUUID();
        DetectorConfig config = followingModels(config(topics, appId));
        List<String> all = new ArrayList<>();
        try (Detector one = Detector.start(config);
             Detector two = Detector.start(config);
             KafkaProducer<byte[], byte[]> producer = Records.producer(bootstrapServers())) {
            await().atMost(TIMEOUT).until(() -> one.isReady() && two.isReady());

            // When images arrive, then a new model is published, then more images arrive
            send(producer, topics, all, 0, 300);
            Records.readUntil(bootstrapServers(), List.of(topics.embeddings()), r -> r.size() >= 300, TIMEOUT,
                    Duration.ZERO);
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"), TestModels.blackIsNormal("v2", 0.5)));
            producer.flush();
            await().atMost(TIMEOUT).until(() -> version(one).equals("v2") && version(two).equals("v2"));
            send(producer, topics, all, 300, 600);

            // Then both detectors did part of the work, every input was scored once, and all switched
            List<ConsumerRecord<byte[], byte[]>> out = Records.readUntil(bootstrapServers(),
                    List.of(topics.embeddings()), r -> r.size() >= all.size(), TIMEOUT, Duration.ofSeconds(2));
            assertThat(ids(out)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(scored(one)).isPositive();
            assertThat(scored(two)).isPositive();
            assertThat(scored(one) + scored(two)).isEqualTo(all.size());
            assertThat(out).filteredOn(r -> Integer.parseInt(Records.json(r).get("id").asText().substring(2)) >= 300)
                    .allSatisfy(r -> assertThat(Records.json(r).get("model_version").asText()).isEqualTo("v2"));
        }
    }

    private static DetectorConfig followingModels(DetectorConfig c) {
        return c.withModel(c.model().followingTopic(null));
    }

    private static String version(Detector detector) {
        return detector.models().current().map(i -> i.version()).orElse("");
    }

    private static double scored(Detector detector) {
        return detector.meterRegistry().get("latentwatch.images.scored").counter().count();
    }

    private void send(KafkaProducer<byte[], byte[]> producer, Topics topics, List<String> ids, int from, int to) {
        for (int i = from; i < to; i++) {
            ids.add("r-" + i);
            producer.send(Records.cloudEvent(topics.input(), "r-" + i, i % 10 == 0 ? white : black));
        }
        producer.flush();
    }

    private DetectorConfig config(Topics topics, String applicationId) throws Exception {
        Path model = dir.resolve(applicationId + ".onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        return DetectorConfig.of(Connection.to(bootstrapServers()), topics, ModelSource.file(model),
                StreamsSettings.of(applicationId)).withHttpPort(0);
    }

    /**
     * Topic names for one test: unique ones by default, so that tests can share a broker;
     * a subclass with a broker per test may use the production names.
     */
    Topics topics() {
        return TestTopics.unique();
    }


    private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(Records::json).map(j -> j.get("id")).map(JsonNode::asText)
                .collect(Collectors.toList());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
