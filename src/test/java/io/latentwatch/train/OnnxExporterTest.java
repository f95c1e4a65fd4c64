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
