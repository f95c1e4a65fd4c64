package io.latentwatch.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Fashion-MNIST sample shipped with latentwatch ({@code data/fashion-mnist-sample}: 3,000
 * training and 1,000 test images), used when no {@code --idx DIR} is given.
 *
 * <p>Found under the latentwatch home: {@code -Dlatentwatch.home} (set by the launcher), else
 * {@code $LATENTWATCH_HOME}, else the working directory.
 */
public final class SampleData {
    /** Path of the sample below the latentwatch home. */
    public static final String RELATIVE_PATH = "data/fashion-mnist-sample";

    private SampleData() {
    }

    /** The sample's directory; throws with what to do when it cannot be found. */
    public static Path dir() {
        String home = System.getProperty("latentwatch.home");
        if (home == null || home.isBlank()) {
            home = System.getenv("LATENTWATCH_HOME");
        }
        Path dir = Path.of(home == null || home.isBlank() ? "." : home).resolve(RELATIVE_PATH);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the bundled Fashion-MNIST sample is not at " + dir.toAbsolutePath()
                    + "; run through the ./latentwatch launcher, set LATENTWATCH_HOME to the latentwatch directory,"
                    + " or pass --idx DIR (e.g. /usr/share/datasets/fashion-mnist from dataset-fashion-mnist)");
        }
        return dir;
    }
}
