package io.latentwatch.train;

import io.latentwatch.data.Images;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Trains on images that may hold anomalies, such as the recent traffic of the input topic.
 *
 * <ol>
 *   <li><b>Screen</b>: a short training run ({@value #SCREEN_EPOCHS} epochs) with a trimmed loss
 *       that leaves out the worst-reconstructed {@value #SCREEN_TRIM} of every batch. Early in
 *       training, and with the worst images trimmed away, the network has not yet learned the
 *       minority of anomalies, so they score high.</li>
 *   <li><b>Drop</b>: the highest-scoring share of the training images is left out: with a given
 *       contamination {@code c}, {@code min(0.45, 2.5 c)}; with {@code auto}, {@value #AUTO_DROP}.
 *       Dropping some hard normal images as well costs little; keeping anomalies costs much.</li>
 *   <li><b>Clean</b>: train a fresh network on the rest for the full epochs, with a trimmed loss
 *       ({@value #FINAL_TRIM} of each batch) for the anomalies the screen missed.</li>
 *   <li><b>Refine</b>: train the final network on every training image that the cleaner network
 *       scores within {@value #REFINE_K} MADs of the median ({@value #REFINE_BACK_K} for images the
 *       screen dropped): hard normal images the screen dropped come back, which the detector needs
 *       to know, and the anomalies stay out.</li>
 *   <li><b>Estimate</b> the contamination with the final network on all training images
 *       ({@link ContaminationEstimate}); a given share is acted on as given. Why the final network
 *       and not the cleaning one: the cleaning network still trains on the anomalies the screen
 *       missed and learns part of them, so at 10% contamination it scored only about a quarter to
 *       a half of them above the cut (estimates of 1.8-5.2% on the bundled sample); the final
 *       network trains on a set from which the refine left out about 90% of the anomalies, and
 *       read 5.9-8.7% there, 4.6-6.4% at 5% and 2.2-4.1% at 1%.</li>
 *   <li><b>Contrast</b>, when the contamination acted on (estimated or given) is at least
 *       {@value #CONTRAST_MIN_ESTIMATE}: train the final network afresh on the refining run's images
 *       while pushing the images judged anomalous to reconstruct badly
 *       ({@link AutoencoderTrainer#train(Images, Images, Images)}). Judged anomalous: of the traffic
 *       (the training images and those the current model left out), the share that the refined
 *       network scores highest, the contamination less {@value #CONTRAST_FLOOR}, which stands for
 *       the hard normal images that even traffic with 1% anomalies puts beyond the estimate's cut
 *       (the estimate reads 2-5% there). Anomalies the refining run left in, and future ones of the
 *       same kind, then score high as well. Below the gate the images beyond the cut are mostly hard
 *       normal images, and pushing those teaches the network to flag their kind: on traffic with 1%
 *       anomalies it cost AUROC and flagged 5.7-9.7% of the normal images. There the contrast run
 *       pushes the pixel outliers instead ({@link PixelOutliers}: images far, in a thumbnail's
 *       pixels, from every image the refined network judges normal), when there are at least
 *       {@value #MIN_PIXEL_OUTLIERS}: a view a hard normal image does not fool, which on the bundled
 *       sample's traffic picked anomalies only. A contrast run that collapses (stops reconstructing
 *       the held-out images) is made again once with another seed ({@link #contrastRun}).
 *       <p>In a later round (a current model left images out) with {@code auto}, the gate reads
 *       the estimate on the training images alone: the current model has taken out what it flags,
 *       and only where many anomalies it missed remain does the contrast run push the
 *       highest-scoring images. Otherwise it pushes the pixel outliers of the traffic, the current
 *       model's flags among them: its false positives, hard normal images that any network scores
 *       high, are mostly not far in pixels, and pushing them by their score alone taught the
 *       network to flag their kind (on full Fashion-MNIST traffic with 5% and 10% anomalies, the
 *       second and third rounds of four runs each flagged 1.1-4.4% of the normal images that way,
 *       0.2-1.6% this way).</li>
 * </ol>
 */
final class ContaminatedTraining {
    /** Epochs of the screening run. */
    static final int SCREEN_EPOCHS = 2;
    /** Share of each batch trimmed in the screening run. */
    static final double SCREEN_TRIM = 0.25;
    /** Share of the training images dropped after screening when the contamination is {@code auto}. */
    static final double AUTO_DROP = 0.3;
    /** Share of each batch trimmed in the final run. */
    static final double FINAL_TRIM = 0.1;
    /** Deviations above the median beyond which the refining run leaves an image out. */
    static final double REFINE_K = 3.0;
    /**
     * Deviations above the median within which an image the screen dropped is taken back: stricter,
     * since the cleaning network never trained on it, and an anomaly it has not learned but
     * happens to reconstruct fairly well would otherwise return.
     */
    static final double REFINE_BACK_K = 2.0;
    /**
     * Contamination acted on (estimated or given) from which the contrast run pushes the
     * highest-scoring images; in a later round with {@code auto}, the estimate on the training
     * images alone (the current model's flags left out).
     */
    static final double CONTRAST_MIN_ESTIMATE = 0.06;
    /**
     * Share of the traffic taken off the contamination when choosing the images to push away: it
     * stands for the hard normal images among the highest-scoring, and the normal images among
     * the current model's flags.
     */
    static final double CONTRAST_FLOOR = 0.045;
    /**
     * Most times the refining run's best validation loss that the contrast run's may reach; above
     * it the contrast run did not learn the normal images (it collapsed): it is made again with
     * another seed, and if that collapses too the refined network is kept ({@link #contrastRun}). In
     * 136 measured contrast runs the ratio was at most 1.7 but in the two that collapsed (8.2).
     */
    static final double CONTRAST_MAX_LOSS_RATIO = 3.0;
    /** Fewest pixel outliers ({@link PixelOutliers}) for which a contrast run is made below the gate. */
    static final int MIN_PIXEL_OUTLIERS = 5;
    private static final double MAX_DROP = 0.45;
    private static final double DROP_PER_CONTAMINATION = 2.5;

    private final Hyperparameters hp;
    private final Contamination setting;
    private final int scoreBlur;
    private final PrintWriter progress;

    /**
     * What the rounds produced.
     *
     * @param result    the final network
     * @param estimate  the contamination estimate of the final network on the training images
     * @param traffic   the estimated contamination of the traffic: the estimate, counting the images
     *                  the current model left out as anomalies
     * @param share     the contamination acted on: the given one, or {@code traffic}
     * @param dropShare share of the training images dropped after screening
     * @param dropped   training images left out of the refining run
     * @param trained   images the refining run trained on
     * @param negatives images the contrast run pushed away; 0 when it did not run
     * @param farInPixels of them, the pixel outliers pushed below the gate ({@link PixelOutliers}); 0 when the
     *                  contrast run, if any, pushed the highest-scoring images
     * @param pixelCut  the cut the pixel outliers were found at below the gate ({@link PixelOutliers#CUT}, or
     *                  {@link PixelOutliers#WIDE_CUT} where it widened)
     */
    record Outcome(TrainingResult result, ContaminationEstimate estimate, double traffic, double share,
                   double dropShare, int dropped, int trained, int negatives, int farInPixels, double pixelCut) {
    }

    ContaminatedTraining(Hyperparameters hp, Contamination setting, int scoreBlur, PrintWriter progress) {
        this.hp = hp;
        this.setting = setting;
        this.scoreBlur = scoreBlur;
        this.progress = progress;
    }

    /**
     * @param leftOut images of the traffic already left out of {@code train} as anomalies by the
     *                current model (null for none); they count towards the contamination of the
     *                traffic and are ranked with the training images for the contrast run
     */
    Outcome train(Images train, Images validation, Images leftOut) {
        int leftOutCount = leftOut == null ? 0 : leftOut.count();
        Hyperparameters screenHp = new Hyperparameters(hp.type(), hp.filters(), hp.latentSize(),
                Math.min(SCREEN_EPOCHS, hp.epochs()), hp.batchSize(), hp.learningRate(), hp.denoise(), hp.patience(),
                hp.klWeight(), hp.seed());
        progress.printf(Locale.ROOT, "screening run: %d epochs, worst %.0f%% of each batch left out of the loss%n",
                screenHp.epochs(), 100 * SCREEN_TRIM);
        TrainingResult screen = new AutoencoderTrainer(screenHp, SCREEN_TRIM, progress).train(train, validation);
        float[] screenScores = ExportedScores.of(screen.weights(), scoreBlur, train);
        double dropShare = setting.isAuto() ? AUTO_DROP : Math.min(MAX_DROP, DROP_PER_CONTAMINATION * setting.share());
        boolean[] kept = Trimming.keepLowest(screenScores, dropShare);
        int[] keep = IntStream.range(0, train.count()).filter(i -> kept == null || kept[i]).toArray();
        Images rest = train.select(keep);
        progress.printf(Locale.ROOT, "cleaning run on %d images (%d highest-scoring left out), worst %.0f%% of each batch"
                + " left out of the loss%n", rest.count(), train.count() - rest.count(), 100 * FINAL_TRIM);
        TrainingResult cleaner = new AutoencoderTrainer(hp, FINAL_TRIM, progress).train(rest, validation);
        float[] scores = ExportedScores.of(cleaner.weights(), scoreBlur, train);
        double keptCut = ContaminationEstimate.of(scores, REFINE_K).cut();
        double droppedCut = ContaminationEstimate.of(scores, REFINE_BACK_K).cut();
        int[] normalLooking = IntStream.range(0, train.count())
                .filter(i -> scores[i] <= ((kept == null || kept[i]) ? keptCut : droppedCut)).toArray();
        Images refined = train.select(normalLooking);
        progress.printf(Locale.ROOT, "refining run on %d images (%d left out: above %.1f MADs, or dropped by the"
                + " screen and above %.1f)%n", refined.count(), train.count() - refined.count(), REFINE_K,
                REFINE_BACK_K);
        TrainingResult result = new AutoencoderTrainer(hp, FINAL_TRIM, progress).train(refined, validation);
        TrainingResult refinedResult = result;
        // the traffic: the training images, then the images the current model left out, scored once
        Images pool = leftOutCount == 0 ? train : train.concat(leftOut);
        float[] poolScores = ExportedScores.of(result.weights(), scoreBlur, pool);
        ContaminationEstimate estimate = ContaminationEstimate.of(Arrays.copyOf(poolScores, train.count()));
        double traffic = (estimate.share() * train.count() + leftOutCount) / (train.count() + leftOutCount);
        double share = setting.isAuto() ? traffic : setting.share();
        progress.printf(Locale.ROOT, "contamination: estimated %.4f%s%s%n", traffic, leftOutCount == 0 ? ""
                        : String.format(Locale.ROOT, " (%.4f of the training images, plus %d left out by the current"
                        + " model)", estimate.share(), leftOutCount),
                setting.isAuto() ? "" : String.format(Locale.ROOT, ", given %.4f (acted on)", setting.share()));
        int negatives = 0;
        int farInPixels = 0;
        double pixelCut = PixelOutliers.CUT;
        Images pushed = null;
        // a later round: what the current model flagged is out of the training images already; their own estimate
        // says whether many anomalies it missed remain among them
        boolean laterRound = leftOutCount > 0 && setting.isAuto();
        double gated = laterRound ? estimate.share() : share;
        if (gated >= CONTRAST_MIN_ESTIMATE) {
            int[] judged = highest(poolScores, share - CONTRAST_FLOOR);
            negatives = judged.length;
            long fromLeftOut = Arrays.stream(judged).filter(i -> i >= train.count()).count();
            progress.printf(Locale.ROOT, "contrast run on %d images, pushing %d judged anomalous (%d of them left out by"
                    + " the current model) to reconstruct worse than %.0fx the rest%n", refined.count(), negatives,
                    fromLeftOut, AutoencoderTrainer.NEGATIVE_MARGIN);
            pushed = pool.select(judged);
        } else {
            PixelOutliers.Found found = share > 0 || setting.isAuto()
                    ? PixelOutliers.search(pool, poolScores, train.count(), hp.seed()) : null;
            int[] far = found == null ? new int[0] : found.indexes();
            pixelCut = found == null ? PixelOutliers.CUT : found.cut();
            if (far.length >= MIN_PIXEL_OUTLIERS) {
                negatives = far.length;
                farInPixels = far.length;
                long fromLeftOut = Arrays.stream(far).filter(i -> i >= train.count()).count();
                String widened = found.widened() ? String.format(Locale.ROOT, "; cut widened to %.0f MADs: %d images"
                        + " lie beyond it against %d beyond %.0f, a kind of anomaly the network has partly learned",
                        PixelOutliers.WIDE_CUT, found.beyondWide(), found.beyondCut(), PixelOutliers.CUT) : "";
                progress.printf(Locale.ROOT, "contrast run on %d images, pushing %d far from every normal-looking image"
                        + " in pixels (%d of them left out by the current model) to reconstruct worse than %.0fx the"
                        + " rest (%s)%s%n", refined.count(), negatives, fromLeftOut, AutoencoderTrainer.NEGATIVE_MARGIN,
                        belowGate(laterRound, gated, leftOutCount), widened);
                pushed = pool.select(far);
            } else {
                progress.printf(Locale.ROOT, "no contrast run: %s, and %d image(s) lie far from every normal-looking"
                        + " image in pixels (fewer than %d)%n", belowGate(laterRound, gated, leftOutCount), far.length,
                        MIN_PIXEL_OUTLIERS);
            }
        }
        if (pushed != null) {
            Images negativeImages = pushed;
            TrainingResult contrast = contrastRun(refinedResult,
                    h -> new AutoencoderTrainer(h, FINAL_TRIM, progress).train(refined, validation, negativeImages));
            if (contrast == null) {
                negatives = 0;
                farInPixels = 0;
                pixelCut = PixelOutliers.CUT;
            } else {
                result = contrast;
            }
        }
        return new Outcome(result, estimate, traffic, share, dropShare, train.count() - refined.count(),
                refined.count(), negatives, farInPixels, pixelCut);
    }

    /** Why the contrast run does not push the highest-scoring images, for the output. */
    private static String belowGate(boolean laterRound, double gated, int leftOutCount) {
        return laterRound
                ? String.format(Locale.ROOT, "contamination %.4f of the training images is below %.2f once the"
                        + " current model left out %d: its flags are pushed only where they lie far in pixels",
                        gated, CONTRAST_MIN_ESTIMATE, leftOutCount)
                : String.format(Locale.ROOT, "contamination %.4f is below %.2f: too few stand out by their score"
                        + " alone", gated, CONTRAST_MIN_ESTIMATE);
    }

    /**
     * Makes the contrast run with {@code run}, and once more with the seed plus one (other initial
     * weights, shuffling and draws of the images pushed away) if it collapses ({@link
     * #contrastLearned}): the collapses measured depended on the seed, not on the images (the same
     * seed collapsed on the same traffic three times out of three, seed plus one then reached AUROC
     * 0.998). Null when the second run collapses as well, and the refined network is to be kept.
     */
    TrainingResult contrastRun(TrainingResult refined, Function<Hyperparameters, TrainingResult> run) {
        TrainingResult contrast = run.apply(hp);
        if (contrastLearned(contrast, refined)) {
            return contrast;
        }
        long retrySeed = hp.seed() + 1;
        progress.printf(Locale.ROOT, "contrast run collapsed: its validation loss %.5f is more than %.0fx the refining"
                + " run's %.5f (it did not learn the normal images); made again with seed %d%n",
                contrast.bestValidationLoss(), CONTRAST_MAX_LOSS_RATIO, refined.bestValidationLoss(), retrySeed);
        contrast = run.apply(hp.withSeed(retrySeed));
        if (contrastLearned(contrast, refined)) {
            return contrast;
        }
        progress.printf(Locale.ROOT, "contrast run discarded: made again, it collapsed as well (validation loss %.5f);"
                + " the refined network is kept%n", contrast.bestValidationLoss());
        return null;
    }

    /** Whether a contrast run still reconstructs the held-out images about as well as the refining run it followed. */
    static boolean contrastLearned(TrainingResult contrast, TrainingResult refined) {
        return contrast.bestValidationLoss() <= CONTRAST_MAX_LOSS_RATIO * refined.bestValidationLoss();
    }

    /**
     * Indexes of the images judged anomalous: the share {@code share} of the traffic (the training
     * images, then the images the current model left out) that the refined network scores highest.
     * The current model's flags are ranked with the rest rather than taken whole: about
     * {@code --target-fpr} of the normal images are among them.
     */
    private static int[] highest(float[] scores, double share) {
        boolean[] low = Trimming.keepLowest(scores, share);
        return IntStream.range(0, scores.length).filter(i -> low != null && !low[i]).toArray();
    }
}
