package io.latentwatch.cli;

import io.latentwatch.bench.Benchmark;
import io.latentwatch.config.Tuning;
import io.latentwatch.data.SampleData;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.util.FileTrees;
import io.latentwatch.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code latentwatch bench}: end-to-end throughput and latency on a real broker. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measures throughput and latency end to end; prints one JSON line.",
        description = "Measures the detector end to end on a real broker and prints one JSON line:"
                + " throughput draining N preloaded images, latency percentiles at half that rate, and the raw"
                + " ONNX Runtime throughput of the same model on the same images, side by side.")
public final class BenchCommand implements Callable<Integer> {
    private static final String QUICK_MODEL_CLASSES = "5,7,9";
    private static final int QUICK_MODEL_EPOCHS = 3;
    /**
     * Default warm-up images per timed image. On two cores the JVM inside bench (broker, load and
     * detector) was still compiling through the drain after a warm-up of 20,000 images (3-4.6 s of
     * JIT time in a 3-4 s drain; end-to-end 0.53-0.71 of raw decode+ONNX) and less so after 60,000
     * (1.9-2.5 s; 0.67-0.78), measured 2026-11-30.
     */
    static final int WARM_UP_PER_TIMED_IMAGE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ExternalBrokerOptions broker;

    @Option(names = "--images", defaultValue = "20000", paramLabel = "N",
            description = "Images to preload and drain (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--warm-up-images", paramLabel = "N",
            description = "Images the detector scores before the timed --images, not counted: a fresh JVM compiles"
                    + " the detector's, the clients' and the broker's hot paths for its first half minute or so"
                    + " (jit_compile_seconds_while_draining in the output says how much was left); 0 times a cold"
                    + " detector from its first output (default: three times --images).")
    Integer warmUpImages;

    @Option(names = "--model", paramLabel = "FILE",
            description = "ONNX model to serve (default: a quick model trained first on the bundled sample's classes"
                    + " " + QUICK_MODEL_CLASSES + ", " + QUICK_MODEL_EPOCHS + " epochs, which takes some seconds).")
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
            description = "Partitions of the input topic (default: the number of stream threads, times the number of"
                    + " detector processes).")
    Integer partitions;

    @Option(names = "--detector-processes", defaultValue = "0", paramLabel = "N",
            description = "Run the detector as N separate 'latentwatch detect' processes sharing the input topic (one"
                    + " application id), and report their CPU per image too; 0 runs it inside bench"
                    + " (default: ${DEFAULT-VALUE}).")
    int detectorProcesses;

    @Option(names = "--detector-jvm-options", defaultValue = "-Xmx512m", paramLabel = "OPTIONS",
            description = "JVM options of each detector process, space-separated (default: ${DEFAULT-VALUE}, as the"
                    + " launcher gives detect).")
    String detectorJvmOptions;

    @Option(names = "--keep-topics",
            description = "With --bootstrap-servers: keep the topics and consumer groups the run made (names starting"
                    + " with bench-); by default they are deleted at the end, so that runs do not fill the cluster.")
    boolean keepTopics;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2", paramLabel = "GUARANTEE",
            description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Option(names = "--commit-interval", defaultValue = "" + Tuning.DEFAULT_COMMIT_INTERVAL_MS, paramLabel = "MS",
            description = "The detector's commit interval, as in detect (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--batch-size", defaultValue = "" + Tuning.DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "The detector's batch size, as in detect (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-linger", defaultValue = "" + Tuning.DEFAULT_BATCH_LINGER_MS, paramLabel = "MS",
            description = "The detector's batch linger, as in detect (default: ${DEFAULT-VALUE}).")
    long batchLingerMs;

    @Option(names = "--latency-rate", paramLabel = "IMAGES_PER_S",
            description = "Rate of the paced stream whose latency is measured, e.g. the load a deployment expects"
                    + " (default: half the measured throughput).")
    Double latencyRate;

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
        if (warmUpImages == null) {
            warmUpImages = (int) Math.min(Integer.MAX_VALUE, WARM_UP_PER_TIMED_IMAGE * (long) images);
        }
        if (warmUpImages < 0) {
            throw new CommandLine.ParameterException(cl, "--warm-up-images must be 0 (no warm-up) or more, got "
                    + warmUpImages);
        }
        if (latencyRate != null && !(latencyRate >= 1 && latencyRate <= 1_000_000)) {
            throw new CommandLine.ParameterException(cl, "--latency-rate must be between 1 and 1000000 images per"
                    + " second, got " + latencyRate);
        }
        if (model != null) {
            checkModel(cl, model);
        }
        if (streamThreads < 1 || partitions != null && partitions < 1) {
            throw new CommandLine.ParameterException(cl, "--stream-threads and --partitions must be at least 1");
        }
        if (detectorProcesses < 0) {
            throw new CommandLine.ParameterException(cl, "--detector-processes must be 0 (in bench) or more, got "
                    + detectorProcesses);
        }
        if (partitions != null && partitions < detectorProcesses) {
            throw new CommandLine.ParameterException(cl, "--detector-processes " + detectorProcesses + " needs"
                    + " --partitions " + detectorProcesses + " or more: a process without a partition scores nothing");
        }
        Map<String, String> kafka = broker.properties();
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
        Path tempDir = model == null ? Files.createTempDirectory("latentwatch-bench-") : null;
        try {
            Path served = model != null ? model : quickModel(cl, tempDir);
            return run(served, kafka, tuning, others);
        } finally {
            if (tempDir != null) {
                FileTrees.deleteRecursively(tempDir);
            }
        }
    }

    private int run(Path served, Map<String, String> kafka, Tuning tuning, List<Duration> others) throws Exception {
        Benchmark.Settings settings = new Benchmark.Settings(broker.bootstrapServers, images, warmUpImages, latencyRate, served, threshold,
                idx == null ? SampleData.dir() : idx, streamThreads,
                partitions == null ? streamThreads * Math.max(1, detectorProcesses) : partitions,
                processingGuarantee, kafka, tuning, others, detectorProcesses,
                Arrays.stream(detectorJvmOptions.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList(), keepTopics);
        Map<String, Object> result = Benchmark.run(settings, System.err);
        spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(result));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A model file that ONNX Runtime cannot load is a usage error, said in one line. */
    private void checkModel(CommandLine cl, Path file) {
        if (!Files.isReadable(file)) {
            throw new CommandLine.ParameterException(cl, "--model " + file + ": no such readable file");
        }
        try (OnnxAutoencoder loaded = OnnxAutoencoder.load(Files.readAllBytes(file), file.toString(),
                new ModelOverrides(threshold, null, null), 1)) {
            loaded.info();
        } catch (ModelRefusedException e) {
            throw new CommandLine.ParameterException(cl, "--model " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--model " + file + ": " + e.getMessage(), e);
        }
    }

    /** Trains the quick model a newcomer's {@code bench} runs with, progress on standard error. */
    private Path quickModel(CommandLine cl, Path dir) {
        Path file = dir.resolve("bench-model.onnx");
        cl.getErr().println("bench: no --model given; training a quick model on the classes " + QUICK_MODEL_CLASSES
                + " of " + (idx == null ? "the bundled sample" : idx) + " (" + QUICK_MODEL_EPOCHS
                + " epochs); give --model FILE.onnx to measure your own");
        cl.getErr().flush();
        CommandLine train = Main.commandLine();
        train.setOut(cl.getErr());
        train.setErr(cl.getErr());
        int code = train.execute("train", "--idx", (idx == null ? SampleData.dir() : idx).toString(),
                "--normal-classes", QUICK_MODEL_CLASSES, "--epochs", Integer.toString(QUICK_MODEL_EPOCHS),
                "--output", file.toString());
        if (code != 0) {
            throw new IllegalStateException("training the quick model failed (exit " + code + "); give --model"
                    + " FILE.onnx, e.g. one written by 'latentwatch train --output'");
        }
        return file;
    }
}
