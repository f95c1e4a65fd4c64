package io.latentwatch.cli;

import io.latentwatch.train.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code train --pixel-knn}: on for data taken as clean, off by default for data that may hold anomalies. */
class PixelKnnFlagTest {
    @Test
    void shouldCombineThePixelKnnTermByDefaultOnlyForDataTakenAsClean() {
        // Given train command lines from a labelled set, from a topic, and from a topic told it is clean
        // When their configurations are built
        // Then the term is on for clean data and off for traffic that may hold anomalies, unless given
        assertThat(config("--idx", "data/fashion-mnist-sample", "--normal-classes", "5", "--output", "m.onnx")
                .pixelKnn()).isEqualTo(TrainConfig.DEFAULT_PIXEL_KNN);
        assertThat(config("--from-topic", "--output", "m.onnx").pixelKnn()).isZero();
        assertThat(config("--from-topic", "--contamination", "0", "--output", "m.onnx").pixelKnn())
                .isEqualTo(TrainConfig.DEFAULT_PIXEL_KNN);
        assertThat(config("--from-topic", "--pixel-knn", "3", "--output", "m.onnx").pixelKnn()).isEqualTo(3);
        assertThat(config("--idx", "data/fashion-mnist-sample", "--normal-classes", "5", "--pixel-knn", "0",
                "--output", "m.onnx").pixelKnn()).isZero();
    }

    private static TrainConfig config(String... args) {
        CommandLine cl = Main.commandLine(Map.of());
        String[] full = new String[args.length + 1];
        full[0] = "train";
        System.arraycopy(args, 0, full, 1, args.length);
        CommandLine.ParseResult parsed = cl.parseArgs(full);
        return ((TrainCommand) parsed.subcommand().commandSpec().userObject()).config();
    }
}
