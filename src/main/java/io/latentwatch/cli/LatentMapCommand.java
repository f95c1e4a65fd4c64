package io.latentwatch.cli;

import ai.onnxruntime.OrtException;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.image.RejectedInputException;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.Scores;
import io.latentwatch.viz.ModelInputs;
import io.latentwatch.viz.Pca;
import io.latentwatch.viz.ScatterPlot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code latentwatch latent-map}: the latent space of a model as a scatter plot coloured by class. */
@Command(name = "latent-map", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draws a model's latent space: one dot per image, coloured by class.",
                "",
                "Embeds images of a labelled IDX set with the model (its 'embedding' output,",
                "z_mean for a VAE) and plots them. A model trained with --latent-size 2 is",
                "plotted as it is; a larger latent space is projected on its first two",
                "principal components (PCA), which the title says, with their share of variance."})
public final class LatentMapCommand implements Callable<Integer> {
    private static final int BATCH = 64;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "The model.")
    Path model;

    @Option(names = "--idx", required = true, paramLabel = "DIR",
            description = "Directory of a labelled MNIST-style IDX set.")
    Path idx;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|train",
            description = "Which split to embed (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--count", defaultValue = "2000", paramLabel = "N",
            description = "Most images to plot, chosen at random with --seed (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of the choice and drawing order of the images (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--class-names", paramLabel = "LIST",
            description = "Legend names of classes 0, 1, ..., comma-separated, e.g. for Fashion-MNIST"
                    + " 'T-shirt,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot' (default: the"
                    + " class numbers).")
    String classNames;

    @Option(names = "--output", required = true, paramLabel = "FILE.png", description = "The picture to write.")
    Path output;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (count < 2) {
            throw new CommandLine.ParameterException(cl, "--count must be at least 2, got " + count);
        }
        IdxDataset data = CliFiles.idx(cl, idx, split);
        int[] chosen = choose(data.count(), count, seed);
        byte[] bytes = CliFiles.read(cl, "--model", model);
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(bytes, model.toString(), new ModelOverrides(0.0, null, null),
                1)) {
            ModelInfo info = loaded.info();
            if (info.embeddingSize() < 2) {
                throw new IllegalArgumentException("--model " + model + " has " + (info.embeddingSize() == 0
                        ? "no 'embedding' output" : "a 1-D embedding") + "; a latent map needs at least 2 dimensions");
            }
            float[][] vectors = embed(loaded, data, chosen);
            int[] labels = Arrays.stream(chosen).map(i -> data.labels()[i]).toArray();
            String title;
            String[] axes;
            float[][] points;
            if (info.embeddingSize() == 2) {
                points = vectors;
                title = String.format(Locale.ROOT, "latent space (2-D), %d %s images", chosen.length, split);
                axes = new String[] {"z1", "z2"};
            } else {
                Pca pca = Pca.project(vectors);
                points = pca.points();
                title = String.format(Locale.ROOT, "PCA of the %d-D latent space, %d %s images",
                        info.embeddingSize(), chosen.length, split);
                axes = new String[] {String.format(Locale.ROOT, "PC1 (%.0f%% of variance)", 100 * pca.explained()[0]),
                        String.format(Locale.ROOT, "PC2 (%.0f%%)", 100 * pca.explained()[1])};
            }
            BufferedImage picture = ScatterPlot.draw(points, labels, names(), title, axes);
            long written = CliFiles.writePng(picture, output);
            cl.getOut().printf(Locale.ROOT, "wrote %s (%dx%d, %d bytes): %s%n", output, picture.getWidth(),
                    picture.getHeight(), written, title);
            cl.getOut().flush();
            return 0;
        } catch (ModelRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + model + ": " + e.getMessage(), e);
        }
    }

    private static float[][] embed(OnnxAutoencoder model, IdxDataset data, int[] chosen) throws OrtException {
        ModelInputs inputs = new ModelInputs(model.info());
        InferenceBatch batch = model.newBatch(BATCH);
        float[][] vectors = new float[chosen.length][];
        for (int from = 0; from < chosen.length; from += BATCH) {
            int n = Math.min(BATCH, chosen.length - from);
            for (int i = 0; i < n; i++) {
                try {
                    inputs.of(data, chosen[from + i], batch.pixels(), batch.offset(i));
                } catch (RejectedInputException e) {
                    throw new IllegalStateException("image " + chosen[from + i] + " of the IDX set cannot be made"
                            + " model input: " + e.getMessage(), e);
                }
            }
            Scores scores = model.score(batch, n);
            System.arraycopy(scores.embeddings(), 0, vectors, from, n);
        }
        return vectors;
    }

    /** Up to {@code most} distinct indexes of {@code total}, in a seeded random order. */
    static int[] choose(int total, int most, long seed) {
        int[] all = new int[total];
        Arrays.setAll(all, i -> i);
        Random random = new Random(seed);
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, Math.min(total, most));
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        if (classNames != null) {
            for (String name : classNames.split(",")) {
                names.add(name.trim());
            }
        }
        return names;
    }
}
