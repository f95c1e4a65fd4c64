package io.latentwatch.cli;

import io.latentwatch.train.PixelKnn;
import io.latentwatch.train.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code train --pixel-knn}: on for data taken as clean, off by default for data that may hold anomalies. */
class PixelKnnFlagTest {
    @Test
    void shouldCombineThePixelKnnTermByDefaultOnlyForDataTakenAsClean() {
        // Given train command lines from a labelled set, from a topic, and from a topic told it is clean
        // When their configurations are built
        // Then the term is on for clean data and off for traffic that may hold anomalies, unless given
        assertThat(config("--idx", "data/fashion-mnist-sample", "--normal-classes", "5", "--output", "m.onnx")
                .pixelKnn()).isEqualTo(PixelKnn.Recipe.DEFAULT);
        assertThat(config("--from-topic", "--output", "m.onnx").pixelKnn().on()).isFalse();
        assertThat(config("--from-topic", "--contamination", "0", "--output", "m.onnx").pixelKnn())
                .isEqualTo(PixelKnn.Recipe.DEFAULT);
        assertThat(config("--from-topic", "--pixel-knn", "3", "--output", "m.onnx").pixelKnn().k()).isEqualTo(3);
        assertThat(config("--idx", "data/fashion-mnist-sample", "--normal-classes", "5", "--pixel-knn", "0",
                "--output", "m.onnx").pixelKnn().on()).isFalse();
    }

    @Test
    void shouldTakeTheTermsFeaturesCentresAndWeightFromTheirFlags() {
        // Given a train command line that sets every knob of the term
        // When its configuration is built
        // Then the recipe holds them
        assertThat(config("--idx", "data/fashion-mnist-sample", "--normal-classes", "5", "--pixel-knn", "3",
                "--pixel-knn-features", "pixels", "--pixel-knn-centres", "0", "--pixel-knn-weight", "1",
                "--pixel-knn-radius", "0", "--output", "m.onnx").pixelKnn())
                .isEqualTo(new PixelKnn.Recipe(3, PixelKnn.Features.PIXELS, 0, 1));
        assertThat(config("--idx", "data/fashion-mnist-sample", "--normal-classes", "5",
                "--pixel-knn-features", "edges-max", "--pixel-knn-radius", "0.5", "--output", "m.onnx").pixelKnn())
                .isEqualTo(new PixelKnn.Recipe(PixelKnn.DEFAULT_K, PixelKnn.Features.EDGES_MAX,
                        PixelKnn.DEFAULT_CENTRES, PixelKnn.DEFAULT_WEIGHT, 0.5));
    }

    @Test
    void shouldRefuseABadKnobWithAMessageThatNamesIt() {
        // Given bad values for each knob, when the configuration is built, then the error names the flag
        assertThatThrownBy(() -> config("--idx", "d", "--pixel-knn-features", "hog", "--output", "m.onnx"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--pixel-knn-features");
        assertThatThrownBy(() -> config("--idx", "d", "--pixel-knn-centres", "-1", "--output", "m.onnx"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--pixel-knn-centres");
        assertThatThrownBy(() -> config("--idx", "d", "--pixel-knn-weight", "0", "--output", "m.onnx"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--pixel-knn-weight");
        assertThatThrownBy(() -> config("--idx", "d", "--pixel-knn-radius", "-1", "--output", "m.onnx"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--pixel-knn-radius");
        assertThatThrownBy(() -> config("--idx", "d", "--pixel-knn", "9", "--pixel-knn-centres", "4",
                "--output", "m.onnx"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--pixel-knn-centres");
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
