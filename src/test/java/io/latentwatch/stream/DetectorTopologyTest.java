package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.image.InputLimits;
import io.latentwatch.testing.TestImages;
import io.latentwatch.util.Json;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DetectorTopologyTest {
    private TopologyRig rig;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<byte[], byte[]> anomalies;
    private TestOutputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() throws Exception {
        rig = new TopologyRig("topology-test", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models, r.metrics));
        images = rig.images;
        anomalies = rig.anomalies;
        embeddings = rig.embeddings;
        deadLetters = rig.deadLetters;
    }

    @AfterEach
    void closeDriver() {
        rig.close();
    }

    @Test
    void shouldRouteAnAnomalyToBothOutputsWithItsOrigin() throws Exception {
        // Given a white image, which the test model scores 1.0 (threshold 0.5)
        images.pipeInput(binaryCloudEvent("evt-1", TestImages.greyPng(28, 28, 255)));

        // Then it is on the anomaly topic and the embedding topic
        TestRecord<byte[], byte[]> anomaly = anomalies.readRecord();
        JsonNode a = json(anomaly.value());
        assertThat(a.get("id").asText()).isEqualTo("evt-1");
        assertThat(a.get("source").asText()).isEqualTo("/test");
        assertThat(a.get("score").asDouble()).isEqualTo(1.0);
        assertThat(a.get("threshold").asDouble()).isEqualTo(0.5);
        assertThat(a.get("model_version").asText()).isEqualTo("v1");
        assertThat(a.get("input").get("topic").asText()).isEqualTo("images");
        assertThat(a.get("input").get("offset").asLong()).isZero();
        assertThat(new String(anomaly.key(), StandardCharsets.UTF_8)).isEqualTo("key-evt-1");
        assertThat(header(anomaly, Headers.MODEL_VERSION)).isEqualTo("v1");
        JsonNode e = json(embeddings.readValue());
        assertThat(e.get("anomaly").asBoolean()).isTrue();
        assertThat(e.get("vector")).hasSize(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldWriteANormalImageOnlyToTheEmbeddingTopic() throws Exception {
        images.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), TestImages.greyPng(28, 28, 0)));

        assertThat(anomalies.isEmpty()).isTrue();
        JsonNode e = json(embeddings.readValue());
        assertThat(e.get("id").asText()).isEqualTo("k");
        assertThat(e.get("score").asDouble()).isZero();
        assertThat(e.get("anomaly").asBoolean()).isFalse();
        assertThat(e.get("model_version").asText()).isEqualTo("v1");
    }

    @Test
    void shouldSendAPoisonPillToTheDeadLetterTopicWithItsBytesHeadersAndReason() {
        // Given garbage bytes with a header of their own
        byte[] garbage = {0x13, 0x37, 0x00, (byte) 0xFF, 0x42};
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>("pill".getBytes(StandardCharsets.UTF_8), garbage, headers));
        images.pipeInput(new TestRecord<>(null, TestImages.greyPng(28, 28, 0)));

        // Then the garbage is dead-lettered unchanged, with why and where from, and scoring goes on
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.key()).isEqualTo("pill".getBytes(StandardCharsets.UTF_8));
        assertThat(header(dead, "trace-id")).isEqualTo("abc");
        assertThat(header(dead, Headers.ERROR_CLASS)).isEqualTo("unrecognised-format");
        assertThat(header(dead, Headers.ERROR)).contains("neither a PNG");
        assertThat(header(dead, Headers.SOURCE_TOPIC)).isEqualTo("images");
        assertThat(header(dead, Headers.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead, Headers.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(embeddings.readValuesToList()).hasSize(1);
        assertThat(rig.meters.get("latentwatch.dead.letters").tag("reason", "unrecognised-format").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldScoreValidImagesThatLookLikeSomethingElse() throws Exception {
        // Given bare raw pixels whose first pixel is 123 ('{'), raw pixels that begin "BM", and a
        // 16-bit TIFF with the horizontal predictor (which the JDK's TIFF decoder cannot read)
        byte[] brace = new byte[784];
        brace[0] = '{';
        byte[] bm = new byte[784];
        bm[0] = 'B';
        bm[1] = 'M';
        byte[] tiff = seed("tiff-grey16-lzw-predictor-8x6.tif");
        images.pipeInput(new TestRecord<>("brace".getBytes(StandardCharsets.UTF_8), brace));
        images.pipeInput(new TestRecord<>("bm".getBytes(StandardCharsets.UTF_8), bm));
        images.pipeInput(new TestRecord<>("tiff".getBytes(StandardCharsets.UTF_8), tiff));

        // Then all three are scored, none dead-lettered
        assertThat(embeddings.readValuesToList()).extracting(v -> json(v).get("id").asText())
                .containsExactly("brace", "bm", "tiff");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldScoreValidImagesOfAnySizeColourOrDeclaredType() throws Exception {
        // Given a 48-megapixel JPEG (a phone camera's), a CMYK JPEG, a CIELab TIFF, and PNGs declared
        // as S3's binary/octet-stream and as JPEG
        java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(8_000, 6_000,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        images.pipeInput(binaryCloudEvent("photo-48mp", TestImages.encode(photo, "jpeg"), "image/jpeg"));
        images.pipeInput(binaryCloudEvent("cmyk", seed("jpeg-cmyk-red-blue-28x28.jpg"), "image/jpeg"));
        images.pipeInput(binaryCloudEvent("cielab", seed("tiff-cielab-red-blue-28x28.tif"), "image/tiff"));
        byte[] png = TestImages.greyPng(28, 28, 0);
        images.pipeInput(binaryCloudEvent("octet", png, "binary/octet-stream"));
        images.pipeInput(binaryCloudEvent("mislabelled", png, "image/jpeg"));

        // Then every one is scored, none dead-lettered
        assertThat(embeddings.readValuesToList()).extracting(v -> json(v).get("id").asText())
                .containsExactly("photo-48mp", "cmyk", "cielab", "octet", "mislabelled");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnInputDeclaredAsText() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "text/plain".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>(null, "hello".getBytes(StandardCharsets.UTF_8), headers));

        assertThat(header(deadLetters.readRecord(), Headers.ERROR_CLASS)).isEqualTo("unsupported-content-type");
        assertThat(embeddings.isEmpty()).isTrue();
    }

    @Test
    void shouldStampTheNewVersionOnEveryOutputAfterASwap() throws Exception {
        byte[] white = TestImages.greyPng(28, 28, 255);
        images.pipeInput(new TestRecord<>(null, white));
        rig.models.swap(TopologyRig.load("v2"));
        images.pipeInput(new TestRecord<>(null, white));

        List<String> anomalyVersions = anomalies.readValuesToList().stream()
                .map(v -> json(v).get("model_version").asText()).toList();
        List<String> embeddingVersions = embeddings.readValuesToList().stream()
                .map(v -> json(v).get("model_version").asText()).toList();
        assertThat(anomalyVersions).containsExactly("v1", "v2");
        assertThat(embeddingVersions).containsExactly("v1", "v2");
    }

    @Test
    void shouldCountWhatItDoes() {
        images.pipeInput(new TestRecord<>(null, TestImages.greyPng(28, 28, 255)));
        images.pipeInput(new TestRecord<>(null, TestImages.greyPng(28, 28, 0)));
        images.pipeInput(new TestRecord<>(null, new byte[] {1, 2, 3}));

        assertThat(rig.meters.get("latentwatch.images.consumed").counter().count()).isEqualTo(3);
        assertThat(rig.meters.get("latentwatch.images.scored").counter().count()).isEqualTo(2);
        assertThat(rig.meters.get("latentwatch.anomalies").counter().count()).isEqualTo(1);
        assertThat(rig.meters.get("latentwatch.inference.latency").timer().count()).isEqualTo(2);
        assertThat(rig.meters.get("latentwatch.model.info").tag("version", "v1").gauge().value()).isEqualTo(1);
    }

    private static TestRecord<byte[], byte[]> binaryCloudEvent(String id, byte[] image) {
        return binaryCloudEvent(id, image, "image/png");
    }

    private static TestRecord<byte[], byte[]> binaryCloudEvent(String id, byte[] image, String contentType) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "test.image".getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>(("key-" + id).getBytes(StandardCharsets.UTF_8), image, headers);
    }

    private byte[] seed(String name) throws java.io.IOException {
        try (java.io.InputStream in = getClass().getResourceAsStream("/io/latentwatch/image/InputPathFuzzTestInputs/"
                + name)) {
            assertThat(in).as("seed %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
