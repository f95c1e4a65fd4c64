package io.latentwatch.train;

import ai.onnxruntime.OrtException;
import io.latentwatch.data.Images;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.OnnxAutoencoder;

/** Scores many images with a model exactly as the detector does, batch by batch. */
public final class BatchScorer {
    private static final int BATCH = 256;

    private BatchScorer() {
    }

    /**
     * One score per image. The images must already be normalised the way the model expects
     * ({@code model.info().normalization()}).
     */
    public static float[] scores(OnnxAutoencoder model, Images images) {
        if (images.imageSize() != model.info().imageSize()) {
            throw new IllegalArgumentException("images of " + images.channels() + "x" + images.height() + "x"
                    + images.width() + " do not fit the model's input " + model.info().channels() + "x"
                    + model.info().height() + "x" + model.info().width());
        }
        int size = images.imageSize();
        float[] scores = new float[images.count()];
        InferenceBatch batch = model.newBatch(BATCH);
        try {
            for (int from = 0; from < images.count(); from += BATCH) {
                int n = Math.min(BATCH, images.count() - from);
                System.arraycopy(images.pixels(), from * size, batch.pixels(), 0, n * size);
                System.arraycopy(model.score(batch, n).scores(), 0, scores, from, n);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score with model " + model.info().version()
                    + ": " + e.getMessage(), e);
        }
        return scores;
    }
}
