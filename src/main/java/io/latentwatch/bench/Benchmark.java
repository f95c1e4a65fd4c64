package io.latentwatch.bench;

import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.data.IdxDataset;
import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.produce.ImageProducer;
import io.latentwatch.produce.ImageStream;
import io.latentwatch.produce.LabelledImage;
import io.latentwatch.util.Percentiles;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures the detector end to end on a real broker: N images preloaded on a fresh input topic,
 * a detector started on it, and the time until all N embeddings are committed (throughput); then
 * a paced stream at half that rate (latency from event time to committed output). The same model
 * is run on the same images in ONNX Runtime alone, in the same process, for the ratio.
 */
public final class Benchmark {
    /** Images a fresh detector of {@code --compare-commit-intervals} scores before its latency is taken. */
    static final int COMPARE_WARM_UP = 2000;
    /** How long a latency run streams at half the measured throughput. */
    static final int LATENCY_SECONDS = 10;
    /** How long the paced stream runs before its latency is measured. */
    static final int LEAD_SECONDS = 2;
    /**
     * Event ids of the paced stream: the lead's and the measured images' share a prefix, and the
     * measuring consumer keeps the records of both the same way, parsing only the measured ones
     * after the run. When it kept only the measured ones, the first of them took a branch its
     * compiled loop had never taken: the JIT threw that code away and the loop ran interpreted
     * until it was compiled again, while the first measured images arrived (docs/benchmarks.md:
     * no measurable part of the p99, but not the detector's work either).
     */
    static final String LEAD_ID = "lat-lead";
    static final String MEASURED_ID = "lat-run";
    static final String KEPT_ID_PREFIX = "lat-";
    static final String MEASURED_ID_PREFIX = MEASURED_ID + "-";
    /** Shortest timed drain whose rate means something: a commit interval or two is noise. */
    private static final double MIN_TIMED_SECONDS = 1.0;
    /**
     * With detector processes and no {@code --warm-up-images}, their CPU per image is counted once 1/5 of
     * the images are out (after JIT warm-up).
     */
    private static final int WARM_UP_SHARE = 5;

    private Benchmark() {
    }

    /**
     * @param bootstrapServers broker to use, or null for an embedded one
     * @param images           images to preload and time
     * @param warmUpImages     images preloaded ahead of them, which the detector scores before the timing
     *                         starts (0 to time a cold detector)
     * @param latencyRate      images per second of the latency runs, or null for half the measured throughput
     * @param model            ONNX model file
     * @param threshold        threshold override, or null
     * @param data             IDX set whose test images are sent
     * @param streamThreads    Kafka Streams threads of the detector
     * @param partitions       partitions of the input topic
     * @param guarantee        processing guarantee
     * @param kafkaProperties  extra client properties
     * @param tuning           the detector's batch size, batch linger and commit interval
     * @param otherCommitIntervals commit intervals whose latency is measured too, each with a fresh detector
     * @param detectorProcesses    0 to run the detector inside this process; N to run N
     *                             {@code latentwatch detect} processes sharing the input topic
     * @param detectorJvmOptions   JVM options of those processes
     * @param keepTopics           on an external broker, keep the topics and consumer groups the run made
     *                             instead of deleting them at the end
     */
    public record Settings(String bootstrapServers, int images, int warmUpImages, Double latencyRate, Path model,
                           Double threshold, Path data, int streamThreads, int partitions, String guarantee,
                           Map<String, String> kafkaProperties, Tuning tuning, List<Duration> otherCommitIntervals,
                           int detectorProcesses, List<String> detectorJvmOptions, boolean keepTopics) {
    }

    /** Runs the benchmark, printing progress to {@code progress}, and returns the figures. */
    public static Map<String, Object> run(Settings s, PrintStream progress) throws Exception {
        byte[] modelBytes = Files.readAllBytes(s.model());
        List<byte[]> pngs = new ArrayList<>();
        ImageStream stream = ImageStream.fromIdx(IdxDataset.load(s.data(), io.latentwatch.data.Split.TEST), null, null,
                0, 7);
        for (int i = 0; i < Math.min(stream.size(), 5000); i++) {
            pngs.add(stream.next().bytes());
        }

        Map<String, Object> result = new LinkedHashMap<>();
        progress.println("bench: raw ONNX Runtime on " + s.images() + " images (one thread, batch 1)...");
        RawThroughput.Figures raw;
        double rawBatched = 0;
        String version;
        try (OnnxAutoencoder model = OnnxAutoencoder.load(modelBytes, s.model().toString(),
                new ModelOverrides(s.threshold(), null, null), 1)) {
            raw = RawThroughput.measure(model, pngs, s.images());
            if (s.tuning().batchSize() > 1) {
                rawBatched = RawThroughput.measureBatched(model, pngs, s.images(), s.tuning().batchSize());
            }
            version = model.info().version();
        }

        EmbeddedKafka embedded = s.bootstrapServers() == null ? EmbeddedKafka.start() : null;
        // the name prefixes of every topic and group made, to delete them from an external broker at the end
        List<String> prefixes = new ArrayList<>();
        try {
            String bootstrap = embedded != null ? embedded.bootstrapServers() : s.bootstrapServers();
            Map<String, Object> props = new HashMap<>(s.kafkaProperties());
            props.put("bootstrap.servers", bootstrap);
            String prefix = newRun(s, props, prefixes);
            Topics topics = topicsOf(prefix);

            long backlog = (long) s.warmUpImages() + s.images();
            progress.println("bench: preloading " + backlog + " images on " + topics.input()
                    + (s.warmUpImages() > 0 ? " (the first " + s.warmUpImages() + " to warm up, not timed)..." : "..."));
            try (ImageProducer producer = new ImageProducer(props, topics.input(), URI.create("/latentwatch/bench"),
                    "load")) {
                producer.send(cycle(pngs), backlog, 0, () -> false, (seq, id, image) -> { });
            }

            // the output from which throughput and CPU are timed: the last warm-up one, or the first
            long mark = Math.max(1, s.warmUpImages());
            // the lead's records are kept too (no more than --images), so that they take the watcher's path
            try (OutputWatcher watcher = new OutputWatcher(props, topics.embeddings(), KEPT_ID_PREFIX,
                    MEASURED_ID_PREFIX, 2 * s.images(), mark);
                 // connected before the drain, so that their start is not in the first images' latency
                 ImageProducer lead = new ImageProducer(props, topics.input(), URI.create("/latentwatch/bench"),
                         LEAD_ID);
                 ImageProducer paced = new ImageProducer(props, topics.input(), URI.create("/latentwatch/bench"),
                         MEASURED_ID)) {
                lead.connect();
                paced.connect();
                progress.println(s.detectorProcesses() > 0
                        ? "bench: " + s.detectorProcesses() + " detector processes draining the backlog..."
                        : "bench: detector draining the backlog...");
                long started = System.nanoTime();
                try (DetectorUnderTest detector = DetectorUnderTest.start(s, bootstrap, prefix, topics, s.tuning())) {
                    Jvm before = detector.now();
                    Duration timeout = Duration.ofSeconds(120 + backlog / 200);
                    // per-image CPU is taken from the timed outputs on, like the throughput: the start, the
                    // rebalance, the first poll and the JIT compiling the hot path are not per-image costs
                    if (!detector.await(watcher, mark, timeout)) {
                        throw new IllegalStateException("only " + watcher.count() + " of " + mark
                                + " outputs arrived within " + timeout.toSeconds() + " s");
                    }
                    if (s.warmUpImages() == 0 && s.detectorProcesses() > 0
                            && !detector.await(watcher, s.images() / WARM_UP_SHARE, timeout)) {
                        // fresh JVMs compile the hot path during their first seconds: not a per-image cost either
                        throw new IllegalStateException("only " + watcher.count() + " outputs arrived within "
                                + timeout.toSeconds() + " s");
                    }
                    Jvm running = detector.now();
                    long outputsAtStart = watcher.count();
                    if (!detector.await(watcher, backlog, timeout)) {
                        throw new IllegalStateException("only " + watcher.count() + " of " + backlog
                                + " outputs arrived within " + timeout.toSeconds() + " s");
                    }
                    // with a warm-up, the timed images are those after the mark; without, the first output is
                    // the mark and the timed span holds one image less than the run
                    double drainSeconds = Math.max(1e-6, (watcher.lastNanos() - watcher.markNanos()) / 1e9);
                    double throughput = (s.warmUpImages() > 0 ? s.images() : s.images() - 1) / drainSeconds;
                    if (drainSeconds < MIN_TIMED_SECONDS) {
                        progress.printf(Locale.ROOT, "bench: warning: the timed images came out within %.3f s, a few"
                                + " commits: too short to time, the rates below are noise; raise --images%n",
                                drainSeconds);
                    }
                    Jvm drained = detector.now();
                    double streamCpuSeconds = drained.streamCpuSeconds() - running.streamCpuSeconds();
                    double streamCpuWithStart = drained.streamCpuSeconds() - before.streamCpuSeconds();
                    long measuredImages = backlog - outputsAtStart;
                    double wall = (watcher.lastNanos() - started) / 1e9;

                    double rate = s.latencyRate() != null ? s.latencyRate() : Math.max(10, Math.floor(throughput / 2));
                    int latencyImages = latencyImages(rate, s.images());
                    progress.printf(Locale.ROOT, "bench: %.0f images/s; now %d images at %.0f/s for latency...%n",
                            throughput, latencyImages, rate);
                    long led = paced(lead, paced, pngs, rate, latencyImages);
                    if (!detector.await(watcher, backlog + led + latencyImages, Duration.ofSeconds(120))) {
                        throw new IllegalStateException("the latency run's outputs did not all arrive");
                    }
                    Jvm afterLatency = detector.now();
                    Percentiles latency = new Percentiles(watcher.latenciesMs());
                    Map<String, Object> byInterval = new LinkedHashMap<>();
                    byInterval.put(Long.toString(s.tuning().commitInterval().toMillis()), percentiles(latency));
                    for (Duration interval : s.otherCommitIntervals()) {
                        progress.printf(Locale.ROOT, "bench: latency with a %d ms commit interval...%n",
                                interval.toMillis());
                        byInterval.put(Long.toString(interval.toMillis()), percentiles(latencyRun(s, props, bootstrap,
                                s.tuning().withCommitInterval(interval), pngs, latencyImages, rate, prefixes)));
                    }

                    result.put("images", s.images());
                    result.put("warm_up_images", s.warmUpImages());
                    if (s.warmUpImages() > 1) {
                        result.put("warm_up_images_per_second", round((s.warmUpImages() - 1)
                                / ((watcher.markNanos() - watcher.firstNanos()) / 1e9)));
                    }
                    result.put("seconds", round(drainSeconds));
                    result.put("wall_seconds_from_start", round(wall));
                    result.put("images_per_second", round(throughput));
                    result.put("latency_rate_images_per_second", rate);
                    result.put("latency_p50_ms", round(latency.at(50)));
                    result.put("latency_p95_ms", round(latency.at(95)));
                    result.put("latency_p99_ms", round(latency.at(99)));
                    result.put("latency_by_commit_interval_ms", byInterval);
                    // how far from compiled code the figures are: seconds the JIT compilers worked meanwhile
                    result.put("jit_compile_seconds_while_draining",
                            round(drained.jitCompileSeconds() - running.jitCompileSeconds()));
                    result.put("jit_compile_seconds_while_latency_run",
                            round(afterLatency.jitCompileSeconds() - drained.jitCompileSeconds()));
                    result.put("stream_thread_cpu_seconds", round(streamCpuSeconds));
                    result.put("stream_thread_cpu_seconds_with_start", round(streamCpuWithStart));
                    result.put("images_per_stream_thread_cpu_second", round(measuredImages / streamCpuSeconds));
                    result.put("raw_onnx_images_per_second", round(raw.inferenceOnly()));
                    result.put("raw_decode_and_onnx_images_per_second", round(raw.decodeAndInference()));
                    result.put("raw_decode_and_onnx_images_per_cpu_second", round(raw.decodeAndInferencePerCpuSecond()));
                    result.put("stream_thread_vs_raw_per_cpu_second",
                            round(measuredImages / streamCpuSeconds / raw.decodeAndInferencePerCpuSecond()));
                    result.put("kafka_vs_raw_decode_and_onnx", round(throughput / raw.decodeAndInference()));
                    if (rawBatched > 0) {
                        result.put("raw_decode_and_onnx_batched_images_per_second", round(rawBatched));
                        result.put("kafka_vs_raw_decode_and_onnx_batched", round(throughput / rawBatched));
                    }
                    if (s.detectorProcesses() > 0) {
                        double processCpu = drained.processCpuSeconds() - running.processCpuSeconds();
                        result.put("detector_processes", s.detectorProcesses());
                        result.put("detector_process_cpu_seconds", round(processCpu));
                        result.put("images_per_detector_process_cpu_second", round(measuredImages / processCpu));
                        result.put("detector_jvm_options", String.join(" ", s.detectorJvmOptions()));
                    } else {
                        result.put("stream_thread_bytes_allocated_per_image",
                                Math.round((drained.streamAllocatedBytes() - running.streamAllocatedBytes())
                                        / (double) measuredImages));
                        result.put("gc_seconds_while_draining", round(drained.gcSeconds() - before.gcSeconds()));
                        result.put("gc_collections_while_draining", drained.gcCount() - before.gcCount());
                        result.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
                    }
                    result.put("batch_size", s.tuning().batchSize());
                    result.put("batch_linger_ms", s.tuning().batchLinger().toMillis());
                    result.put("commit_interval_ms", s.tuning().commitInterval().toMillis());
                    result.put("model", s.model().getFileName().toString());
                    result.put("model_version", version);
                    result.put("stream_threads", s.streamThreads());
                    result.put("partitions", s.partitions());
                    result.put("processing_guarantee", s.guarantee());
                    result.put("broker", embedded != null ? "embedded" : bootstrap);
                    result.put("cores", Runtime.getRuntime().availableProcessors());
                }
            }
            return result;
        } finally {
            if (embedded != null) {
                embedded.close();
            } else if (!s.keepTopics()) {
                deleteTopicsAndGroups(s, prefixes, progress);
            }
        }
    }

    /**
     * A fresh name prefix for one detector's topics and groups, added to {@code prefixes} (deleted
     * from an external broker at the end), with its input and embeddings topics created: the
     * embeddings topic too, since the watcher subscribes to it before a detector process would
     * create it.
     */
    private static String newRun(Settings s, Map<String, Object> props, List<String> prefixes) {
        String prefix = "bench-" + Long.toHexString(System.nanoTime()) + "-";
        prefixes.add(prefix);
        Topics topics = topicsOf(prefix);
        new TopicAdmin(props, Duration.ofSeconds(30)).ensure(List.of(topics.input(), topics.embeddings()), Set.of(),
                true, s.partitions(), (short) -1);
        return prefix;
    }

    private static Topics topicsOf(String prefix) {
        return new Topics(prefix + "images", prefix + "anomalies", prefix + "embeddings", prefix + "images-dlq",
                prefix + "models");
    }

    /**
     * Deletes what the run made on an external broker (its input and output topics, the detectors'
     * internal topics and groups, the measuring consumers' groups: all named with the run's
     * prefixes), so that repeated runs do not fill a user's cluster. A failure (no DELETE
     * permission, say) is reported, not thrown: the figures are already taken.
     */
    private static void deleteTopicsAndGroups(Settings s, List<String> prefixes, PrintStream progress) {
        Map<String, Object> props = new HashMap<>(s.kafkaProperties());
        props.put("bootstrap.servers", s.bootstrapServers());
        for (String prefix : prefixes) {
            try {
                List<String> deleted = new TopicAdmin(props, Duration.ofSeconds(30)).deleteByPrefix(prefix);
                progress.println("bench: deleted the " + deleted.size() + " topics and consumer groups starting with "
                        + prefix + " (--keep-topics keeps them)");
            } catch (RuntimeException e) {
                progress.println("bench: could not delete the topics and consumer groups starting with " + prefix
                        + " (" + e.getMessage() + "); delete them yourself");
            }
        }
    }

    /**
     * Latency of a fresh detector on fresh topics, fed at {@code rate} images per second once it has
     * scored {@link #COMPARE_WARM_UP} images (no more than {@code --images}) as fast as it can: like
     * the first detector, which has drained the backlog before its latency is taken, it is measured
     * warm (its start, its first rebalance, the first calls into its ONNX Runtime session are not the
     * commit interval's cost).
     */
    private static Percentiles latencyRun(Settings s, Map<String, Object> props, String bootstrap, Tuning tuning,
                                          List<byte[]> pngs, int images, double rate, List<String> prefixes)
            throws Exception {
        String prefix = newRun(s, props, prefixes);
        Topics topics = topicsOf(prefix);
        try (OutputWatcher watcher = new OutputWatcher(props, topics.embeddings(), KEPT_ID_PREFIX, MEASURED_ID_PREFIX,
                2 * images, 1);
             DetectorUnderTest detector = DetectorUnderTest.start(s, bootstrap, prefix, topics, tuning);
             ImageProducer warmUp = new ImageProducer(props, topics.input(), URI.create("/latentwatch/bench"),
                     "warm");
             ImageProducer lead = new ImageProducer(props, topics.input(), URI.create("/latentwatch/bench"),
                     LEAD_ID);
             ImageProducer producer = new ImageProducer(props, topics.input(), URI.create("/latentwatch/bench"),
                     MEASURED_ID)) {
            lead.connect();
            producer.connect();
            int warm = Math.min(COMPARE_WARM_UP, s.images());
            warmUp.send(cycle(pngs), warm, 0, () -> false, (seq, id, image) -> { });
            if (!detector.await(watcher, warm, Duration.ofSeconds(120))) {
                throw new IllegalStateException("only " + watcher.count() + " of " + warm
                        + " warm-up outputs arrived with a " + tuning.commitInterval().toMillis()
                        + " ms commit interval");
            }
            long led = paced(lead, producer, pngs, rate, images);
            if (!detector.await(watcher, warm + led + images, Duration.ofSeconds(120))) {
                throw new IllegalStateException("only " + (watcher.count() - warm) + " of " + images + " latency outputs"
                        + " arrived with a " + tuning.commitInterval().toMillis() + " ms commit interval");
            }
            return new Percentiles(watcher.latenciesMs());
        }
    }

    /**
     * Streams {@link #LEAD_SECONDS} at {@code rate} with {@code lead}, not measured, then {@code images}
     * with {@code measured} at the same rate: the latency is that of a detector already serving a
     * steady stream, not of its passage from a backlog (or from idling) to one, which takes a
     * fraction of a second in which the first images wait longer.
     *
     * @return the images the lead sent
     */
    private static long paced(ImageProducer lead, ImageProducer measured, List<byte[]> pngs, double rate, int images) {
        // no more than the measured images: after a drain too short to time, the rate can be absurd
        long led = lead.send(cycle(pngs), Math.max(1, Math.min(images, Math.round(rate * LEAD_SECONDS))), rate,
                () -> false,
                (seq, id, image) -> { });
        measured.send(cycle(pngs), images, rate, () -> false, (seq, id, image) -> { });
        return led;
    }

    /**
     * Images of a latency run: {@link #LATENCY_SECONDS} of the paced stream, at least 100 and at most
     * {@code --images}. Over a shorter run, any pause of the machine longer than a hundredth of it
     * (a collection, a busy moment of the broker) decides the p99 alone.
     */
    static int latencyImages(double rate, int images) {
        return (int) Math.max(100, Math.min(images, Math.round(rate * LATENCY_SECONDS)));
    }

    private static Map<String, Object> percentiles(Percentiles latency) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("p50", round(latency.at(50)));
        p.put("p95", round(latency.at(95)));
        p.put("p99", round(latency.at(99)));
        return p;
    }

    private static ImageStream cycle(List<byte[]> pngs) {
        return ImageStream.of(pngs.stream().map(b -> new LabelledImage(b, "image/png", -1, false)).toList());
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
