package io.latentwatch.train;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.Images;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.ScoreFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clean model and one that learned the anomalies compete on unlabelled held-out traffic that
 * holds anomalies: the clean one must win, whichever of the two is the candidate.
 */
class ModelComparisonTest {
    private static byte[] clean;
    private static byte[] contaminated;
    private static Images heldOut;

    @BeforeAll
    static void trainBothModels() {
        // sneakers are normal; bags and trousers are the anomalies
        Images sneakers = TrainingFixtures.trainImages(7);
        Images anomalies = TrainingFixtures.trainImages(1, 8);
        Images validation = sneakers.range(0, 30);
        Images normalTrain = sneakers.range(30, sneakers.count());
        int[] pick = new Random(3).ints(0, anomalies.count()).distinct().limit(90).toArray();
        Images traffic = normalTrain.concat(anomalies.select(pick));
        Hyperparameters hp = new Hyperparameters(ModelType.AE, 8, 16, 5, 32, 2e-3f, 0f, 5, 1f, 9);
        clean = export(new AutoencoderTrainer(hp, quiet()).train(normalTrain, validation));
        contaminated = export(new AutoencoderTrainer(hp, quiet()).train(traffic, validation));
        IdxDataset test = TrainingFixtures.sample(Split.TEST);
        Images testSneakers = test.withLabels(LabelSet.of(7)).toImages(Normalization.UNIT);
        Images testAnomalies = test.withLabels(LabelSet.of(1, 8)).toImages(Normalization.UNIT).range(0, 15);
        heldOut = testSneakers.concat(testAnomalies);
    }

    @Test
    void shouldHoldBackACandidateThatLearnedTheAnomalies() {
        // When the contaminated model is the candidate and the clean one serves
        ModelComparison.Verdict verdict = ModelComparison.compareUnlabelled(contaminated, clean, heldOut, 0.1);

        // Then the candidate is worse
        assertThat(verdict.worse()).as(verdict.explanation()).isTrue();
        assertThat(verdict.explanation()).contains("separation");
    }

    @Test
    void shouldDeliverACleanCandidateOverACurrentModelThatLearnedTheAnomalies() {
        // When the clean model is the candidate and the contaminated one serves
        ModelComparison.Verdict verdict = ModelComparison.compareUnlabelled(clean, contaminated, heldOut, 0.1);

        // Then the candidate is not worse
        assertThat(verdict.worse()).as(verdict.explanation()).isFalse();
    }

    @Test
    void shouldKeepTheCurrentModelWhenTheCandidateIsNotClearlyBetter() {
        // When the candidate separates the held-out traffic exactly as well as the model in service (the same model)
        ModelComparison.Verdict verdict = ModelComparison.compareUnlabelled(clean, clean, heldOut, 0.1);

        // Then it is held back: within the margin the two cannot be told apart, and the model in service stays
        assertThat(verdict.worse()).as(verdict.explanation()).isTrue();
        assertThat(verdict.explanation()).contains("higher is better, by more than 5% to replace the current model");
    }

    private static byte[] export(TrainingResult result) {
        return OnnxExporter.export(result.weights(), 3, Map.of(MetadataKeys.SCORE_FUNCTION, ScoreFunction.OUTPUT.id(),
                MetadataKeys.THRESHOLD, "0.05", MetadataKeys.VERSION, "v" + result.bestValidationLoss()));
    }

    private static PrintWriter quiet() {
        return new PrintWriter(new StringWriter());
    }
}
