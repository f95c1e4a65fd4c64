package io.latentwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.Normalization;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.model.ScoreFunction;
import io.latentwatch.train.Evaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code latentwatch evaluate}: scores a labelled IDX set with a model and prints one JSON line. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores a labelled IDX set with a model; prints one JSON line.",
                "",
                "Scores the test split of an IDX set in ONNX Runtime, exactly as the detector",
                "scores, and prints one JSON line: images, anomalies, auroc, auprc, and at the",
                "threshold: threshold, precision, recall, f1, fpr. Images of --normal-classes",
                "are normal, all others anomalies."})
public final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "The model to evaluate.")
    Path model;

    @Option(names = "--idx", required = true, paramLabel = "DIR",
            description = "Directory of an MNIST-style IDX set (t10k-images-idx3-ubyte[.gz], ...).")
    Path idx;

    @Option(names = "--normal-classes", required = true, paramLabel = "LIST",
            description = "The classes that are normal, e.g. 5,7,9; every other class is an anomaly.")
    String normalClasses;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|train",
            description = "Which split to score (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--threshold", paramLabel = "X",
            description = "Threshold for precision, recall, f1 and fpr; default: the model's latentwatch.threshold.")
    Double threshold;

    @Option(names = {"--normalization", "--normalisation"}, paramLabel = "SPEC",
            description = "Pixel normalisation for a model without metadata: unit, symmetric, raw or mean-std:M,S.")
    String normalization;

    @Option(names = "--score-function", paramLabel = "mse|mae|output",
            description = "Score function for a model without metadata (default for those: mse).")
    String scoreFunction;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (!Files.isReadable(model)) {
            throw new CommandLine.ParameterException(cl, "--model " + model + ": no such readable file");
        }
        if (!Files.isDirectory(idx)) {
            throw new CommandLine.ParameterException(cl, "--idx " + idx + ": no such directory");
        }
        LabelSet normal;
        ModelOverrides overrides;
        Split which;
        try {
            normal = LabelSet.parse(normalClasses);
            which = Split.valueOf(split.trim().toUpperCase(Locale.ROOT));
            overrides = new ModelOverrides(threshold,
                    normalization == null ? null : Normalization.parse(normalization),
                    scoreFunction == null ? null : ScoreFunction.parse(scoreFunction));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
        IdxDataset data;
        try {
            data = IdxDataset.load(idx, which);
        } catch (IOException e) {
            throw new IllegalArgumentException("--idx " + idx + ": " + e.getMessage(), e);
        }
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(model), model.toString(), overrides, 1)) {
            Map<String, Object> result = Evaluation.run(loaded, data, normal, threshold);
            cl.getOut().println(JSON.writeValueAsString(result));
            cl.getOut().flush();
            return 0;
        } catch (ModelRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --model " + model + ": " + e.getMessage(), e);
        }
    }
}
