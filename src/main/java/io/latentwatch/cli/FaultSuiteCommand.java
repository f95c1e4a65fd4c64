package io.latentwatch.cli;

import io.latentwatch.faults.FaultReport;
import io.latentwatch.faults.FaultSuite;
import io.latentwatch.stream.OutputRecords;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code latentwatch fault-suite}: detectors as processes, faults injected, every input accounted for. */
@Command(name = "fault-suite", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs detectors as separate processes on a broker process of its own (or --bootstrap-servers),",
                "writes uniquely keyed images (and some garbage for the dead-letter topic) at --rate, and while",
                "they work kills detectors with SIGKILL, stops them with SIGTERM, stops and starts the broker and",
                "swaps the model live, one fault at a time, restarting what it stopped. Then it reads every topic",
                "with read_committed and counts lost, duplicated and misrouted inputs, and how long each fault",
                "took to recover. Prints a table on stderr and one JSON line on stdout; exits 0 when every input",
                "is accounted for as the guarantee promises (no loss; under exactly_once_v2 no duplicate), else 1.",
                "See docs/reliability.md."})
public final class FaultSuiteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "An external broker to run on (default: a broker process of the suite's own, which broker"
                    + " restarts need).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings (security) for the suite and its detectors.")
    Path kafkaConfig;

    @Option(names = "--images", defaultValue = "20000", paramLabel = "N",
            description = "Inputs to write at least; the faults are spread over them, and inputs keep coming until"
                    + " the last fault has recovered (default: ${DEFAULT-VALUE}).")
    long images;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "N",
            description = "Inputs per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--garbage-every", defaultValue = "50", paramLabel = "N",
            description = "Every N-th input is garbage that must be dead-lettered; 0 for none (default: ${DEFAULT-VALUE}).")
    int garbageEvery;

    @Option(names = "--kills", defaultValue = "5", paramLabel = "N",
            description = "kill -9 of a detector, taking the detectors in turn (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--sigterms", defaultValue = "2", paramLabel = "N",
            description = "SIGTERM of a detector, which is started again (default: ${DEFAULT-VALUE}).")
    int sigterms;

    @Option(names = "--broker-restarts", defaultValue = "2", paramLabel = "N",
            description = "Stops of the broker (SIGTERM) and starts again on the same port and data"
                    + " (default: ${DEFAULT-VALUE}).")
    int brokerRestarts;

    @Option(names = "--swaps", defaultValue = "3", paramLabel = "N",
            description = "New models published on the models topic while the detectors run (default: ${DEFAULT-VALUE}).")
    int swaps;

    @Option(names = "--instances", defaultValue = "2", paramLabel = "N",
            description = "Detector processes (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--partitions", defaultValue = "4", paramLabel = "N",
            description = "Partitions of the run's topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2", paramLabel = "GUARANTEE",
            description = "exactly_once_v2 or at_least_once, for the detectors (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Option(names = "--detector-property", paramLabel = "KEY=VALUE",
            description = "A Kafka/Streams property for the detectors only, e.g. session.timeout.ms=10000; repeatable.")
    List<String> detectorProperties = new ArrayList<>();

    @Option(names = "--detector-arg", paramLabel = "ARG",
            description = "A further 'detect' argument, e.g. --detector-arg=--stream-threads --detector-arg=2;"
                    + " repeatable.")
    List<String> detectorArgs = new ArrayList<>();

    @Option(names = "--detector-jvm-option", paramLabel = "OPTION",
            description = "A JVM option of the detector processes, e.g. --detector-jvm-option=-Xmx1g; repeatable"
                    + " (default: -Xmx512m).")
    List<String> detectorJvmOptions = new ArrayList<>();

    @Option(names = "--recovery-timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "How long to wait for a fault to recover before noting it and going on"
                    + " (default: ${DEFAULT-VALUE}).")
    int recoveryTimeout;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Keep the processes' logs here (default: a temporary directory removed at the end).")
    Path workDir;

    /** Builds and validates the settings; a bad value is a usage error that names the flag. */
    FaultSuite.Settings settings() {
        CommandLine cl = spec.commandLine();
        if (images < 1 || rate <= 0 || instances < 1 || partitions < 1 || garbageEvery < 0 || recoveryTimeout < 1) {
            throw new CommandLine.ParameterException(cl, "--images, --rate, --instances, --partitions and"
                    + " --recovery-timeout must be positive, --garbage-every 0 or more");
        }
        Map<String, String> detectorProps = new LinkedHashMap<>();
        for (String p : detectorProperties) {
            int eq = p.indexOf('=');
            if (eq < 1) {
                throw new CommandLine.ParameterException(cl, "--detector-property " + p + ": give KEY=VALUE");
            }
            detectorProps.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        try {
            return new FaultSuite.Settings(bootstrapServers, KafkaConfigFile.load(kafkaConfig, cl), images, rate,
                    garbageEvery, instances, partitions, processingGuarantee,
                    new FaultSuite.Faults(kills, sigterms, brokerRestarts, swaps), detectorProps, detectorArgs,
                    detectorJvmOptions, null,
                    workDir, Duration.ofSeconds(recoveryTimeout));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        FaultSuite.Settings settings = settings();
        FaultReport report = FaultSuite.run(settings, System.err);
        System.err.print(report.table());
        System.out.println(OutputRecords.mapper().writeValueAsString(report.asMap()));
        return report.passed() ? 0 : 1;
    }
}
