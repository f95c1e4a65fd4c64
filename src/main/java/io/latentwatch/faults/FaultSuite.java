package io.latentwatch.faults;

import io.latentwatch.config.Topics;
import io.latentwatch.kafka.TopicAdmin;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.util.FileTrees;
import io.latentwatch.util.JavaProcess;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs detectors as separate processes on a broker, writes a keyed input stream at a steady rate,
 * injects faults one at a time while they work, and accounts for every input at the end.
 *
 * <p>Faults are spread over the first {@code images} inputs: the i-th of F begins once
 * {@code images * i / (F + 1)} inputs are written and the previous fault has recovered. Inputs
 * keep coming until the last fault has recovered, so there is always work in flight; the run may
 * thus write more inputs than asked for. A killed or stopped detector is started again at once,
 * as a pod would be.
 */
public final class FaultSuite {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN_STALL = Duration.ofMinutes(3);
    /**
     * Stands for the detector's name ({@code detector-a}, ...) in detector properties and arguments,
     * which stays the same across its restarts, as a pod name does: {@code group.instance.id=lw-{instance}}.
     */
    public static final String INSTANCE_PLACEHOLDER = "{instance}";
    private final SuiteSettings s;
    private final PrintStream progress;
    private final long started = System.nanoTime();
    private final String runId = "faults-" + Long.toHexString(System.currentTimeMillis());
    private final List<FaultEvent> events = new ArrayList<>();
    private final List<String> versions = new ArrayList<>();
    private final List<DetectorInstance> detectors = new ArrayList<>();
    private final AtomicBoolean faultsDone = new AtomicBoolean();
    private Path work;
    private BrokerProcess broker;
    private Map<String, Object> clientProps;
    private Topics topics;
    private ModelTopic models;
    private InputWriter writer;
    private OutputReader reader;
    private KafkaConsumer<byte[], byte[]> offsets;
    private List<TopicPartition> embeddingPartitions;

    /**
     * The settings of a size on the suite's own broker, with exactly-once, two detectors and four
     * partitions.
     *
     * @param classpath class path of latentwatch for the child JVMs; null: this JVM's
     * @param workDir   where logs go (kept); null: a temporary directory removed at the end
     */
    public static SuiteSettings settings(FaultSize size, String classpath, Path workDir) {
        return new SuiteSettings(null, Map.of(), size.images(), size.rate(), size.garbageEvery(), 2, 4,
                "exactly_once_v2", size.faults(), size.detectorProperties(), List.of(), size.detectorJvmOptions(),
                classpath, workDir, Duration.ofSeconds(180));
    }

    private FaultSuite(SuiteSettings settings, PrintStream progress) {
        this.s = settings;
        this.progress = progress;
    }

    /**
     * Runs the suite; every process it started is stopped and every directory it made but the
     * logs of a given {@code workDir} is removed, whatever way it ends.
     */
    public static FaultReport run(SuiteSettings settings, PrintStream progress) {
        return new FaultSuite(settings, progress).run();
    }

    private FaultReport run() {
        try {
            work = s.workDir() == null ? Files.createTempDirectory("latentwatch-faults-")
                    : Files.createDirectories(s.workDir());
            // a kept work directory holds the logs of the last run only
            FileTrees.deleteRecursively(work.resolve("logs"));
            setUp();
            List<String> plan = s.faults().plan();
            int kills = 0;
            int sigterms = 0;
            for (int i = 0; i < plan.size(); i++) {
                awaitInputs(s.images() * (i + 1) / (plan.size() + 1));
                restartUnexpectedExits();
                awaitAllReady();
                FaultEvent event = switch (plan.get(i)) {
                    case "kill" -> kill(detectors.get(kills++ % detectors.size()));
                    case "sigterm" -> sigterm(detectors.get((sigterms++ + 1) % detectors.size()));
                    case "broker-restart" -> restartBroker();
                    case "swap" -> swap();
                    default -> throw new IllegalStateException(plan.get(i));
                };
                log(event);
            }
            faultsDone.set(true);
            restartUnexpectedExits();
            drain();
            restartUnexpectedExits();
            for (DetectorInstance d : detectors) {
                d.close();
            }
            say("accounting: reading the input, embeddings, dead-letter and anomaly topics to their ends");
            Accounting accounting = Accounting.read(clientProps, topics, versions);
            return new FaultReport(s, events, accounting, writer.failed(), (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the fault suite's directory: " + e.getMessage(), e);
        } finally {
            tearDown();
        }
    }

    private void setUp() throws IOException {
        JavaProcess.Launch thisJvm = JavaProcess.Launch.ofThisJvm();
        JavaProcess.Launch launch = new JavaProcess.Launch(thisJvm.java(),
                s.classpath() == null ? thisJvm.classpath() : s.classpath());
        Path logs = work.resolve("logs");
        String bootstrap = s.bootstrapServers();
        if (bootstrap == null) {
            say("starting a broker process");
            broker = BrokerProcess.start(launch, work.resolve("broker-data"), logs);
            bootstrap = broker.bootstrapServers();
        }
        clientProps = new HashMap<>(s.kafkaProperties());
        clientProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        String prefix = runId + "-";
        topics = new Topics(prefix + "images", prefix + "anomalies", prefix + "embeddings", prefix + "images-dlq",
                prefix + "models");
        new TopicAdmin(clientProps, Duration.ofSeconds(30)).ensure(List.of(topics.input(), topics.anomalies(),
                        topics.embeddings(), topics.deadLetter(), topics.models()), java.util.Set.of(topics.models()),
                true, s.partitions(), (short) -1);
        models = new ModelTopic(clientProps, topics.models());
        publishNextModel();

        for (int i = 0; i < s.instances(); i++) {
            String name = "detector-" + (char) ('a' + i);
            detectors.add(new DetectorInstance(name, launch, s.detectorJvmOptions(),
                    detectorArgs(bootstrap, prefix, name), logs));
        }
        say("starting " + s.instances() + " detectors (" + s.guarantee() + ", " + s.partitions() + " partitions)");
        detectors.forEach(DetectorInstance::start);
        awaitAllReady();

        Map<String, Object> offsetProps = new HashMap<>(clientProps);
        offsetProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        offsetProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "latentwatch-fault-suite-offsets");
        offsets = new KafkaConsumer<>(offsetProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        embeddingPartitions = offsets.partitionsFor(topics.embeddings(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        reader = new OutputReader(clientProps, topics.embeddings(), topics.deadLetter());
        writer = new InputWriter(clientProps, topics.input(), prefix, s.garbageEvery(), s.rate(), s.images(),
                faultsDone::get);
        writer.start();
        say("writing inputs at " + s.rate() + "/s; " + s.faults().total() + " faults over the first " + s.images());
    }

    private List<String> detectorArgs(String bootstrap, String prefix, String instance) throws IOException {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap,
                "--model-topic", topics.models(), "--model-name", FaultModels.NAME,
                "--input-topic", topics.input(), "--anomaly-topic", topics.anomalies(),
                "--embedding-topic", topics.embeddings(), "--dlq-topic", topics.deadLetter(),
                "--application-id", prefix + "detector",
                "--processing-guarantee", s.guarantee(), "--topic-partitions", Integer.toString(s.partitions()),
                "--state-dir", work.resolve("state").resolve(instance).toString()));
        Map<String, String> props = new TreeMap<>(s.kafkaProperties());
        s.detectorProperties().forEach((k, v) -> props.put(k, v.replace(INSTANCE_PLACEHOLDER, instance)));
        if (!props.isEmpty()) {
            Path file = work.resolve(instance + ".properties");
            Properties p = new Properties();
            p.putAll(props);
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, "Kafka and Streams properties of the fault suite's " + instance);
            }
            args.addAll(List.of("--kafka-config", file.toString()));
        }
        for (String arg : s.detectorArgs()) {
            args.add(arg.replace(INSTANCE_PLACEHOLDER, instance));
        }
        return args;
    }

    private void publishNextModel() {
        int n = versions.size() + 1;
        models.publish(FaultModels.NAME, FaultModels.model(runId, n));
        versions.add(FaultModels.version(runId, n));
    }

    private FaultEvent kill(DetectorInstance target) {
        String name = target.incarnationName();
        long atInput = writer.sent();
        long t0 = System.nanoTime();
        RecoveryProbe probe = watch(t0);
        target.kill();
        probe.mark(endOffsets());
        target.start();
        return recover("kill", name, atInput, t0, probe, target, null, null);
    }

    private FaultEvent sigterm(DetectorInstance target) {
        String name = target.incarnationName();
        long atInput = writer.sent();
        long t0 = System.nanoTime();
        RecoveryProbe probe = watch(t0);
        boolean clean = target.terminate(Duration.ofSeconds(60));
        long stopMs = millisSince(t0);
        probe.mark(endOffsets());
        target.start();
        FaultEvent event = recover("sigterm", name, atInput, t0, probe, target, stopMs, null);
        return clean ? event : withNote(event, "did not exit within 60 s of SIGTERM; killed");
    }

    private FaultEvent restartBroker() {
        long atInput = writer.sent();
        long t0 = System.nanoTime();
        boolean clean = broker.stop();
        long stopMs = millisSince(t0);
        broker.startAgain();
        long back = System.nanoTime();
        RecoveryProbe probe = watch(back);
        probe.mark(endOffsets());
        FaultEvent event = recover("broker-restart", "broker", atInput, back, probe, null, stopMs, millisSince(t0));
        return clean ? event : withNote(event, "the broker did not stop within 60 s of SIGTERM; killed");
    }

    private FaultEvent swap() {
        long atInput = writer.sent();
        long t0 = System.nanoTime();
        publishNextModel();
        String version = versions.get(versions.size() - 1);
        long deadline = t0 + SWAP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (detectors.stream().allMatch(d -> d.modelVersion().filter(version::equals).isPresent())) {
                return new FaultEvent("swap", version, atInput, null, null, null, null, null, millisSince(t0), null);
            }
            JavaProcess.pause(Duration.ofMillis(100));
        }
        return new FaultEvent("swap", version, atInput, null, null, null, null, null, null,
                "not every detector served it within " + SWAP_TIMEOUT.toSeconds() + " s");
    }

    private RecoveryProbe watch(long faultNanos) {
        RecoveryProbe probe = new RecoveryProbe(faultNanos, s.partitions());
        reader.watch(probe);
        return probe;
    }

    /**
     * Waits for the probe, noting when the restarted detector (if any) answers ready.
     */
    private FaultEvent recover(String kind, String target, long atInput, long t0, RecoveryProbe probe,
                               DetectorInstance restarted, Long stopMs, Long downtimeMs) {
        Long readyMs = null;
        long deadline = System.nanoTime() + s.recoveryTimeout().toNanos();
        while (System.nanoTime() < deadline && (!probe.recovered() || restarted != null && readyMs == null)) {
            reader.check();
            if (restarted != null && readyMs == null && restarted.isReady()) {
                readyMs = millisSince(t0);
            }
            JavaProcess.pause(Duration.ofMillis(50));
        }
        Long recoveryMs = probe.recoveryMillis().isPresent() ? probe.recoveryMillis().getAsLong() : null;
        Long firstMs = probe.firstResumedMillis().isPresent() ? probe.firstResumedMillis().getAsLong() : null;
        String note = recoveryMs != null ? null : "not recovered within " + s.recoveryTimeout().toSeconds() + " s ("
                + probe.partitionsRecovered() + " of " + s.partitions() + " partitions resumed)";
        return new FaultEvent(kind, target, atInput, recoveryMs, firstMs, readyMs, stopMs, downtimeMs, null, note);
    }

    private static FaultEvent withNote(FaultEvent e, String note) {
        String joined = e.note() == null ? note : e.note() + "; " + note;
        return new FaultEvent(e.kind(), e.target(), e.atInput(), e.recoveryMs(), e.firstMs(), e.readyMs(), e.stopMs(),
                e.downtimeMs(), e.swapMs(), joined);
    }

    /** End offsets (read_uncommitted: open transactions included) of the embedding partitions. */
    private Map<Integer, Long> endOffsets() {
        Map<Integer, Long> ends = new HashMap<>();
        offsets.endOffsets(embeddingPartitions, Duration.ofSeconds(60))
                .forEach((tp, end) -> ends.put(tp.partition(), end));
        return ends;
    }

    private void awaitInputs(long n) {
        while (writer.sent() < n) {
            reader.check();
            JavaProcess.pause(Duration.ofMillis(50));
        }
    }

    private void awaitAllReady() {
        for (DetectorInstance d : detectors) {
            if (!d.awaitReady(READY_TIMEOUT)) {
                throw new IllegalStateException(d.incarnationName() + " was not ready within "
                        + READY_TIMEOUT.toSeconds() + " s"
                        + d.exitCode().map(c -> " (exited with " + c + ")").orElse("")
                        + "; see its log in " + work.resolve("logs"));
            }
        }
    }

    /** A detector the suite did not stop but found dead is noted and started again. */
    private void restartUnexpectedExits() {
        for (DetectorInstance d : detectors) {
            if (!d.isAlive()) {
                FaultEvent event = new FaultEvent("unexpected-exit", d.incarnationName(), writer == null ? 0
                        : writer.sent(), null, null, null, null, null, null, "exited with " + d.exitCode().orElse(-1));
                log(event);
                d.start();
            }
        }
    }

    /** Waits until every input written has an output, while progress is being made. */
    private void drain() {
        if (!writer.awaitFinished(Duration.ofMinutes(15))) {
            say("the input writer did not finish; accounting for what it wrote");
        }
        long total = writer.acknowledged();
        say("all faults done; " + total + " inputs written; waiting for their outputs");
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (reader.answered() < total) {
            reader.check();
            long count = reader.answered();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > DRAIN_STALL.toNanos()) {
                say("no new outputs for " + DRAIN_STALL.toSeconds() + " s with " + (total - count)
                        + " inputs unanswered; accounting now");
                return;
            }
            JavaProcess.pause(Duration.ofMillis(100));
        }
    }

    private void tearDown() {
        faultsDone.set(true);
        for (AutoCloseable c : new AutoCloseable[] {writer, reader}) {
            closeQuietly(c);
        }
        detectors.forEach(this::closeQuietly);
        closeQuietly(offsets);
        closeQuietly(broker);
        if (s.bootstrapServers() != null && topics != null) {
            removeRunFromExternalBroker();
        }
        if (work != null) {
            if (s.workDir() == null) {
                FileTrees.deleteRecursively(work);
            } else {
                FileTrees.deleteRecursively(work.resolve("broker-data"));
                FileTrees.deleteRecursively(work.resolve("state"));
            }
        }
    }

    /** The run's topics and the detectors' group are the run's own: an external broker keeps none of them. */
    private void removeRunFromExternalBroker() {
        try (Admin admin = Admin.create(clientProps)) {
            admin.deleteConsumerGroups(List.of(runId + "-detector")).all().get(30, TimeUnit.SECONDS);
            admin.deleteTopics(List.of(topics.input(), topics.anomalies(), topics.embeddings(), topics.deadLetter(),
                    topics.models())).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            say("could not remove the run's topics and group from " + s.bootstrapServers() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tears down one part; a failure is reported and does not keep the others running. */
    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            say("while tearing down: " + e);
        }
    }

    private void log(FaultEvent e) {
        events.add(e);
        say(e.kind() + " " + e.target() + " at input " + e.atInput()
                + Optional.ofNullable(e.recoveryMs()).map(ms -> ": recovered in " + ms / 1000.0 + " s").orElse("")
                + Optional.ofNullable(e.swapMs()).map(ms -> ": served everywhere in " + ms / 1000.0 + " s").orElse("")
                + Optional.ofNullable(e.note()).map(n -> " (" + n + ")").orElse(""));
    }

    private void say(String line) {
        progress.printf("fault-suite %5.1f s: %s%n", (System.nanoTime() - started) / 1e9, line);
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
