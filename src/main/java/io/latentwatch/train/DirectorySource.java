package io.latentwatch.train;

import io.latentwatch.data.ImageDirectory;
import io.latentwatch.data.Images;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every image file under a directory, all taken as normal, converted like the detector converts
 * its input.
 *
 * @param dir    the directory
 * @param shape  model input shape and normalisation
 * @param limits bounds on image size
 */
public record DirectorySource(Path dir, ImagePreprocessor.Shape shape, InputLimits limits) implements TrainingSource {

    @Override
    public TrainingData load() {
        Images images;
        try {
            images = ImageDirectory.load(dir, shape, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("--images-dir " + dir + ": " + e.getMessage(), e);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("source", "images-dir");
        summary.put("dir", dir.toString());
        summary.put("images", images.count());
        return new TrainingData(images, null, summary);
    }
}
