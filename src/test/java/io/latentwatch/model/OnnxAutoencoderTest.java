package io.latentwatch.model;

import io.latentwatch.onnx.OnnxGraph;
import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnnxAutoencoderTest {

    @Test
    void shouldScoreByMeanSquaredReconstructionError() throws Exception {
        // Given a model that reconstructs x as 0.5x
        byte[] onnx = TestModels.scaling(1, 4, 4, 0.5f).toBytes();
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "test", new ModelOverrides(0.1, null, null), 1)) {
            InferenceBatch batch = model.newBatch(2);
            Arrays.fill(batch.pixels(), 0, 16, 1.0f);
            Arrays.fill(batch.pixels(), 16, 32, 0.2f);

            // When two images are scored in one call
            Scores scores = model.score(batch, 2);

            // Then each score is mean((x - 0.5x)^2) and the embedding is the channel mean
            assertThat(scores.scores()[0]).isCloseTo(0.25f, within(1e-6f));
            assertThat(scores.scores()[1]).isCloseTo(0.01f, within(1e-6f));
            assertThat(scores.embeddings()[0]).containsExactly(1.0f);
            assertThat(scores.embeddings()[1][0]).isCloseTo(0.2f, within(1e-6f));
        }
    }

    @Test
    void shouldScoreOneBatchWithModelsOfTheSameSizeButAnotherShape() throws Exception {
        // Given two models of 32x24 and 24x32 (the same number of floats) and one batch for both
        ModelOverrides overrides = new ModelOverrides(0.1, null, null);
        try (OnnxAutoencoder wide = OnnxAutoencoder.load(TestModels.scaling(1, 24, 32, 0.5f).toBytes(), "wide",
                overrides, 1);
             OnnxAutoencoder tall = OnnxAutoencoder.load(TestModels.scaling(1, 32, 24, 0.5f).toBytes(), "tall",
                     overrides, 1);
             InferenceBatch batch = wide.newBatch(1)) {
            Arrays.fill(batch.pixels(), 1.0f);

            // When each scores the batch in turn, as after a model swap
            float first = wide.score(batch, 1).scores()[0];
            float second = tall.score(batch, 1).scores()[0];

            // Then both score it, each with its own input shape
            assertThat(first).isCloseTo(0.25f, within(1e-6f));
            assertThat(second).isCloseTo(0.25f, within(1e-6f));
        }
    }

    @Test
    void shouldReadLatentwatchMetadata() throws Exception {
        // Given a model with latentwatch metadata
        byte[] onnx = TestModels.scaling(1, 28, 28, 0f)
                .metadata(MetadataKeys.NAME, "shoes")
                .metadata(MetadataKeys.VERSION, "v7")
                .metadata(MetadataKeys.THRESHOLD, "0.042")
                .metadata(MetadataKeys.NORMALIZATION, "symmetric")
                .metadata(MetadataKeys.SCORE_FUNCTION, "mae")
                .toBytes();

        // When it is loaded without overrides
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "test", ModelOverrides.NONE, 1)) {
            ModelInfo info = model.info();

            // Then the metadata drives the effective settings
            assertThat(info.name()).isEqualTo("shoes");
            assertThat(info.version()).isEqualTo("v7");
            assertThat(info.threshold()).isEqualTo(0.042);
            assertThat(info.normalization().spec()).isEqualTo("symmetric");
            assertThat(info.scoreFunction()).isEqualTo(ScoreFunction.MAE);
            assertThat(info.embeddingSize()).isEqualTo(1);
            assertThat(List.of(info.channels(), info.height(), info.width())).containsExactly(1, 28, 28);
        }
    }

    @Test
    void shouldLetTheCommandLineOverrideMetadata() throws Exception {
        byte[] onnx = TestModels.blackIsNormal("v1", 0.5);
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "test",
                new ModelOverrides(0.9, Normalization.parse("raw"), ScoreFunction.MAE), 1)) {
            assertThat(model.info().threshold()).isEqualTo(0.9);
            assertThat(model.info().normalization().spec()).isEqualTo("raw");
            assertThat(model.info().scoreFunction()).isEqualTo(ScoreFunction.MAE);
        }
    }

    @Test
    void shouldServeAModelWithoutMetadataWhenAThresholdIsGiven() throws Exception {
        // Given a model exported by a user, with no latentwatch metadata
        byte[] onnx = TestModels.scaling(3, 8, 8, 0.5f).toBytes();

        // When it is loaded with --threshold
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "user.onnx", new ModelOverrides(0.3, null, null), 1)) {
            // Then it gets a content-derived version and the default settings
            assertThat(model.info().version()).startsWith("sha256:").hasSize("sha256:".length() + 12);
            assertThat(model.info().name()).isEqualTo("default");
            assertThat(model.info().normalization()).isEqualTo(Normalization.UNIT);
            assertThat(model.info().channels()).isEqualTo(3);
        }
    }

    @Test
    void shouldRefuseAModelWithoutThresholdWhenNoneIsGiven() {
        byte[] onnx = TestModels.scaling(1, 8, 8, 1f).toBytes();
        assertThatThrownBy(() -> OnnxAutoencoder.load(onnx, "user.onnx", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("latentwatch.threshold")
                .hasMessageContaining("--threshold");
    }

    @Test
    void shouldRefuseBytesThatAreNotOnnx() {
        byte[] garbage = "definitely not a model".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OnnxAutoencoder.load(garbage, "topic models-0@3", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("not a valid ONNX model");
    }

    @Test
    void shouldRefuseAModelOutsideTheContract() {
        // Given a model whose input is a flat vector, not [N,C,H,W]
        byte[] flat = OnnxGraph.named("flat")
                .input("x", OnnxGraph.DYNAMIC, 784)
                .node("Identity", List.of("x"), List.of("reconstruction"))
                .output("reconstruction", OnnxGraph.DYNAMIC, 784)
                .metadata(MetadataKeys.THRESHOLD, "0.1")
                .toBytes();
        assertThatThrownBy(() -> OnnxAutoencoder.load(flat, "flat.onnx", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("[N,C,H,W]");
    }

    @Test
    void shouldRefuseAReconstructionOfTheWrongShape() {
        // Given a model whose "reconstruction" is the per-channel mean
        byte[] wrong = OnnxGraph.named("wrong")
                .input("x", OnnxGraph.DYNAMIC, 1, 8, 8)
                .node("ReduceMean", List.of("x"), List.of("reconstruction"),
                        OnnxGraph.Attribute.ofInts("axes", 2, 3), OnnxGraph.Attribute.ofInt("keepdims", 0))
                .output("reconstruction", OnnxGraph.DYNAMIC, 1)
                .metadata(MetadataKeys.THRESHOLD, "0.1")
                .toBytes();
        assertThatThrownBy(() -> OnnxAutoencoder.load(wrong, "wrong.onnx", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("input's shape");
    }

    @Test
    void shouldRefuseAnIdentityModelThatGivesEveryImageTheSameScore() {
        // Given a model that reconstructs every input perfectly, as a wrongly exported graph might
        byte[] identity = TestModels.scaling(3, 64, 64, 1f).metadata(MetadataKeys.THRESHOLD, "0.01").toBytes();

        // When it is loaded, Then it is refused as degenerate: it could never flag anything
        assertThatThrownBy(() -> OnnxAutoencoder.load(identity, "identity.onnx", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("same score")
                .extracting(e -> ((ModelRefusedException) e).reason())
                .isEqualTo(ModelRefusedException.Reason.DEGENERATE);
    }

    @Test
    void shouldRefuseAModelWhoseScoreIsNotFinite() {
        // Given a model whose reconstruction is the input divided by zero
        byte[] infinite = TestModels.scaling(1, 28, 28, Float.POSITIVE_INFINITY)
                .metadata(MetadataKeys.THRESHOLD, "0.01").toBytes();

        // When it is loaded, Then it is refused
        assertThatThrownBy(() -> OnnxAutoencoder.load(infinite, "inf.onnx", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("non-finite")
                .extracting(e -> ((ModelRefusedException) e).reason())
                .isEqualTo(ModelRefusedException.Reason.DEGENERATE);
    }
}
