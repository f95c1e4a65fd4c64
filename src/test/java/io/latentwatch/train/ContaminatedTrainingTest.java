package io.latentwatch.train;

import io.latentwatch.data.Images;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ContaminatedTrainingTest {

    @Test
    void shouldPushAwayTheImagesJudgedAnomalousWhenTheTrafficHoldsManyAnomalies() {
        // Given 810 sandals, sneakers and ankle boots with 100 T-shirts mixed in (11%), and 90 of the shoes held out
        Images shirts = TrainingFixtures.trainImages(0);
        Images traffic = shoes(false).concat(shirts.range(0, 100));
        Images validation = shoes(true);
        StringWriter log = new StringWriter();

        // When the contaminated rounds train on it, told the share, and a current model left out 20 more T-shirts
        ContaminatedTraining.Outcome outcome = rounds(Contamination.parse("0.12"), log).train(traffic, validation,
                shirts.range(200, 220));

        // Then the share passed the gate, the contrast run pushed images away, and T-shirts none of the
        // networks trained on score far above the held-out normal images (9.3x their median when written)
        assertThat(outcome.negatives()).as(log.toString()).isPositive();
        assertThat(log.toString()).contains("contrast run on " + outcome.trained() + " images, pushing "
                + outcome.negatives() + " judged anomalous");
        // the current model's flags were ranked with the rest: the top 7.5% of the 930 images are T-shirts, from the
        // training images and the left-out ones alike (12 of the 20 left out when written)
        java.util.regex.Matcher pushed = java.util.regex.Pattern.compile("\\((\\d+) of them left out").matcher(
                log.toString());
        assertThat(pushed.find()).isTrue();
        assertThat(Integer.parseInt(pushed.group(1))).isBetween(5, 20);
        float[] unseen = ExportedScores.of(outcome.result().weights(), 1, shirts.range(100, 200));
        float[] heldOut = ExportedScores.of(outcome.result().weights(), 1, validation);
        assertThat(TrainingFixtures.median(unseen)).isGreaterThan(5 * TrainingFixtures.median(heldOut));
    }

    @Test
    void shouldNotPushAwayHardNormalImagesWhenTheTrafficLooksClean() {
        // Given sandals, sneakers and ankle boots only, and a current model that left out 5 of them
        Images heldOut = shoes(true);
        StringWriter log = new StringWriter();

        // When the contaminated rounds train on them
        ContaminatedTraining.Outcome outcome = rounds(Contamination.AUTO, log).train(shoes(false), heldOut.range(5, heldOut.count()),
                heldOut.range(0, 5));

        // Then the estimate stays below the gate, no shoe lies far from the others in pixels, and no image was
        // pushed away, the current model's 5 included
        assertThat(outcome.traffic()).as(log.toString()).isLessThan(ContaminatedTraining.CONTRAST_MIN_ESTIMATE);
        assertThat(outcome.negatives()).isZero();
        assertThat(outcome.farInPixels()).isZero();
        assertThat(log.toString()).contains("no contrast run: contamination")
                .doesNotContain("contrast run on");
    }

    @Test
    void shouldPushAwayThePixelOutliersWhenTooFewAnomaliesStandOutByTheirScore() {
        // Given the sample's shoes with 10 T-shirts and bags mixed in (about 1%), and 90 of the shoes held out
        Images traffic = shoes(false).concat(TrainingFixtures.trainImages(0).range(0, 5))
                .concat(TrainingFixtures.trainImages(8).range(0, 5));
        StringWriter log = new StringWriter();

        // When the contaminated rounds train on it with --contamination auto
        ContaminatedTraining.Outcome outcome = rounds(Contamination.AUTO, log).train(traffic, shoes(true), null);

        // Then the estimate (which counts hard shoes too) stayed below the gate, and the contrast run pushed the
        // images far from every normal-looking one in pixels: T-shirts and bags, not shoes (10 when written)
        assertThat(outcome.traffic()).as(log.toString()).isLessThan(ContaminatedTraining.CONTRAST_MIN_ESTIMATE);
        assertThat(outcome.farInPixels()).as(log.toString()).isBetween(ContaminatedTraining.MIN_PIXEL_OUTLIERS, 10);
        assertThat(outcome.negatives()).isEqualTo(outcome.farInPixels());
        assertThat(log.toString()).contains("pushing " + outcome.negatives() + " far from every normal-looking image"
                + " in pixels");
    }

    @Test
    void shouldPushOnlyTheCurrentModelsFlagsThatLieFarInPixelsInALaterRound() {
        // Given a later round: the current model left out 60 T-shirts and 8 shoes (its false positives), and 5
        // T-shirts it missed are among the 815 training images
        Images shirts = TrainingFixtures.trainImages(0);
        Images heldOut = shoes(true);
        Images traffic = shoes(false).concat(shirts.range(0, 5));
        Images leftOut = shirts.range(100, 160).concat(heldOut.range(0, 8));
        StringWriter log = new StringWriter();

        // When the contaminated rounds train on it with --contamination auto
        ContaminatedTraining.Outcome outcome = rounds(Contamination.AUTO, log).train(traffic,
                heldOut.range(8, heldOut.count()), leftOut);

        // Then the traffic reads above the gate with the current model's flags counted, the training images alone
        // below it, and the contrast run pushed the pixel outliers (37 when written, 34 of them left out)
        assertThat(outcome.traffic()).as(log.toString()).isGreaterThanOrEqualTo(
                ContaminatedTraining.CONTRAST_MIN_ESTIMATE);
        assertThat(outcome.estimate().share()).isLessThan(ContaminatedTraining.CONTRAST_MIN_ESTIMATE);
        assertThat(log.toString()).contains("once the current model left out 68: its flags are pushed only where they"
                + " lie far in pixels");
        assertThat(outcome.farInPixels()).isEqualTo(outcome.negatives())
                .isBetween(ContaminatedTraining.MIN_PIXEL_OUTLIERS, 65);
        float[] flaggedShoes = ExportedScores.of(outcome.result().weights(), 1, heldOut.range(0, 8));
        float[] normal = ExportedScores.of(outcome.result().weights(), 1, heldOut.range(8, heldOut.count()));
        float[] unseen = ExportedScores.of(outcome.result().weights(), 1, shirts.range(200, 300));
        // the shoes the current model flagged score like the other held-out shoes (0.7x their median when written),
        // T-shirts no network trained on far above (7x)
        assertThat(TrainingFixtures.median(flaggedShoes)).isLessThan(2 * TrainingFixtures.median(normal));
        assertThat(TrainingFixtures.median(unseen)).isGreaterThan(4 * TrainingFixtures.median(normal));
    }

    /** The sample's sandals, sneakers and ankle boots: every tenth ({@code heldOut}) or the others. */
    private static Images shoes(boolean heldOut) {
        Images all = TrainingFixtures.trainImages(5, 7, 9);
        return all.select(java.util.stream.IntStream.range(0, all.count()).filter(i -> (i % 10 == 0) == heldOut)
                .toArray());
    }

    private static ContaminatedTraining rounds(Contamination setting, StringWriter log) {
        Hyperparameters hp = TrainingFixtures.quick(ModelType.AE, 6, 0f);
        return new ContaminatedTraining(hp, setting, 1, new PrintWriter(log, true));
    }

    @Test
    void shouldDiscardAContrastRunThatNoLongerReconstructsTheHeldOutImages() {
        // Given a refining run that ended at a validation loss of 0.016, and contrast runs after it
        TrainingResult refined = withValidationLoss(0.016);

        // Then one that ends a little higher (pushing images away costs some reconstruction) is kept,
        // one that collapsed (0.131, as measured once in 136 runs) is not
        assertThat(ContaminatedTraining.contrastLearned(withValidationLoss(0.022), refined)).isTrue();
        assertThat(ContaminatedTraining.contrastLearned(withValidationLoss(0.048), refined)).isTrue();
        assertThat(ContaminatedTraining.contrastLearned(withValidationLoss(0.131), refined)).isFalse();
        assertThat(ContaminatedTraining.contrastLearned(withValidationLoss(Double.NaN), refined)).isFalse();
    }

    @Test
    void shouldMakeACollapsedContrastRunAgainWithAnotherSeed() {
        // Given a refining run at a validation loss of 0.016, and a contrast run that collapses with the training seed
        TrainingResult refined = withValidationLoss(0.016);
        StringWriter log = new StringWriter();
        ContaminatedTraining rounds = rounds(Contamination.AUTO, log);
        java.util.List<Long> seeds = new java.util.ArrayList<>();

        // When the contrast run is made
        TrainingResult contrast = rounds.contrastRun(refined, h -> {
            seeds.add(h.seed());
            return withValidationLoss(seeds.size() == 1 ? 0.131 : 0.019);
        });

        // Then it was made again with the next seed, and that run is kept
        long seed = TrainingFixtures.quick(ModelType.AE, 6, 0f).seed();
        assertThat(seeds).containsExactly(seed, seed + 1);
        assertThat(contrast.bestValidationLoss()).isEqualTo(0.019);
        assertThat(log.toString()).contains("contrast run collapsed: its validation loss 0.13100 is more than 3x the"
                + " refining run's 0.01600", "made again with seed " + (seed + 1));
    }

    @Test
    void shouldKeepTheRefinedNetworkWhenTheContrastRunCollapsesTwice() {
        // Given a contrast run that collapses whatever the seed
        StringWriter log = new StringWriter();
        java.util.List<Long> seeds = new java.util.ArrayList<>();

        // When it is made
        TrainingResult contrast = rounds(Contamination.AUTO, log).contrastRun(withValidationLoss(0.016), h -> {
            seeds.add(h.seed());
            return withValidationLoss(0.131);
        });

        // Then it was tried twice, no more, and discarded
        assertThat(seeds).hasSize(2);
        assertThat(contrast).isNull();
        assertThat(log.toString()).contains("contrast run discarded: made again, it collapsed as well");
    }

    @Test
    void shouldMakeALearnedContrastRunOnce() {
        java.util.List<Long> seeds = new java.util.ArrayList<>();
        TrainingResult contrast = rounds(Contamination.AUTO, new StringWriter()).contrastRun(withValidationLoss(0.016),
                h -> {
                    seeds.add(h.seed());
                    return withValidationLoss(0.022);
                });
        assertThat(seeds).hasSize(1);
        assertThat(contrast.bestValidationLoss()).isEqualTo(0.022);
    }

    private static TrainingResult withValidationLoss(double loss) {
        return new TrainingResult(null, java.util.List.of(new EpochStats(1, loss, loss, 1, 1)), 1, null, null, null);
    }
}
