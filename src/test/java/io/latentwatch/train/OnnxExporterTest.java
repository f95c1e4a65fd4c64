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
        // Given models exported with the blurred error combined with the pixel kNN term, its bank
        // from 200 training images (edges with 50 k-means centres, pixels with every image, and
        // edges with window maxima less each centre's radius) and its weight from 64 held-out ones
        for (PixelKnn.Recipe recipe : new PixelKnn.Recipe[] {new PixelKnn.Recipe(5, PixelKnn.Features.EDGES, 50, 4),
                new PixelKnn.Recipe(5, PixelKnn.Features.PIXELS, 0, 1),
                new PixelKnn.Recipe(5, PixelKnn.Features.EDGES_MAX, 50, 4, 1)}) {
            // Then ONNX Runtime's score of held-out and training images is the trainer's
            assertThat(maxRelativeDifference(trained, images.range(0, 200), images.range(200, 264), recipe))
                    .isLessThan(1e-4);
        }
    }

    @Test
    void shouldComputeTheEdgesOfEveryChannelInTheGraph() {
        // Given a 3-channel model (red the image, green its negative, blue its square) and the
        // default recipe with 20 centres
        Images colour = colour(images.range(0, 130));
        TrainingResult rgb = new AutoencoderTrainer(TrainingFixtures.quick(ModelType.AE, 1, 0f),
                new PrintWriter(new StringWriter())).train(colour.range(0, 100), colour.range(100, 130));

        // Then ONNX Runtime's score is the trainer's, channel by channel, and its reconstruction
        // DJL's (the three-filter output layer is exported as a transposed convolution)
        assertThat(maxRelativeDifference(rgb, colour.range(0, 100), colour.range(100, 130),
                new PixelKnn.Recipe(5, PixelKnn.Features.EDGES, 20, 4))).isLessThan(1e-4);
        assertThat(maxRelativeDifference(rgb, colour.range(0, 100), colour.range(100, 130),
                new PixelKnn.Recipe(5, PixelKnn.Features.EDGES_MAX, 20, 4, 1))).isLessThan(1e-4);
        assertThat(ExportCheck.verify(OnnxExporter.export(rgb.weights(), Map.of()), rgb))
                .isLessThanOrEqualTo(ExportCheck.TOLERANCE);
    }

    /**
     * Exports {@code network} with the term built from {@code bank} and weighed on {@code heldOut},
     * scores the held-out images and four bank images with ONNX Runtime, and returns the largest
     * relative difference from the Java computation (which the trainer's check must accept too).
     */
    private static double maxRelativeDifference(TrainingResult network, Images bank, Images heldOut,
                                                PixelKnn.Recipe recipe) {
        float[] heldOutBlur = ExportedScores.of(network.weights(), 3, heldOut);
        PixelKnn knn = PixelKnn.fit(bank, heldOut, heldOutBlur, recipe, 1);
        byte[] onnx = OnnxExporter.export(network.weights(), 3, knn, Map.of());
        Images scored = heldOut.concat(bank.range(0, 4));
        float[] scores = ExportedScores.of(onnx, scored);
        float[] blur = ExportedScores.of(network.weights(), 3, scored);
        double[] expected = knn.combined(blur, knn.distances(scored));
        double worst = 0;
        for (int i = 0; i < scored.count(); i++) {
            worst = Math.max(worst, Math.abs(scores[i] - expected[i]) / expected[i]);
        }
        assertThat(ExportCheck.verifyScores(onnx, scored, expected)).isLessThan(1e-4);
        return worst;
    }

    /** Three-channel images: each grey image, its negative and its square. */
    private static Images colour(Images grey) {
        int plane = grey.height() * grey.width();
        float[] pixels = new float[grey.count() * 3 * plane];
        for (int i = 0; i < grey.count(); i++) {
            for (int p = 0; p < plane; p++) {
                float v = grey.pixels()[i * plane + p];
                pixels[(i * 3) * plane + p] = v;
                pixels[(i * 3 + 1) * plane + p] = 1 - v;
                pixels[(i * 3 + 2) * plane + p] = v * v;
            }
        }
        return new Images(pixels, grey.count(), 3, grey.height(), grey.width());
    }

    @Test
    void shouldRefuseAnExportWhoseScoreDiffersFromTheTrainers() {
        // Given the expected scores of a model, and a model whose score is something else
        Images heldOut = images.range(200, 264);
        float[] heldOutBlur = ExportedScores.of(trained.weights(), 3, heldOut);
        PixelKnn knn = PixelKnn.fit(images.range(0, 200), heldOut, heldOutBlur, PixelKnn.Recipe.DEFAULT, 1);
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
