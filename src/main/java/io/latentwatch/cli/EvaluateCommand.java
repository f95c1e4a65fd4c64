package io.latentwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.config.Topics;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.Split;
import io.latentwatch.image.InputLimits;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.produce.ImageEvents;
import io.latentwatch.train.Evaluation;
import io.latentwatch.train.TopicImages;
import io.latentwatch.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code latentwatch evaluate}: scores a labelled IDX set, or the labelled records of a topic, with
 * a model and prints one JSON line.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores a labelled IDX set or topic with a model; prints one JSON line.",
                "",
                "Scores the test split of an IDX set (--idx), or the newest records of a topic",
                "labelled in a header (--from-topic), in ONNX Runtime, exactly as the detector",
                "scores, and prints one JSON line: images, anomalies, auroc, auprc, and at the",
                "threshold: threshold, precision, recall, f1, fpr. Images of --normal-classes",
                "are normal, all others anomalies."})
public final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = Json.MAPPER;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "The model to evaluate.")
    Path model;

    @Option(names = "--idx", paramLabel = "DIR",
            description = "Directory of an MNIST-style IDX set (t10k-images-idx3-ubyte[.gz], ...).")
    Path idx;

    @Option(names = "--from-topic", arity = "0..1", fallbackValue = Topics.DEFAULT_INPUT, paramLabel = "TOPIC",
            description = "Instead of --idx: score the newest --max-records records of this topic (default when given"
                    + " without a value: " + Topics.DEFAULT_INPUT + "), each labelled by the class in its"
                    + " --label-header header; records without one are counted as unlabelled and skipped.")
    String fromTopic;

    @Option(names = "--label-header", defaultValue = ImageEvents.LABEL_HEADER, paramLabel = "NAME",
            description = "With --from-topic: the header holding each record's class label, as written by"
                    + " 'latentwatch produce' (default: ${DEFAULT-VALUE}).")
    String labelHeader;

    @Option(names = "--max-records", defaultValue = "10000", paramLabel = "N",
            description = "With --from-topic: most records to read, newest first (default: ${DEFAULT-VALUE}).")
    int maxRecords;

    @Option(names = "--normal-classes", required = true, paramLabel = "LIST",
            description = "The classes that are normal, e.g. 5,7,9; every other class is an anomaly.")
    String normalClasses;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|train",
            description = "Which split to score (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--at-fpr", defaultValue = "0.01", paramLabel = "RATE",
            description = {"Also report recall and precision at the threshold that flags exactly this share of the"
                    + " labelled normal images (recall_at_fpr, precision_at_fpr, threshold_at_fpr): how good the"
                    + " scores are, apart from how well the model's own threshold was calibrated"
                    + " (default: ${DEFAULT-VALUE})."})
    double atFpr;

    @CommandLine.Mixin
    ModelOverrideOptions modelOverrides = new ModelOverrideOptions();

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (!Files.isReadable(model)) {
            throw new CommandLine.ParameterException(cl, "--model " + model + ": no such readable file");
        }
        if ((idx == null) == (fromTopic == null)) {
            throw new CommandLine.ParameterException(cl, "give exactly one of --idx DIR and --from-topic TOPIC");
        }
        if (idx != null && !Files.isDirectory(idx)) {
            throw new CommandLine.ParameterException(cl, "--idx " + idx + ": no such directory");
        }
        if (!(atFpr > 0 && atFpr < 1)) {
            throw new CommandLine.ParameterException(cl, "--at-fpr must be between 0 and 1 (exclusive), got " + atFpr);
        }
        if (fromTopic != null && maxRecords < 1) {
            throw new CommandLine.ParameterException(cl, "--max-records must be at least 1, got " + maxRecords);
        }
        LabelSet normal;
        ModelOverrides overrides;
        Split which;
        try {
            normal = LabelSet.parse(normalClasses);
            which = Split.valueOf(split.trim().toUpperCase(Locale.ROOT));
            overrides = modelOverrides.toOverrides();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(model), model.toString(), overrides, 1)) {
            Map<String, Object> result = fromTopic != null
                    ? Evaluation.fromTopic(loaded, new TopicImages(connection.clientProperties(), InputLimits.DEFAULT), fromTopic,
                            maxRecords, labelHeader, normal, modelOverrides.threshold, atFpr)
                    : Evaluation.run(loaded, idxData(which), normal, modelOverrides.threshold, atFpr);
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

    private IdxDataset idxData(Split which) {
        try {
            return IdxDataset.load(idx, which);
        } catch (IOException e) {
            throw new IllegalArgumentException("--idx " + idx + ": " + e.getMessage(), e);
        }
    }

}
