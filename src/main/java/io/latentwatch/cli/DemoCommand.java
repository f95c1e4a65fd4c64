package io.latentwatch.cli;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.SampleData;
import io.latentwatch.data.Split;
import io.latentwatch.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code latentwatch demo}: everything on one machine, no setup. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Runs the whole product on this machine, nothing to set up.",
        description = "Runs the whole product on this machine with nothing to set up: an embedded Kafka broker,"
                + " a first model trained on the bundled Fashion-MNIST sample, the detector, and a labelled stream"
                + " with a few percent anomalies, shown live. A quarter of the way in, a second model is trained in the"
                + " background from the images on the input topic and published as a challenger; the detector scores"
                + " it in the shadow of the serving model, and three quarters of the way in it is promoted and the"
                + " detector swaps to it. Ctrl-C stops it.")
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", defaultValue = "2000", paramLabel = "N",
            description = "Images to stream (default: ${DEFAULT-VALUE}).")
    long images;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "N",
            description = "Images per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--idx", paramLabel = "DIR",
            description = "IDX set to train on and stream, e.g. /usr/share/datasets/fashion-mnist"
                    + " (default: the bundled sample).")
    Path idx;

    @Option(names = "--normal-classes", defaultValue = "5,7,9", paramLabel = "LIST",
            description = "The normal classes; every other class is an anomaly (default: ${DEFAULT-VALUE}, footwear).")
    String normalClasses;

    @Option(names = "--anomaly-fraction", defaultValue = "0.05", paramLabel = "F",
            description = "Share of anomalies in the stream (default: ${DEFAULT-VALUE}).")
    double anomalyFraction;

    @Option(names = "--epochs", defaultValue = "8", paramLabel = "N",
            description = "Epochs of each model (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of the detector's /metrics; a free one is taken when it is busy (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        // Everything is checked before the broker starts, each value against its own flag.
        if (images < 10) {
            throw new CommandLine.ParameterException(cl, "--images must be at least 10 (got " + images + ")");
        }
        if (!(rate > 0)) {
            throw new CommandLine.ParameterException(cl, "--rate must be positive (got " + rate + ")");
        }
        if (epochs < 1) {
            throw new CommandLine.ParameterException(cl, "--epochs must be at least 1 (got " + epochs + ")");
        }
        if (!(anomalyFraction >= 0 && anomalyFraction < 1)) {
            throw new CommandLine.ParameterException(cl, "--anomaly-fraction must be within [0, 1) (got "
                    + anomalyFraction + ")");
        }
        LabelSet normal;
        try {
            normal = LabelSet.parse(normalClasses);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--normal-classes: " + e.getMessage(), e);
        }
        Path data = idx == null ? SampleData.dir() : idx;
        checkClasses(cl, data, normal);
        Demo.Settings settings = new Demo.Settings(data, normal, images, rate,
                anomalyFraction, epochs, httpPort);
        try (StopSignal signal = StopSignal.install()) {
            new Demo(settings, System.out, signal::stopRequested, System.console() != null).run();
        }
        return 0;
    }

    /** The normal classes must have training images, and the test images must hold some other class to flag. */
    private static void checkClasses(CommandLine cl, Path data, LabelSet normal) {
        BitSet trainLabels;
        BitSet testLabels;
        try {
            trainLabels = labels(IdxDataset.load(data, Split.TRAIN));
            testLabels = labels(IdxDataset.load(data, Split.TEST));
        } catch (IOException | RuntimeException e) {
            throw new CommandLine.ParameterException(cl, "--idx: cannot read an IDX data set in " + data + ": "
                    + e.getMessage(), e);
        }
        for (int label = trainLabels.nextClearBit(0); label < 256; label = trainLabels.nextClearBit(label + 1)) {
            if (normal.contains(label)) {
                throw new CommandLine.ParameterException(cl, "--normal-classes: class " + label + " has no training"
                        + " images in " + data + "; its classes are " + describe(trainLabels));
            }
        }
        boolean anyOther = testLabels.stream().anyMatch(label -> !normal.contains(label));
        if (!anyOther) {
            throw new CommandLine.ParameterException(cl, "--normal-classes: every class of the test images ("
                    + describe(testLabels) + ") is normal, so nothing could be flagged; leave at least one out");
        }
    }

    private static BitSet labels(IdxDataset dataset) {
        BitSet labels = new BitSet(256);
        for (int label : dataset.labels()) {
            labels.set(label);
        }
        return labels;
    }

    private static String describe(BitSet labels) {
        return labels.stream().mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
