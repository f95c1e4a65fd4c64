package io.latentwatch.produce;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** An endless, reproducible sequence of images to stream, cycling through its source. */
public final class ImageStream implements Iterator<LabelledImage> {
    /** The file types the detector decodes, as {@code train --images-dir} reads them, with their media types. */
    private static final Map<String, String> TYPES = Map.of(".png", "image/png", ".jpg", "image/jpeg",
            ".jpeg", "image/jpeg", ".gif", "image/gif", ".bmp", "image/bmp", ".tif", "image/tiff", ".tiff", "image/tiff",
            ".webp", "image/webp");
    private final List<LabelledImage> normal;
    private final List<LabelledImage> anomalies;
    private final double anomalyFraction;
    private final SplittableRandom random;
    private int nextNormal;
    private int nextAnomaly;

    private ImageStream(List<LabelledImage> normal, List<LabelledImage> anomalies, double anomalyFraction, long seed) {
        this.normal = normal;
        this.anomalies = anomalies;
        this.anomalyFraction = anomalies.isEmpty() ? 0 : normal.isEmpty() ? 1 : anomalyFraction;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Images of an IDX set, shuffled. Without anomaly classes every image is sent and none counts
     * as an anomaly. With anomaly classes, images of those classes make up {@code anomalyFraction}
     * of the stream, and images of the normal classes the rest.
     *
     * @param normalClasses  normal classes; null means every class not in {@code anomalyClasses}
     * @param anomalyClasses anomaly classes, or null for none
     */
    public static ImageStream fromIdx(IdxDataset data, LabelSet normalClasses, LabelSet anomalyClasses,
                                      double anomalyFraction, long seed) {
        if (anomalyFraction < 0 || anomalyFraction > 1) {
            throw new IllegalArgumentException("--anomaly-fraction must be within 0..1, got " + anomalyFraction);
        }
        List<LabelledImage> normal = new ArrayList<>();
        List<LabelledImage> anomalies = new ArrayList<>();
        for (int i = 0; i < data.count(); i++) {
            int label = data.labels()[i];
            boolean isAnomaly = anomalyClasses != null && anomalyClasses.contains(label);
            boolean isNormal = !isAnomaly && (normalClasses == null || normalClasses.contains(label));
            if (isAnomaly || isNormal) {
                LabelledImage image = new LabelledImage(Png.grey(data.image(i), data.rows(), data.cols()), "image/png",
                        label, isAnomaly);
                (isAnomaly ? anomalies : normal).add(image);
            }
        }
        if (normal.isEmpty() && anomalies.isEmpty()) {
            throw new IllegalArgumentException("no image of the chosen classes in the data set");
        }
        shuffle(normal, seed);
        shuffle(anomalies, seed + 1);
        return new ImageStream(normal, anomalies, anomalyClasses == null ? 0 : anomalyFraction, seed);
    }

    /** Every image file under a directory, in path order, sent as-is with its media type. */
    public static ImageStream fromDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory; --images-dir needs a directory of image files");
        }
        List<LabelledImage> images = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String type = mediaType(file);
                if (type != null) {
                    images.add(new LabelledImage(Files.readAllBytes(file), type, -1, false));
                }
            }
        }
        if (images.isEmpty()) {
            throw new IOException("no image file (" + String.join(", ", TYPES.keySet()) + ") under " + dir);
        }
        return new ImageStream(images, List.of(), 0, 0);
    }

    /** The given images, in order, cycled. */
    public static ImageStream of(List<LabelledImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to stream");
        }
        return new ImageStream(List.copyOf(images), List.of(), 0, 0);
    }

    /** Images that one pass of the stream holds. */
    public int size() {
        return normal.size() + anomalies.size();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public LabelledImage next() {
        if (normal.isEmpty() && anomalies.isEmpty()) {
            throw new NoSuchElementException();
        }
        boolean pickAnomaly = anomalyFraction > 0 && random.nextDouble() < anomalyFraction;
        if (pickAnomaly) {
            return anomalies.get(nextAnomaly++ % anomalies.size());
        }
        return normal.get(nextNormal++ % normal.size());
    }

    private static String mediaType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(name.substring(dot));
    }

    private static void shuffle(List<LabelledImage> images, long seed) {
        java.util.Collections.shuffle(images, new Random(seed));
    }
}
