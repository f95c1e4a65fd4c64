package io.latentwatch.cli;

import ai.onnxruntime.OrtException;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.heatmap.AnomalyMaps;
import io.latentwatch.image.RejectedInputException;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.viz.ExplainPicture;
import io.latentwatch.viz.Explanation;
import io.latentwatch.viz.ModelInputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code latentwatch explain}: where in an image the reconstruction error is, as a picture. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draws where in an image a model's reconstruction error is.",
                "",
                "Scores one image exactly as the detector does and writes a PNG of three panels:"
                        + " the input as the model sees it (resized, its normalisation undone), the"
                        + " reconstruction, and the per-pixel error on a fixed colour scale (black: no error,"
                        + " red: 1/4 of the pixel range, pale yellow: all of it; see docs/pictures.md)."})
public final class ExplainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "The model.")
    Path model;

    @Option(names = "--image", paramLabel = "FILE",
            description = "The image to explain: PNG, JPEG, GIF, BMP, TIFF, WebP or PBM/PGM/PPM, any size and colour.")
    Path image;

    @Option(names = "--idx", paramLabel = "DIR", description = "Instead of --image: an MNIST-style IDX set ...")
    Path idx;

    @Option(names = "--index", defaultValue = "0", paramLabel = "N",
            description = "... and the index of the image in its --split (default: ${DEFAULT-VALUE}).")
    int index;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|train",
            description = "With --idx: which split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--output", required = true, paramLabel = "FILE.png", description = "The picture to write.")
    Path output;

    @Option(names = "--heatmap", paramLabel = "FILE.png",
            description = "Also write the bare heatmap, one pixel per model-input pixel: the anomaly map the detector"
                    + " can attach to anomaly records.")
    Path heatmap;

    @CommandLine.Mixin
    ModelOverrideOptions modelOverrides = new ModelOverrideOptions();

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if ((image == null) == (idx == null)) {
            throw new CommandLine.ParameterException(cl, "give exactly one image: --image FILE, or --idx DIR with"
                    + " --index N");
        }
        ModelOverrides overrides;
        try {
            overrides = modelOverrides.toOverrides();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(CliFiles.read(cl, "--model", model), model.toString(),
                overrides, 1)) {
            float[] input = input(cl, new ModelInputs(loaded.info()));
            Explanation explanation = Explanation.of(loaded, input);
            BufferedImage picture = ExplainPicture.draw(explanation);
            long bytes = CliFiles.writePng(picture, output);
            if (heatmap != null) {
                CliFiles.write(heatmap, AnomalyMaps.png(explanation.input(), explanation.reconstruction(),
                        explanation.shape()));
            }
            cl.getOut().printf(Locale.ROOT, "wrote %s (%dx%d, %d bytes): %s%n", output, picture.getWidth(),
                    picture.getHeight(), bytes, explanation.title());
            cl.getOut().flush();
            return 0;
        } catch (ModelRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + model + ": " + e.getMessage(), e);
        }
    }

    private float[] input(CommandLine cl, ModelInputs inputs) {
        try {
            if (image != null) {
                return inputs.of(CliFiles.read(cl, "--image", image));
            }
            IdxDataset data = CliFiles.idx(cl, idx, split);
            if (index < 0 || index >= data.count()) {
                throw new CommandLine.ParameterException(cl, "--index " + index + " is outside 0.." + (data.count() - 1)
                        + " of the " + split + " split of " + idx);
            }
            float[] input = new float[inputs.size()];
            inputs.of(data, index, input, 0);
            return input;
        } catch (RejectedInputException e) {
            String what = image != null ? "--image " + image : "image " + index + " of --idx " + idx;
            throw new IllegalArgumentException(what + " cannot be made model input: " + e.getMessage(), e);
        }
    }
}
