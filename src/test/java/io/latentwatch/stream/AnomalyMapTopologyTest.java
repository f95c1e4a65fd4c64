package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.Tuning;
import io.latentwatch.heatmap.AnomalyMapsTest;
import io.latentwatch.image.InputLimits;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.onnx.OnnxGraph;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import io.latentwatch.util.Json;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code detect --anomaly-maps}: where in the image each anomaly is, and only for anomalies. */
class AnomalyMapTopologyTest {
    private TopologyRig rig;

    @AfterEach
    void closeDriver() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void shouldAttachAMapOfWhereTheErrorIsToAnomaliesOnly() throws Exception {
        // Given a detector with anomaly maps, serving a model that reconstructs every image as black
        rig = rig(AnomalyMapSettings.ON);

        // When an image white on its left half only (an anomaly) and a black one (normal) are scored
        rig.images.pipeInput(record("half", leftHalfWhite()));
        rig.images.pipeInput(record("black", TestImages.greyPng(28, 28, 0)));

        // Then the anomaly carries a 28x28 map, hot on the left and cold on the right
        JsonNode anomaly = json(rig.anomalies.readValue());
        assertThat(anomaly.get("id").asText()).isEqualTo("half");
        BufferedImage map = AnomalyMapsTest.decode(Base64.getDecoder().decode(anomaly.get("anomaly_map").asText()));
        assertThat(map.getWidth()).isEqualTo(28);
        assertThat(map.getHeight()).isEqualTo(28);
        assertThat(AnomalyMapsTest.luminance(map.getRGB(3, 14))).isGreaterThan(AnomalyMapsTest.luminance(map.getRGB(24, 14)) + 0.3);
        // and the normal image, like every embedding record, has none
        assertThat(rig.anomalies.isEmpty()).isTrue();
        List<JsonNode> embeddings = rig.embeddings.readValuesToList().stream().map(AnomalyMapTopologyTest::json).toList();
        assertThat(embeddings).hasSize(2).allSatisfy(e -> assertThat(e.has("anomaly_map")).isFalse());
    }

    @Test
    void shouldAttachTheAnomalysOwnMapWhenItIsScoredInABatch() throws Exception {
        // Given a detector with anomaly maps scoring in batches of three, the detector's own way
        rig = new TopologyRig("maps-batch", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models,
                r.metrics, RecordBudget.KAFKA_DEFAULT, new Tuning(3, Duration.ofMillis(50), Duration.ofMillis(20)),
                2 * 1024 * 1024, AnomalyMapSettings.ON));

        // When a black image, one white on its left half (the anomaly) and a black one are scored together
        rig.images.pipeInput(record("black-1", TestImages.greyPng(28, 28, 0)));
        rig.images.pipeInput(record("half", leftHalfWhite()));
        rig.images.pipeInput(record("black-2", TestImages.greyPng(28, 28, 0)));

        // Then the anomaly's map is its own: hot on the left, cold on the right
        JsonNode anomaly = json(rig.anomalies.readValue());
        assertThat(anomaly.get("id").asText()).isEqualTo("half");
        BufferedImage map = AnomalyMapsTest.decode(Base64.getDecoder().decode(anomaly.get("anomaly_map").asText()));
        assertThat(AnomalyMapsTest.luminance(map.getRGB(3, 14))).isGreaterThan(AnomalyMapsTest.luminance(map.getRGB(24, 14)) + 0.3);
        assertThat(rig.embeddings.readValuesToList()).hasSize(3);
    }

    @Test
    void shouldLeaveTheMapOutByDefault() throws Exception {
        // Given a detector with the default settings
        rig = rig(AnomalyMapSettings.OFF);

        // When an anomaly is scored
        rig.images.pipeInput(record("white", TestImages.greyPng(28, 28, 255)));

        // Then its record has no map
        assertThat(json(rig.anomalies.readValue()).has("anomaly_map")).isFalse();
    }

    @Test
    void shouldShrinkAMapToTheByteLimit() throws Exception {
        // Given maps limited to fewer bytes than a 28x28 map may take
        rig = rig(new AnomalyMapSettings(true, 1200));

        // When an anomaly is scored
        rig.images.pipeInput(record("white", TestImages.greyPng(28, 28, 255)));

        // Then its map is smaller than the image and within the limit
        byte[] png = Base64.getDecoder().decode(json(rig.anomalies.readValue()).get("anomaly_map").asText());
        assertThat(png.length).isLessThanOrEqualTo(1200);
        assertThat(AnomalyMapsTest.decode(png).getWidth()).isLessThan(28);
    }

    @Test
    void shouldMakeMapsForAModelThatScoresWithItsOwnOutput() throws Exception {
        // Given a detector serving a model whose score is an output of its own (no reconstruction read to score)
        rig = new TopologyRig("maps-own-score", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models,
                r.metrics, RecordBudget.KAFKA_DEFAULT, Tuning.UNBATCHED, 2 * 1024 * 1024, AnomalyMapSettings.ON));
        rig.models.swap(OnnxAutoencoder.load(ownScoreModel(), "own-score", ModelOverrides.NONE, 1));

        // When an anomaly is scored
        rig.images.pipeInput(record("half", leftHalfWhite()));

        // Then its map was made from the reconstruction all the same
        BufferedImage map = AnomalyMapsTest.decode(Base64.getDecoder().decode(
                json(rig.anomalies.readValue()).get("anomaly_map").asText()));
        assertThat(AnomalyMapsTest.luminance(map.getRGB(3, 14))).isGreaterThan(AnomalyMapsTest.luminance(map.getRGB(24, 14)) + 0.3);
    }

    private static TopologyRig rig(AnomalyMapSettings maps) throws Exception {
        return new TopologyRig("maps-test", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models,
                r.metrics, RecordBudget.KAFKA_DEFAULT, Tuning.UNBATCHED, 2 * 1024 * 1024, maps));
    }

    /** The black-is-normal model with its MSE as an output of its own. */
    private static byte[] ownScoreModel() {
        return TestModels.scaling(1, 28, 28, 0f)
                .node("Sub", List.of("image", "reconstruction"), List.of("diff"))
                .node("Mul", List.of("diff", "diff"), List.of("squared"))
                .node("ReduceMean", List.of("squared"), List.of("score"), OnnxGraph.Attribute.ofInts("axes", 1, 2, 3),
                        OnnxGraph.Attribute.ofInt("keepdims", 0))
                .output("score", OnnxGraph.DYNAMIC)
                .metadata(MetadataKeys.NAME, "test")
                .metadata(MetadataKeys.VERSION, "own")
                .metadata(MetadataKeys.THRESHOLD, "0.2")
                .metadata(MetadataKeys.SCORE_FUNCTION, "output")
                .toBytes();
    }

    private static byte[] leftHalfWhite() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 14; x++) {
                image.getRaster().setSample(x, y, 0, 255);
            }
        }
        return TestImages.encode(image, "png");
    }

    private static TestRecord<byte[], byte[]> record(String key, byte[] png) {
        return new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), png);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
