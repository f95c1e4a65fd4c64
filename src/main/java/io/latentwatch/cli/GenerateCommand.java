package io.latentwatch.cli;

import ai.onnxruntime.OrtException;
import io.latentwatch.heatmap.ImageShape;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.train.DecoderExport;
import io.latentwatch.viz.ImageGrid;
import io.latentwatch.viz.VaeDecoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code latentwatch generate}: new images from a VAE's decoder. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates new images with a VAE and draws them as a grid.",
                "",
                "Draws --count latent vectors from N(0, I) (seeded) and decodes them with the",
                "VAE's decoder, M.decoder.onnx, which 'latentwatch train --model-type vae",
                "--output M.onnx' writes next to the model. A plain autoencoder has no such",
                "smooth latent space and is refused."})
public final class GenerateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "The VAE.")
    Path model;

    @Option(names = "--decoder", paramLabel = "FILE.onnx",
            description = "Its decoder (default: FILE.decoder.onnx next to --model).")
    Path decoder;

    @Option(names = "--count", defaultValue = "64", paramLabel = "N",
            description = "Images to generate, 1..1024 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of the latent vectors; the same seed and model give the same picture"
                    + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--columns", paramLabel = "N", description = "Images per row (default: a near-square grid).")
    Integer columns;

    @Option(names = "--scale", defaultValue = "2", paramLabel = "N",
            description = "Picture pixels per image pixel, 1..16 (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--output", required = true, paramLabel = "FILE.png", description = "The picture to write.")
    Path output;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (count < 1 || count > 1024) {
            throw new CommandLine.ParameterException(cl, "--count must be 1..1024, got " + count);
        }
        if (scale < 1 || scale > 16) {
            throw new CommandLine.ParameterException(cl, "--scale must be 1..16, got " + scale);
        }
        if (columns != null && columns < 1) {
            throw new CommandLine.ParameterException(cl, "--columns must be at least 1, got " + columns);
        }
        ModelInfo info = vae(cl);
        Path decoderFile = decoder != null ? decoder : DecoderExport.fileOf(model);
        if (decoder == null && !Files.exists(decoderFile)) {
            throw new IllegalArgumentException("--model " + model + " has no decoder next to it (" + decoderFile
                    + "); retrain it with 'latentwatch train --model-type vae --output " + model + "', which writes"
                    + " one, or pass --decoder FILE");
        }
        try (VaeDecoder vae = VaeDecoder.load(CliFiles.read(cl, "--decoder", decoderFile), decoderFile.toString())) {
            check(info, vae, decoderFile);
            float[] images = vae.decode(vae.sampleLatents(count, seed));
            ImageShape shape = ImageShape.of(info);
            String title = String.format(Locale.ROOT, "%d images decoded from z ~ N(0, I), seed %d", count, seed);
            BufferedImage picture = ImageGrid.draw(images, count, shape,
                    columns != null ? columns : ImageGrid.columns(count), scale, title);
            long bytes = CliFiles.writePng(picture, output);
            cl.getOut().printf(Locale.ROOT, "wrote %s (%dx%d, %d bytes): %d images from %d-D latent vectors of %s%n",
                    output, picture.getWidth(), picture.getHeight(), bytes, count, vae.latentSize(), info.version());
            cl.getOut().flush();
            return 0;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + model + ": " + e.getMessage(), e);
        }
    }

    /** The model's info; refuses anything but a VAE. */
    private ModelInfo vae(CommandLine cl) {
        byte[] bytes = CliFiles.read(cl, "--model", model);
        // The threshold plays no part in generating; a model without one is still a VAE.
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(bytes, model.toString(), new ModelOverrides(0.0, null, null),
                1)) {
            ModelInfo info = loaded.info();
            if (!"vae".equals(info.modelType())) {
                throw new IllegalArgumentException("--model " + model + " is not a VAE (model type '"
                        + info.modelType() + "'): only a variational autoencoder's latent space can be sampled;"
                        + " train one with 'latentwatch train --model-type vae --output M.onnx'");
            }
            return info;
        } catch (ModelRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void check(ModelInfo info, VaeDecoder vae, Path decoderFile) {
        if (vae.decoderOf() != null && !vae.decoderOf().equals(info.version())) {
            throw new IllegalArgumentException(decoderFile + " is the decoder of model version " + vae.decoderOf()
                    + ", not of " + model + " (version " + info.version() + "); it is left from an older training"
                    + " run: retrain, or pass the matching --decoder");
        }
        int[] expected = {info.channels(), info.height(), info.width()};
        if (!Arrays.equals(vae.imageShape(), expected)) {
            throw new IllegalArgumentException(decoderFile + " decodes images of " + Arrays.toString(vae.imageShape())
                    + " but " + model + " takes " + Arrays.toString(expected));
        }
        if (info.embeddingSize() != 0 && info.embeddingSize() != vae.latentSize()) {
            throw new IllegalArgumentException(decoderFile + " takes latent vectors of " + vae.latentSize()
                    + " but " + model + " has " + info.embeddingSize());
        }
    }
}
