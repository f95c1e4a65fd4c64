package io.latentwatch.cli;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.data.SampleData;
import io.latentwatch.data.Split;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.produce.ImageProducer;
import io.latentwatch.produce.ImageStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code latentwatch produce}: streams a data set into the input topic as CloudEvents. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Streams a labelled image set into the input topic as CloudEvents.",
        description = {"Streams images into the input topic as CloudEvents (binary mode, image/png),",
                "with the class label in the x-latentwatch-label header when known."})
public final class ProduceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @CommandLine.Mixin
    InputTopicOption inputTopic;

    @Option(names = "--idx", paramLabel = "DIR",
            description = "Directory of an MNIST-style IDX set, e.g. /usr/share/datasets/fashion-mnist"
                    + " (default: the bundled Fashion-MNIST sample).")
    Path idx;

    @Option(names = "--images-dir", paramLabel = "DIR",
            description = "Directory of image files (PNG, JPEG, ...) to send as they are, instead of --idx.")
    Path imagesDir;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test",
            description = "Which IDX split to stream (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--normal-classes", paramLabel = "LIST",
            description = "Classes streamed as normal, e.g. 5,7,9 (default: every class not in --anomaly-classes).")
    String normalClasses;

    @Option(names = "--anomaly-classes", paramLabel = "LIST",
            description = "Classes streamed as anomalies, making up --anomaly-fraction of the stream (default: none).")
    String anomalyClasses;

    @Option(names = "--anomaly-fraction", defaultValue = "0.05", paramLabel = "F",
            description = "Share of anomalies in the stream when --anomaly-classes is given (default: ${DEFAULT-VALUE}).")
    double anomalyFraction;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "N",
            description = "Images per second; 0 sends as fast as Kafka takes them (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", paramLabel = "N",
            description = "Images to send, cycling through the data when more than it holds; 0 sends until stopped"
                    + " (default: every image once).")
    Long count;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of the shuffle and of the anomaly mix (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--create-topics", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Create the topic when missing (default: ${DEFAULT-VALUE}).")
    boolean createTopics;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (idx != null && imagesDir != null) {
            throw new CommandLine.ParameterException(cl, "give --idx or --images-dir, not both");
        }
        if (rate < 0 || count != null && count < 0) {
            throw new CommandLine.ParameterException(cl, "--rate and --count must not be negative");
        }
        ImageStream images = images(cl);
        Map<String, Object> props = connection.clientProperties();
        new TopicAdmin(props, Duration.ofSeconds(30)).ensure(List.of(inputTopic.name), Set.of(), createTopics, 3, (short) -1);
        long total = count == null ? images.size() : count;
        System.err.printf(Locale.ROOT, "sending %s images to %s at %s%n", total == 0 ? "unlimited" : total, inputTopic.name,
                rate == 0 ? "full speed" : rate + " images/s");
        long started = System.nanoTime();
        long[] lastReport = {started};
        try (StopSignal signal = StopSignal.install();
             ImageProducer producer = new ImageProducer(props, inputTopic.name, URI.create("/latentwatch/produce"),
                     "produce-" + Long.toHexString(System.currentTimeMillis()))) {
            long sent = producer.send(images, total, rate, signal::stopRequested, (seq, id, image) -> {
                long now = System.nanoTime();
                if (now - lastReport[0] > 5_000_000_000L) {
                    lastReport[0] = now;
                    System.err.printf(Locale.ROOT, "sent %d images (%.0f/s)%n", seq + 1,
                            (seq + 1) / ((now - started) / 1e9));
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            System.err.printf(Locale.ROOT, "sent %d images in %.1f s (%.0f/s)%n", sent, seconds, sent / seconds);
        }
        return 0;
    }

    private ImageStream images(CommandLine cl) {
        if (imagesDir != null) {
            try {
                return ImageStream.fromDirectory(imagesDir);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, "--images-dir: " + e.getMessage(), e);
            }
        }
        Split which;
        try {
            which = Split.valueOf(split.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--split must be train or test, got " + split);
        }
        try {
            LabelSet normal = normalClasses == null ? null : LabelSet.parse(normalClasses);
            LabelSet anomalies = anomalyClasses == null ? null : LabelSet.parse(anomalyClasses);
            IdxDataset data = IdxDataset.load(idx == null ? SampleData.dir() : idx, which);
            return ImageStream.fromIdx(data, normal, anomalies, anomalyFraction, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--idx: " + e.getMessage(), e);
        }
    }
}
