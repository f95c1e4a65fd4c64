package io.latentwatch.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.latentwatch.data.Images;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnnxExporterTest {
    private static TrainingResult trained;
    private static Images images;

    @BeforeAll
    static void trainBriefly() {
        images = TrainingFixtures.trainImages(0);
        trained = new AutoencoderTrainer(TrainingFixtures.quick(ModelType.AE, 1, 0f), new PrintWriter(new StringWriter()))
                .train(images.range(0, 200), images.range(200, 264));
    }

    @Test
    void shouldComputeTheBlurredErrorScoreInTheGraph() throws Exception {
        // Given a model exported with a 3x3 blurred-error score output
        Map<String, String> metadata = Map.of(MetadataKeys.THRESHOLD, "0.5", MetadataKeys.SCORE_FUNCTION, "output");
        byte[] onnx = OnnxExporter.export(trained.weights(), 3, metadata);

        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "test", ModelOverrides.NONE, 1)) {
            // When the detector's scorer scores four images
            float[] x = images.range(0, 4).pixels();
            float[] scores = score(model, x).scores();
            float[] reconstruction = reconstruct(onnx, x);

            // Then each score is the mean square of the box-blurred reconstruction error
            for (int i = 0; i < 4; i++) {
                assertThat((double) scores[i]).isCloseTo(blurredMse(x, reconstruction, i * 784), within(1e-6));
            }
        }
    }

    @Test
    void shouldComputeThePixelKnnScoreInTheGraphAsTheTrainerDoes() throws Exception {
        // Given a model exported with the blurred error combined with the pixel kNN term, its bank
        // from 200 training images and its weight from 64 held-out ones
        Images bank = images.range(0, 200);
        Images heldOut = images.range(200, 264);
        float[] heldOutBlur = ExportedScores.of(trained.weights(), 3, heldOut);
        PixelKnn knn = PixelKnn.fit(bank, heldOut, heldOutBlur, 5, 1);
        byte[] onnx = OnnxExporter.export(trained.weights(), 3, knn, Map.of());

        // When ONNX Runtime scores the held-out images and four training images with it
        Images scored = heldOut.concat(images.range(0, 4));
        float[] scores = ExportedScores.of(onnx, scored);
        float[] blur = ExportedScores.of(trained.weights(), 3, scored);

        // Then each score is the Java computation of the same term, to 1e-4 relative, and the
        // trainer's check accepts the export
        double[] distances = knn.distances(scored);
        for (int i = 0; i < scored.count(); i++) {
            double expected = knn.combine(blur[i], distances[i]);
            assertThat((double) scores[i]).isCloseTo(expected, within(1e-4 * expected));
        }
        assertThat(ExportCheck.verifyScores(onnx, scored, knn.combined(blur, distances))).isLessThan(1e-4);
    }

    @Test
    void shouldRefuseAnExportWhoseScoreDiffersFromTheTrainers() {
        // Given the expected scores of a model, and a model whose score is something else
        Images heldOut = images.range(200, 264);
        float[] heldOutBlur = ExportedScores.of(trained.weights(), 3, heldOut);
        PixelKnn knn = PixelKnn.fit(images.range(0, 200), heldOut, heldOutBlur, 5, 1);
        double[] expected = knn.combined(heldOutBlur, knn.distances(heldOut));
        byte[] blurOnly = OnnxExporter.export(trained.weights(), 3, Map.of());

        // When the check compares them, then it refuses with the difference
        assertThatThrownBy(() -> ExportCheck.verifyScores(blurOnly, heldOut, expected))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("score differs from the trainer's");
    }

    @Test
    void shouldRefuseAModelThatPromisesAScoreOutputItLacks() {
        byte[] onnx = OnnxExporter.export(trained.weights(), 1,
                Map.of(MetadataKeys.THRESHOLD, "0.5", MetadataKeys.SCORE_FUNCTION, "output"));
        assertThatThrownBy(() -> OnnxAutoencoder.load(onnx, "test", ModelOverrides.NONE, 1))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("no output named 'score'");
    }

    private static Scores score(OnnxAutoencoder model, float[] pixels) throws OrtException {
        InferenceBatch batch = model.newBatch(4);
        System.arraycopy(pixels, 0, batch.pixels(), 0, pixels.length);
        return model.score(batch, 4);
    }

    private static float[] reconstruct(byte[] onnx, float[] pixels) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {4, 1, 28, 28});
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            FloatBuffer out = ((OnnxTensor) result.get(OnnxAutoencoder.RECONSTRUCTION).orElseThrow()).getFloatBuffer();
            float[] reconstruction = new float[out.remaining()];
            out.get(reconstruction);
            return reconstruction;
        }
    }

    private static double blurredMse(float[] x, float[] r, int offset) {
        double sum = 0;
        for (int y = 0; y < 28; y++) {
            for (int col = 0; col < 28; col++) {
                double blurred = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = col + dx;
                        if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28) {
                            blurred += x[offset + yy * 28 + xx] - r[offset + yy * 28 + xx];
                        }
                    }
                }
                blurred /= 9;
                sum += blurred * blurred;
            }
        }
        return sum / 784;
    }
}
