package io.latentwatch.viz;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.image.RejectedInputException;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.produce.Png;

/**
 * Turns images into model input exactly as the detector does (its {@link ImagePreprocessor}):
 * decoded, converted to the model's channels, resized and normalised. Not thread-safe.
 */
public final class ModelInputs {
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);
    private final ImagePreprocessor.Shape shape;
    private final int size;

    public ModelInputs(ModelInfo info) {
        this.shape = new ImagePreprocessor.Shape(info.channels(), info.height(), info.width(), info.normalization());
        this.size = info.imageSize();
    }

    /** Floats per model input. */
    public int size() {
        return size;
    }

    /** One image file's bytes (PNG, JPEG, ...) as model input. */
    public float[] of(byte[] image) throws RejectedInputException {
        float[] input = new float[size];
        preprocessor.toInput(image, null, shape, input, 0);
        return input;
    }

    /** Image {@code index} of an IDX set, written into {@code dest} at {@code offset}. */
    public void of(IdxDataset data, int index, float[] dest, int offset) throws RejectedInputException {
        byte[] pixels = data.image(index);
        // Raw bytes are taken as they are only when they are exactly the model's grey input; else as a picture.
        byte[] image = shape.channels() == 1 && data.rows() == shape.height() && data.cols() == shape.width()
                ? pixels : Png.grey(pixels, data.rows(), data.cols());
        preprocessor.toInput(image, null, shape, dest, offset);
    }
}
