package io.latentwatch.viz;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.heatmap.AnomalyMapsTest;
import io.latentwatch.heatmap.ImageShape;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;
import io.latentwatch.produce.Png;
import io.latentwatch.testing.CliRun;
import io.latentwatch.train.DecoderExport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code explain}, {@code generate} and {@code latent-map} on models that {@code train} wrote from the bundled sample. */
class PictureCommandsTest {
    private static final String SAMPLE = "data/fashion-mnist-sample";
    @TempDir
    static Path dir;
    private static Path vae;
    private static Path ae;
    private static OnnxAutoencoder vaeModel;
    private static OnnxAutoencoder aeModel;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void trainTinyModels() throws Exception {
        // Two epochs on the ~900 shoe images of the sample: enough to reconstruct shoes better than anything else.
        vae = dir.resolve("vae.onnx");
        ae = dir.resolve("ae.onnx");
        CliRun v = run("train", "--idx", SAMPLE, "--normal-classes", "5,7,9", "--model-type", "vae", "--latent-size", "2",
                "--epochs", "2", "--filters", "4", "--output", vae.toString());
        assertThat(v.exitCode()).as(v.err()).isZero();
        assertThat(v.err()).contains("wrote " + DecoderExport.fileOf(vae) + " (VAE decoder");
        CliRun a = run("train", "--idx", SAMPLE, "--normal-classes", "5,7,9", "--latent-size", "8", "--epochs", "2",
                "--filters", "4", "--output", ae.toString());
        assertThat(a.exitCode()).as(a.err()).isZero();
        vaeModel = load(vae);
        aeModel = load(ae);
    }

    @AfterAll
    static void closeModels() {
        if (vaeModel != null) {
            vaeModel.close();
        }
        if (aeModel != null) {
            aeModel.close();
        }
    }

    @Test
    void shouldWriteADecoderThatIsTheVaesOwnDecoderAndNoneForAPlainAutoencoder() throws Exception {
        // Given test images and the VAE's z_mean of them
        float[] images = shoes(Split.TEST, 8);
        InferenceBatch batch = vaeModel.newBatch(8);
        System.arraycopy(images, 0, batch.pixels(), 0, images.length);
        Scores scores = vaeModel.scoreAndReconstruct(batch, 8);
        float[] z = new float[8 * 2];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(scores.embeddings()[i], 0, z, 2 * i, 2);
        }

        // When the decoder file decodes those latent vectors
        float[] decoded;
        try (VaeDecoder decoder = VaeDecoder.load(Files.readAllBytes(DecoderExport.fileOf(vae)), "decoder")) {
            decoded = decoder.decode(z);
            assertThat(decoder.decoderOf()).isEqualTo(vaeModel.info().version());
        }

        // Then it gives the full model's reconstructions, and the plain autoencoder got no decoder file
        float[] reconstructions = batch.reconstructions();
        for (int i = 0; i < decoded.length; i++) {
            assertThat(decoded[i]).isCloseTo(reconstructions[i], within(1e-5f));
        }
        assertThat(DecoderExport.fileOf(ae)).doesNotExist();
    }

    @Test
    void shouldGenerateImagesThatTheVaeReconstructsFarBetterThanNoise() throws Exception {
        // Given the VAE and its decoder
        Path grid = dir.resolve("grid.png");

        // When 16 images are generated with seed 5
        CliRun run = run("generate", "--model", vae.toString(), "--count", "16", "--seed", "5", "--output", grid.toString());

        // Then the grid is a 4x4 PNG of 56-pixel cells under a title
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + grid, "16 images from 2-D latent vectors");
        BufferedImage picture = AnomalyMapsTest.decode(Files.readAllBytes(grid));
        BufferedImage expected = ImageGrid.draw(new float[16 * 784], 16, ImageShape.of(vaeModel.info()), 4, 2,
                "16 images decoded from z ~ N(0, I), seed 5");
        assertThat(picture.getWidth()).isEqualTo(expected.getWidth());
        assertThat(picture.getHeight()).isEqualTo(expected.getHeight());
        // and the images drawn are neither blank nor noise: they differ from each other, and the full VAE
        // reconstructs them (images of its own kind) with a fraction of the error it makes on noise
        float[] generated;
        try (VaeDecoder decoder = VaeDecoder.load(Files.readAllBytes(DecoderExport.fileOf(vae)), "decoder")) {
            generated = decoder.decode(decoder.sampleLatents(16, 5));
        }
        assertThat(meanAbsDifference(generated, 0, 784, 784)).isGreaterThan(0.01);
        float[] noise = new float[16 * 784];
        Random random = new Random(9);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextFloat();
        }
        assertThat(meanScore(vaeModel, generated)).isLessThan(0.5 * meanScore(vaeModel, noise));
    }

    @Test
    void shouldRefuseToGenerateFromAModelThatIsNotAVae() {
        // Given a plain autoencoder
        // When generate is asked to sample it
        CliRun run = run("generate", "--model", ae.toString(), "--output", dir.resolve("no.png").toString());

        // Then it refuses with a usage error that says why and what to do
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is not a VAE", "--model-type vae");
        assertThat(dir.resolve("no.png")).doesNotExist();
    }

    @Test
    void shouldRefuseAMissingOrStaleDecoderAndBadFlags() throws Exception {
        // Given a VAE of another version (the same graph, its version changed) with no decoder next to it
        OnnxMl.ModelProto.Builder proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(vae)).toBuilder();
        for (int i = 0; i < proto.getMetadataPropsCount(); i++) {
            if (proto.getMetadataProps(i).getKey().equals(MetadataKeys.VERSION)) {
                proto.setMetadataProps(i, proto.getMetadataProps(i).toBuilder().setValue("other-version"));
            }
        }
        Path other = dir.resolve("other.onnx");
        Files.write(other, proto.build().toByteArray());
        String output = dir.resolve("never.png").toString();

        // When generate runs on it without a decoder, with the first VAE's decoder, and with a bad count
        CliRun missing = run("generate", "--model", other.toString(), "--output", output);
        CliRun stale = run("generate", "--model", other.toString(), "--decoder", DecoderExport.fileOf(vae).toString(),
                "--output", output);
        CliRun badCount = run("generate", "--model", vae.toString(), "--count", "0", "--output", output);

        // Then each is a usage error that says what is wrong, and nothing is written
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("has no decoder next to it", "other.decoder.onnx");
        assertThat(stale.exitCode()).isEqualTo(2);
        assertThat(stale.err()).contains("is the decoder of model version " + vaeModel.info().version(),
                "other-version");
        assertThat(badCount.exitCode()).isEqualTo(2);
        assertThat(badCount.err()).contains("--count must be 1..1024");
        assertThat(Path.of(output)).doesNotExist();
    }

    @Test
    void shouldExplainAnImageWithTheHeatmapBrightWhereAnAnomalyWasPasted() throws Exception {
        // Given a test sneaker with a white 8x8 square pasted into its empty top-left corner
        IdxDataset shoes = IdxDataset.load(Path.of(SAMPLE), Split.TEST).withLabels(LabelSet.of(7));
        byte[] pixels = shoes.image(0);
        for (int y = 1; y < 9; y++) {
            for (int x = 1; x < 9; x++) {
                pixels[y * 28 + x] = (byte) 255;
            }
        }
        Path image = dir.resolve("pasted.png");
        Files.write(image, Png.grey(pixels, 28, 28));
        Path output = dir.resolve("explain.png");
        Path heatmap = dir.resolve("heat.png");

        // When it is explained
        CliRun run = run("explain", "--model", ae.toString(), "--image", image.toString(), "--output", output.toString(),
                "--heatmap", heatmap.toString());

        // Then the picture has the three panels' size and the bare heatmap the model input's
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + output, "score ", "threshold ");
        ImageShape shape = ImageShape.of(aeModel.info());
        Rectangle heat = ExplainPicture.panel(shape, 2);
        BufferedImage picture = AnomalyMapsTest.decode(Files.readAllBytes(output));
        assertThat(picture.getWidth()).isEqualTo(heat.x + heat.width + 16);
        BufferedImage map = AnomalyMapsTest.decode(Files.readAllBytes(heatmap));
        assertThat(map.getWidth()).isEqualTo(28);
        assertThat(map.getHeight()).isEqualTo(28);
        // and both heatmaps are far brighter on the pasted square than elsewhere
        assertThat(meanLuminance(map, 1, 1, 8, 8, 1, 0, 0)).isGreaterThan(2 * meanLuminance(map, 0, 0, 28, 28, 1, 0, 0));
        int s = ExplainPicture.scale(shape);
        assertThat(meanLuminance(picture, 1, 1, 8, 8, s, heat.x, heat.y))
                .isGreaterThan(2 * meanLuminance(picture, 0, 0, 28, 28, s, heat.x, heat.y));
        // and the pasted square is where the error is
        Explanation explanation = Explanation.of(aeModel, new ModelInputs(aeModel.info()).of(Files.readAllBytes(image)));
        assertThat(explanation.meanError(1, 1, 8, 8)).isGreaterThan(3 * explanation.meanError(12, 0, 16, 28));
    }

    @Test
    void shouldExplainAnImageOfAnIdxSetAndRefuseTwoImages() {
        // Given an IDX set
        Path output = dir.resolve("idx.png");

        // When image 3 of its test split is explained, and then both an image file and an IDX image are given
        CliRun ok = run("explain", "--model", vae.toString(), "--idx", SAMPLE, "--index", "3", "--output", output.toString());
        CliRun both = run("explain", "--model", vae.toString(), "--idx", SAMPLE, "--image", output.toString(),
                "--output", output.toString());

        // Then the first writes a picture and the second is a usage error
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(output).isNotEmptyFile();
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give exactly one image");
    }

    @Test
    void shouldPlotATwoDimensionalLatentSpaceAsItIsColouredByClass() throws IOException {
        // Given the VAE with a 2-D latent space
        Path map = dir.resolve("map2.png");

        // When its latent map of 500 test images is drawn
        CliRun run = run("latent-map", "--model", vae.toString(), "--idx", SAMPLE, "--count", "500", "--output",
                map.toString());

        // Then the title says it is the latent space itself, and every class has its coloured dots
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("latent space (2-D), 500 test images");
        assertClassColours(AnomalyMapsTest.decode(Files.readAllBytes(map)));
    }

    @Test
    void shouldPlotALargerLatentSpaceByItsPrincipalComponents() throws IOException {
        // Given the autoencoder with an 8-D latent space
        Path map = dir.resolve("map8.png");

        // When its latent map is drawn
        CliRun run = run("latent-map", "--model", ae.toString(), "--idx", SAMPLE, "--count", "500", "--output",
                map.toString());

        // Then the title says it is a PCA projection
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("PCA of the 8-D latent space, 500 test images");
        assertClassColours(AnomalyMapsTest.decode(Files.readAllBytes(map)));
    }

    private static void assertClassColours(BufferedImage picture) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                colours.add(picture.getRGB(x, y) & 0xFFFFFF);
            }
        }
        for (int label = 0; label < 10; label++) {
            assertThat(colours).as("colour of class %d", label).contains(ScatterPlot.colour(label));
        }
        assertThat(picture.getWidth()).isGreaterThan(600);
    }

    private static OnnxAutoencoder load(Path model) throws Exception {
        return OnnxAutoencoder.load(Files.readAllBytes(model), model.toString(), ModelOverrides.NONE, 1);
    }

    private static float[] shoes(Split split, int count) throws IOException {
        IdxDataset data = IdxDataset.load(Path.of(SAMPLE), split).withLabels(LabelSet.of(5, 7, 9));
        return data.select(new int[] {0, 1, 2, 3, 4, 5, 6, 7}).toImages(vaeModel.info().normalization())
                .range(0, count).pixels();
    }

    private static double meanScore(OnnxAutoencoder model, float[] images) throws OrtException {
        int n = images.length / 784;
        InferenceBatch batch = model.newBatch(n);
        System.arraycopy(images, 0, batch.pixels(), 0, images.length);
        double sum = 0;
        for (float s : model.score(batch, n).scores()) {
            sum += s;
        }
        return sum / n;
    }

    /** Mean absolute difference between consecutive images: 0 when all are the same. */
    private static double meanAbsDifference(float[] images, int from, int step, int size) {
        int n = images.length / size;
        double sum = 0;
        for (int i = 1; i < n; i++) {
            for (int p = 0; p < size; p++) {
                sum += Math.abs(images[from + i * step + p] - images[from + (i - 1) * step + p]);
            }
        }
        return sum / ((double) (n - 1) * size);
    }

    private static double meanLuminance(BufferedImage image, int x, int y, int w, int h, int scale, int left, int top) {
        double sum = 0;
        for (int py = y * scale; py < (y + h) * scale; py++) {
            for (int px = x * scale; px < (x + w) * scale; px++) {
                sum += AnomalyMapsTest.luminance(image.getRGB(left + px, top + py));
            }
        }
        return sum / ((double) w * h * scale * scale);
    }
}
