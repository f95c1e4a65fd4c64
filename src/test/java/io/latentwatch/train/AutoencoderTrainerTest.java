package io.latentwatch.train;

import io.latentwatch.data.Images;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AutoencoderTrainerTest {

    @Test
    void shouldLearnAndExportAnOnnxModelThatMatchesDjl() {
        // Given sandals, sneakers and ankle boots from the bundled sample
        Images images = TrainingFixtures.trainImages(5, 7, 9);
        Images train = images.range(0, 700);
        Images validation = images.range(700, images.count());
        StringWriter log = new StringWriter();

        // When a short run trains and exports the network
        TrainingResult result = new AutoencoderTrainer(TrainingFixtures.quick(ModelType.AE, 4, 0f),
                new PrintWriter(log, true)).train(train, validation);
        byte[] onnx = OnnxExporter.export(result.weights(), Map.of());

        // Then the validation loss falls, every epoch printed a line, and ONNX Runtime agrees with DJL
        assertThat(result.history()).hasSize(4);
        assertThat(result.bestValidationLoss()).isLessThan(result.history().get(0).validationLoss() * 0.9);
        assertThat(log.toString().lines())
                .hasSize(4)
                .allSatisfy(line -> assertThat(line).contains("val loss", "img/s", "time left"));
        assertThat(ExportCheck.verify(onnx, result)).isLessThanOrEqualTo(ExportCheck.TOLERANCE);
    }

    @Test
    void shouldTrainAndExportAVariationalAutoencoder() {
        // Given trousers from the bundled sample
        Images images = TrainingFixtures.trainImages(1);

        // When a VAE trains briefly
        TrainingResult result = new AutoencoderTrainer(TrainingFixtures.quick(ModelType.VAE, 2, 0f),
                new PrintWriter(new StringWriter()))
                .train(images.range(0, 250), images.range(250, 300));

        // Then its export (decoding z = z_mean) matches DJL's inference pass
        assertThat(ExportCheck.verify(OnnxExporter.export(result.weights(), Map.of()), result))
                .isLessThanOrEqualTo(ExportCheck.TOLERANCE);
        assertThat(result.weights().tensors()).containsKey("z_mean.weight");
    }

    @Test
    void shouldTrainADenoisingAutoencoderReproduciblyFromItsSeed() {
        // Given bags from the bundled sample and a seeded denoising recipe
        Images images = TrainingFixtures.trainImages(8);
        Hyperparameters hp = TrainingFixtures.quick(ModelType.AE, 2, 0.2f);
        PrintWriter quiet = new PrintWriter(new StringWriter());

        // When it trains twice with the same seed
        TrainingResult first = new AutoencoderTrainer(hp, quiet).train(images.range(0, 250), images.range(250, 300));
        TrainingResult second = new AutoencoderTrainer(hp, quiet).train(images.range(0, 250), images.range(250, 300));

        // Then both runs end with the same validation loss, and the export matches DJL
        assertThat(second.bestValidationLoss()).isEqualTo(first.bestValidationLoss());
        assertThat(ExportCheck.verify(OnnxExporter.export(first.weights(), Map.of()), first))
                .isLessThanOrEqualTo(ExportCheck.TOLERANCE);
    }

    @Test
    void shouldReconstructImagesLikeTheNegativesWorseThanAPlainRunDoes() {
        // Given shoes to learn, 30 T-shirts to push away and 100 other T-shirts neither run sees
        Images shoes = TrainingFixtures.trainImages(5, 7, 9);
        Images shirts = TrainingFixtures.trainImages(0);
        int[] heldOut = IntStream.range(0, shoes.count()).filter(i -> i % 10 == 0).toArray();
        int[] trained = IntStream.range(0, shoes.count()).filter(i -> i % 10 != 0).toArray();
        Images validation = shoes.select(heldOut);
        Images unseen = shirts.range(30, 130);
        Hyperparameters hp = TrainingFixtures.quick(ModelType.AE, 12, 0f);
        PrintWriter quiet = new PrintWriter(new StringWriter());

        // When one network trains on the shoes alone and one also with the 30 T-shirts as negatives
        TrainingResult plain = new AutoencoderTrainer(hp, 0.1, quiet).train(shoes.select(trained), validation);
        TrainingResult contrast = new AutoencoderTrainer(hp, 0.1, quiet).train(shoes.select(trained), validation,
                shirts.range(0, 30));

        // Then unseen T-shirts stand further above the held-out shoes with the negatives (2.4x the plain ratio when
        // written), and the shoes themselves reconstruct nearly as well (1.34x the plain validation loss)
        double plainRatio = TrainingFixtures.median(ExportedScores.of(plain.weights(), 1, unseen))
                / TrainingFixtures.median(ExportedScores.of(plain.weights(), 1, validation));
        double contrastRatio = TrainingFixtures.median(ExportedScores.of(contrast.weights(), 1, unseen))
                / TrainingFixtures.median(ExportedScores.of(contrast.weights(), 1, validation));
        assertThat(contrastRatio).isGreaterThan(1.5 * plainRatio);
        assertThat(contrast.bestValidationLoss()).isLessThan(plain.bestValidationLoss() * 1.6);
    }
}
