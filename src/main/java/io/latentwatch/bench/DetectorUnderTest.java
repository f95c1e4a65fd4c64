package io.latentwatch.bench;

import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.stream.Detector;
import io.latentwatch.util.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The detector that bench measures: one inside this process, or {@code --detector-processes N}
 * {@code latentwatch detect} processes sharing the input topic under one application id.
 */
final class DetectorUnderTest implements AutoCloseable {
    private static final Duration LIVENESS_CHECK = Duration.ofMillis(500);
    /**
     * Short, so that the 15 bytes Linux keeps of a thread name still tell "-StreamThread-" from
     * Streams' other threads ("-StateUpdater-").
     */
    private static final String STREAM_CLIENT_ID_PREFIX = "lw-bd";

    private final Detector inProcess;
    private final DetectorProcesses processes;
    private final Path dir;

    private DetectorUnderTest(Detector inProcess, DetectorProcesses processes, Path dir) {
        this.inProcess = inProcess;
        this.processes = processes;
        this.dir = dir;
    }

    static DetectorUnderTest start(Benchmark.Settings s, String bootstrap, String prefix, Topics topics,
                                   Tuning tuning) {
        if (s.detectorProcesses() == 0) {
            return new DetectorUnderTest(Detector.start(config(s, bootstrap, prefix, topics, tuning)), null, null);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("latentwatch-bench-detectors-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the detector processes' logs", e);
        }
        try {
            return new DetectorUnderTest(null, DetectorProcesses.start(s.detectorProcesses(), s.detectorJvmOptions(),
                    detectArgs(s, bootstrap, prefix, topics, tuning), s.kafkaProperties(),
                    STREAM_CLIENT_ID_PREFIX, dir), dir);
        } catch (RuntimeException e) {
            FileTrees.deleteRecursively(dir);
            throw e;
        }
    }

    /** What the detector has spent so far. */
    Jvm now() {
        return processes == null ? Jvm.now() : Jvm.of(processes.cpu());
    }

    /**
     * Waits until {@code watcher} has seen {@code n} outputs; false on timeout. A detector process
     * that exits meanwhile ends the wait at once, with an exception that names its log.
     */
    boolean await(OutputWatcher watcher, long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Duration slice = processes == null ? timeout : LIVENESS_CHECK;
            if (watcher.await(n, Duration.ofNanos(Math.max(0, Math.min(left, slice.toNanos()))))) {
                return true;
            }
            if (processes != null) {
                processes.cpu();
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
        }
    }

    @Override
    public void close() {
        if (inProcess != null) {
            inProcess.close();
        }
        if (processes != null) {
            try {
                processes.close();
            } finally {
                FileTrees.deleteRecursively(dir);
            }
        }
    }

    private static DetectorConfig config(Benchmark.Settings s, String bootstrap, String prefix, Topics topics,
                                         Tuning tuning) {
        ModelSource model = ModelSource.file(s.model()).withOverrides(new ModelOverrides(s.threshold(), null, null));
        StreamsSettings streams = StreamsSettings.of(prefix + "detector").withThreads(s.streamThreads(), 1)
                .withGuarantee(s.guarantee());
        return DetectorConfig.of(new Connection(bootstrap, s.kafkaProperties()), topics, model, streams)
                .withTopicSetup(TopicSetup.create(s.partitions()))
                .withTuning(tuning)
                .withHttpPort(-1);
    }

    /** The {@code detect} flags that give the same detector as {@link #config}, but the Kafka properties. */
    static List<String> detectArgs(Benchmark.Settings s, String bootstrap, String prefix, Topics topics, Tuning tuning) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap,
                "--model", s.model().toAbsolutePath().toString(),
                "--input-topic", topics.input(), "--anomaly-topic", topics.anomalies(),
                "--embedding-topic", topics.embeddings(), "--dlq-topic", topics.deadLetter(),
                "--application-id", prefix + "detector",
                "--stream-threads", Integer.toString(s.streamThreads()),
                "--processing-guarantee", s.guarantee(),
                "--topic-partitions", Integer.toString(s.partitions()),
                "--commit-interval", Long.toString(tuning.commitInterval().toMillis()),
                "--batch-size", Integer.toString(tuning.batchSize()),
                "--batch-linger", Long.toString(tuning.batchLinger().toMillis()),
                "--http-port", "-1"));
        if (s.threshold() != null) {
            args.add("--threshold");
            args.add(Double.toString(s.threshold()));
        }
        return args;
    }
}
