package io.latentwatch.data;

import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.image.RejectedInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Loads every image file under a directory (PNG, JPEG, GIF, BMP, TIFF, WebP, PBM/PGM/PPM;
 * sub-directories included, in path order) through the detector's own {@link ImagePreprocessor}, so training and detection
 * see identical input. Files that do not decode are skipped with a log line.
 */
public final class ImageDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDirectory.class);
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff",
            ".webp", ".pbm", ".pgm", ".ppm", ".pnm");

    private ImageDirectory() {
    }

    /**
     * Loads the images, converted to {@code shape}.
     *
     * @throws IOException when the directory cannot be read or holds no usable image
     */
    public static Images load(Path dir, ImagePreprocessor.Shape shape, InputLimits limits) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory; --images-dir needs a directory of PNG/JPEG files");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(ImageDirectory::isImage).sorted().toList();
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(limits);
        int size = shape.channels() * shape.height() * shape.width();
        float[] pixels = new float[files.size() * size];
        int count = 0;
        for (Path file : files) {
            try {
                preprocessor.toInput(Files.readAllBytes(file), null, shape, pixels, count * size);
                count++;
            } catch (RejectedInputException e) {
                LOG.warn("skipping {}: {}", file, e.getMessage());
            }
        }
        if (count == 0) {
            throw new IOException("no usable image (" + String.join(", ", EXTENSIONS) + ") under " + dir);
        }
        return new Images(Arrays.copyOf(pixels, count * size), count, shape.channels(), shape.height(),
                shape.width());
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
