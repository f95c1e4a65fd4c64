package io.latentwatch.cli;

import io.latentwatch.bench.Benchmark;
import io.latentwatch.config.Tuning;
import io.latentwatch.data.SampleData;
import io.latentwatch.stream.OutputRecords;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code latentwatch bench}: end-to-end throughput and latency on a real broker. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measures throughput and latency end to end; prints one JSON line.",
        description = {"Measures the detector end to end on a real broker and prints one JSON line:",
                "throughput draining N preloaded images, latency percentiles at half that rate, and the raw",
                "ONNX Runtime throughput of the same model on the same images, side by side."})
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Broker to measure on (default: an embedded single-node broker).")
    String bootstrapServers;

    @Option(names = "--images", defaultValue = "20000", paramLabel = "N",
            description = "Images to preload and drain (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "ONNX model to serve.")
    Path model;

    @Option(names = "--threshold", paramLabel = "X",
            description = "Threshold, for models without latentwatch.threshold metadata.")
    Double threshold;

    @Option(names = "--idx", paramLabel = "DIR",
            description = "IDX set whose test images are sent (default: the bundled Fashion-MNIST sample).")
    Path idx;

    @Option(names = "--stream-threads", defaultValue = "1", paramLabel = "N",
            description = "Kafka Streams threads of the detector (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the input topic (default: the number of stream threads).")
    Integer partitions;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2", paramLabel = "GUARANTEE",
            description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client/Streams settings for an external broker.")
    Path kafkaConfig;

    @Option(names = "--commit-interval", defaultValue = "20", paramLabel = "MS",
            description = "The detector's commit interval, as in detect (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--batch-size", defaultValue = "1", paramLabel = "N",
            description = "The detector's batch size, as in detect (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-linger", defaultValue = "10", paramLabel = "MS",
            description = "The detector's batch linger, as in detect (default: ${DEFAULT-VALUE}).")
    long batchLingerMs;

    @Option(names = "--compare-commit-intervals", defaultValue = "100", split = ",", paramLabel = "MS,...",
            description = "Other commit intervals whose latency is measured too, each with a fresh detector at the"
                    + " same rate; 'none' for none (default: ${DEFAULT-VALUE}).")
    List<String> compareCommitIntervals;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (images < 100) {
            throw new CommandLine.ParameterException(cl, "--images must be at least 100, got " + images);
        }
        if (!Files.isReadable(model)) {
            throw new CommandLine.ParameterException(cl, "--model " + model + ": no such readable file");
        }
        if (streamThreads < 1 || partitions != null && partitions < 1) {
            throw new CommandLine.ParameterException(cl, "--stream-threads and --partitions must be at least 1");
        }
        Map<String, String> kafka = KafkaConfigFile.load(kafkaConfig, cl);
        Tuning tuning;
        List<Duration> others = new ArrayList<>();
        try {
            tuning = new Tuning(batchSize, Duration.ofMillis(batchLingerMs), Duration.ofMillis(commitIntervalMs));
            for (String ms : compareCommitIntervals) {
                if (!ms.equalsIgnoreCase("none")) {
                    others.add(new Tuning(1, Tuning.DEFAULT.batchLinger(), Duration.ofMillis(Long.parseLong(ms.trim())))
                            .commitInterval());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage()
                    + " (--commit-interval, --batch-linger and --compare-commit-intervals take milliseconds)", e);
        }
        Benchmark.Settings settings = new Benchmark.Settings(bootstrapServers, images, model, threshold,
                idx == null ? SampleData.dir() : idx, streamThreads, partitions == null ? streamThreads : partitions,
                processingGuarantee, kafka, tuning, others);
        Map<String, Object> result = Benchmark.run(settings, System.err);
        System.out.println(OutputRecords.mapper().writeValueAsString(result));
        return 0;
    }
}
