package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.Tuning;
import io.latentwatch.image.InputLimits;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestModels;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A challenger scored in the shadow of the serving model "v1" (black is normal, white scores 1,
 * threshold 0.5): its verdict rides along in the outputs, and no decision changes.
 */
class ShadowScoringTopologyTest {
    private TopologyRig rig;

    @BeforeEach
    void startDriver() throws Exception {
        rig = new TopologyRig("shadow-test", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models,
                r.metrics));
    }

    @AfterEach
    void closeDriver() {
        rig.close();
    }

    @Test
    void shouldCarryTheChallengersVerdictWithoutChangingAnyDecision() throws Exception {
        // Given a challenger that reconstructs at half strength (scores a quarter of what v1 does) and flags from 0.05
        rig.models.challenger().swap(challenger("c1", 0.5f, 0.05, "unit", 28));

        // When a black, a mid-grey and a white image arrive
        send("black", 0);
        send("grey", 150);
        send("white", 255);

        // Then the serving model's decisions are as without a challenger: only white is an anomaly
        List<JsonNode> embeddings = rig.embeddings.readValuesToList().stream().map(ShadowScoringTopologyTest::json).toList();
        assertThat(embeddings).extracting(e -> e.get("anomaly").asBoolean()).containsExactly(false, false, true);
        assertThat(embeddings).extracting(e -> e.get("model_version").asText()).containsOnly("v1");
        List<JsonNode> anomalies = rig.anomalies.readValuesToList().stream().map(ShadowScoringTopologyTest::json).toList();
        assertThat(anomalies).extracting(a -> a.get("id").asText()).containsExactly("white");
        // and each record carries the challenger's own score, threshold and flag
        JsonNode grey = embeddings.get(1).get("challenger");
        assertThat(grey.get("model_version").asText()).isEqualTo("c1");
        assertThat(grey.get("score").asDouble()).isCloseTo(0.25 * Math.pow(150 / 255.0, 2), within(1e-6));
        assertThat(grey.get("threshold").asDouble()).isEqualTo(0.05);
        assertThat(grey.get("anomaly").asBoolean()).isTrue();
        assertThat(embeddings.get(0).get("challenger").get("anomaly").asBoolean()).isFalse();
        assertThat(anomalies.get(0).get("challenger").get("score").asDouble()).isCloseTo(0.25, within(1e-6));
        // and the comparison is counted by outcome
        assertThat(comparisons("neither")).isEqualTo(1);
        assertThat(comparisons("challenger-only")).isEqualTo(1);
        assertThat(comparisons("both")).isEqualTo(1);
        assertThat(comparisons("champion-only")).isZero();
        assertThat(rig.meters.get("latentwatch.challenger.info").tag("version", "c1").gauge().value()).isEqualTo(1);
    }

    @Test
    void shouldFeedAChallengerOfAnotherNormalisationItsOwnPixelScale() throws Exception {
        // Given a challenger with symmetric normalisation (p/127.5 - 1): black is -1 to it, not 0
        rig.models.challenger().swap(challenger("sym", 0.5f, 0.2, "symmetric", 28));

        // When a black image arrives
        send("black", 0);

        // Then the serving model scores it 0 and the challenger (0.5 * -1)^2 = 0.25
        JsonNode e = json(rig.embeddings.readValue());
        assertThat(e.get("score").asDouble()).isZero();
        assertThat(e.get("challenger").get("score").asDouble()).isCloseTo(0.25, within(1e-6));
        assertThat(e.get("challenger").get("anomaly").asBoolean()).isTrue();
    }

    @Test
    void shouldDropTheChallengerFieldOnceTheChallengerIsWithdrawn() throws Exception {
        // Given a challenger that scored one record
        rig.models.challenger().swap(challenger("c1", 0.5f, 0.05, "unit", 28));
        send("first", 255);
        assertThat(json(rig.embeddings.readValue()).has("challenger")).isTrue();

        // When it is withdrawn
        rig.models.challenger().clear();
        send("second", 255);

        // Then the next records have no challenger field, and its meters say none is loaded
        assertThat(json(rig.embeddings.readValue()).has("challenger")).isFalse();
        assertThat(rig.meters.get("latentwatch.challenger.loaded").gauge().value()).isZero();
        assertThat(rig.meters.find("latentwatch.challenger.info").gauges()).isEmpty();
    }

    @Test
    void shouldServeWithoutAVerdictAndCountAFailureWhenTheChallengerCannotScore() throws Exception {
        // Given a challenger for 32x32 images next to the 28x28 serving model (as after --allow-input-change)
        rig.models.challenger().swap(challenger("wide", 0.5f, 0.05, "unit", 32));

        // When an image arrives
        send("white", 255);

        // Then it is served as ever, without a challenger field, and the failure is counted
        JsonNode e = json(rig.embeddings.readValue());
        assertThat(e.get("anomaly").asBoolean()).isTrue();
        assertThat(e.has("challenger")).isFalse();
        assertThat(rig.anomalies.readValuesToList()).hasSize(1);
        assertThat(comparisons("failed")).isEqualTo(1);
        assertThat(rig.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldGiveEachRecordOfABatchItsOwnVerdict() throws Exception {
        // Given a detector scoring batches of 4, with a challenger
        rig.close();
        rig = new TopologyRig("shadow-batch-test", r -> DetectorTopology.build(r.topics, InputLimits.DEFAULT, r.models,
                r.metrics, RecordBudget.KAFKA_DEFAULT, new Tuning(4, Duration.ofMillis(50), Duration.ofMillis(20)),
                2 * 1024 * 1024, AnomalyMapSettings.OFF));
        rig.models.challenger().swap(challenger("c1", 0.5f, 0.05, "unit", 28));

        // When four images of different greys fill a batch
        int[] greys = {0, 100, 200, 255};
        for (int grey : greys) {
            send("g" + grey, grey);
        }

        // Then each record carries the challenger's score of its own image, in order
        List<JsonNode> embeddings = rig.embeddings.readValuesToList().stream().map(ShadowScoringTopologyTest::json)
                .toList();
        assertThat(embeddings).hasSize(4);
        for (int i = 0; i < greys.length; i++) {
            double champion = Math.pow(greys[i] / 255.0, 2);
            assertThat(embeddings.get(i).get("id").asText()).isEqualTo("g" + greys[i]);
            assertThat(embeddings.get(i).get("score").asDouble()).isCloseTo(champion, within(1e-6));
            assertThat(embeddings.get(i).get("challenger").get("score").asDouble()).isCloseTo(0.25 * champion,
                    within(1e-6));
        }
    }

    @Test
    void shouldMapPixelsBetweenNormalisationsExactly() {
        // Given the input of a unit-normalised model: pixels 0, 51 and 255
        Normalization unit = Normalization.UNIT;
        Normalization symmetric = Normalization.parse("symmetric");
        float[] from = {unit.apply(0), unit.apply(51), unit.apply(255)};
        float[] to = new float[3];

        // When it is mapped for a symmetric model
        ShadowScorer.copy(from, to, 3, unit, symmetric);

        // Then each pixel is what the symmetric model's own preprocessing gives
        assertThat(to[0]).isCloseTo(symmetric.apply(0), within(1e-6f));
        assertThat(to[1]).isCloseTo(symmetric.apply(51), within(1e-6f));
        assertThat(to[2]).isCloseTo(symmetric.apply(255), within(1e-6f));
    }

    private double comparisons(String outcome) {
        return rig.meters.get("latentwatch.challenger.comparisons").tag("outcome", outcome).counter().count();
    }

    private void send(String key, int grey) {
        rig.images.pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), TestImages.greyPng(28, 28, grey)));
    }

    /** reconstruction = factor * input, so an image scores (1 - factor)^2 times its mean square input. */
    static OnnxAutoencoder challenger(String version, float factor, double threshold, String normalization, int size)
            throws ModelRefusedException {
        byte[] onnx = TestModels.scaling(1, size, size, factor)
                .metadata(MetadataKeys.NAME, "test")
                .metadata(MetadataKeys.VERSION, version)
                .metadata(MetadataKeys.THRESHOLD, Double.toString(threshold))
                .metadata(MetadataKeys.NORMALIZATION, normalization)
                .toBytes();
        return OnnxAutoencoder.load(onnx, version, ModelOverrides.NONE, 1);
    }

    private static JsonNode json(byte[] value) {
        try {
            return io.latentwatch.util.Json.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
