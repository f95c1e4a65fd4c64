package io.latentwatch.data;

import io.latentwatch.model.Normalization;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * An MNIST-style IDX image set: 8-bit grey images ({@code idx3-ubyte}) with one label each
 * ({@code idx1-ubyte}), as shipped for MNIST and Fashion-MNIST, gzipped or plain.
 *
 * <pre>{@code
 * IdxDataset train = IdxDataset.load(Path.of("/usr/share/datasets/fashion-mnist"), Split.TRAIN);
 * IdxDataset shoes = train.withLabels(LabelSet.parse("5,7,9"));
 * byte[] first = shoes.image(0); // rows * cols pixels, row-major
 * }</pre>
 *
 * @param pixels all images, {@code count * rows * cols} bytes, row-major
 * @param labels one label per image
 * @param rows   image height
 * @param cols   image width
 */
public record IdxDataset(byte[] pixels, int[] labels, int rows, int cols) {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    public IdxDataset {
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels do not match " + pixels.length
                    + " pixels of " + rows + "x" + cols + " images");
        }
    }

    /**
     * Loads one split from a directory holding {@code train-images-idx3-ubyte(.gz)},
     * {@code train-labels-idx1-ubyte(.gz)}, {@code t10k-...}.
     *
     * @throws IOException with the file it looked for, when a file is missing or malformed
     */
    public static IdxDataset load(Path dir, Split split) throws IOException {
        Path images = find(dir, split.imagesFile());
        Path labels = find(dir, split.labelsFile());
        return fromFiles(images, labels);
    }

    /** Reads an images file and its labels file. */
    public static IdxDataset fromFiles(Path imagesFile, Path labelsFile) throws IOException {
        int[] shape = new int[2];
        byte[] pixels = readImages(imagesFile, shape);
        int[] labels = readLabels(labelsFile);
        int count = pixels.length / (shape[0] * shape[1]);
        if (labels.length != count) {
            throw new IOException(labelsFile + " holds " + labels.length + " labels but " + imagesFile + " holds "
                    + count + " images");
        }
        return new IdxDataset(pixels, labels, shape[0], shape[1]);
    }

    private static Path find(Path dir, String stem) throws IOException {
        for (String name : new String[] {stem + ".gz", stem}) {
            Path file = dir.resolve(name);
            if (Files.isReadable(file)) {
                return file;
            }
        }
        throw new IOException("no " + stem + "(.gz) in " + dir
                + "; --idx needs a directory of MNIST-style IDX files (e.g. /usr/share/datasets/fashion-mnist)");
    }

    private static byte[] readImages(Path file, int[] shape) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + " is not an IDX image file (magic " + Integer.toHexString(magic)
                        + ", expected 803: 8-bit, 3 dimensions)");
            }
            int count = in.readInt();
            shape[0] = in.readInt();
            shape[1] = in.readInt();
            if (count < 0 || shape[0] < 1 || shape[1] < 1 || (long) count * shape[0] * shape[1] > Integer.MAX_VALUE) {
                throw new IOException(file + " has an unusable header: " + count + " images of " + shape[0] + "x"
                        + shape[1]);
            }
            byte[] pixels = new byte[count * shape[0] * shape[1]];
            in.readFully(pixels);
            return pixels;
        }
    }

    private static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IOException(file + " is not an IDX label file (magic " + Integer.toHexString(magic)
                        + ", expected 801: 8-bit, 1 dimension)");
            }
            int count = in.readInt();
            byte[] raw = new byte[count];
            in.readFully(raw);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(in);
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Pixels of image {@code index}, row-major. */
    public byte[] image(int index) {
        int size = rows * cols;
        return Arrays.copyOfRange(pixels, index * size, (index + 1) * size);
    }

    /** The images whose label is in {@code keep}, in their original order. */
    public IdxDataset withLabels(LabelSet keep) {
        return select(indexes(keep, true));
    }

    /** The images whose label is not in {@code drop}, in their original order. */
    public IdxDataset withoutLabels(LabelSet drop) {
        return select(indexes(drop, false));
    }

    private int[] indexes(LabelSet labelSet, boolean inSet) {
        return IntStream.range(0, count())
                .filter(i -> labelSet.contains(labels[i]) == inSet).toArray();
    }

    /** The images at the given indexes, in that order. */
    public IdxDataset select(int[] indexes) {
        int size = rows * cols;
        byte[] out = new byte[indexes.length * size];
        int[] outLabels = new int[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            System.arraycopy(pixels, indexes[i] * size, out, i * size, size);
            outLabels[i] = labels[indexes[i]];
        }
        return new IdxDataset(out, outLabels, rows, cols);
    }

    /** The images as normalised one-channel model input. */
    public Images toImages(Normalization normalization) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = normalization.apply(pixels[i] & 0xFF);
        }
        return new Images(out, count(), 1, rows, cols);
    }
}
