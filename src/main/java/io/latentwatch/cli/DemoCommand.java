package io.latentwatch.cli;

import io.latentwatch.data.LabelSet;
import io.latentwatch.data.SampleData;
import io.latentwatch.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code latentwatch demo}: everything on one machine, no setup. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Runs the whole product on this machine, nothing to set up.",
        description = {"Runs the whole product on this machine with nothing to set up: an embedded Kafka broker,",
                "a first model trained on the bundled Fashion-MNIST sample, the detector, and a labelled stream",
                "with a few percent anomalies, shown live; halfway a retrained model is swapped in. Ctrl-C stops it."})
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
        if (images < 10 || rate <= 0 || epochs < 1 || anomalyFraction < 0 || anomalyFraction >= 1) {
            throw new CommandLine.ParameterException(cl, "--images must be at least 10, --rate and --epochs positive,"
                    + " and --anomaly-fraction within [0, 1)");
        }
        LabelSet normal;
        try {
            normal = LabelSet.parse(normalClasses);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--normal-classes: " + e.getMessage(), e);
        }
        Demo.Settings settings = new Demo.Settings(idx == null ? SampleData.dir() : idx, normal, images, rate,
                anomalyFraction, epochs, httpPort);
        try (StopSignal signal = StopSignal.install()) {
            new Demo(settings, System.out, signal::stopRequested, System.console() != null).run();
        }
        return 0;
    }
}
