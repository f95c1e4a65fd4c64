package io.latentwatch.data;

/** The two halves of an MNIST-style IDX set, named by their file prefixes. */
public enum Split {
    /** {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}. */
    TRAIN("train"),
    /** {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}. */
    TEST("t10k");

    private final String prefix;

    Split(String prefix) {
        this.prefix = prefix;
    }

    /** File name stem of the images, without {@code .gz}. */
    public String imagesFile() {
        return prefix + "-images-idx3-ubyte";
    }

    /** File name stem of the labels, without {@code .gz}. */
    public String labelsFile() {
        return prefix + "-labels-idx1-ubyte";
    }
}
