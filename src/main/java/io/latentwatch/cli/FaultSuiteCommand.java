package io.latentwatch.cli;

import io.latentwatch.faults.FaultReport;
import io.latentwatch.faults.FaultSize;
import io.latentwatch.faults.FaultSuite;
import io.latentwatch.faults.Faults;
import io.latentwatch.faults.SuiteSettings;
import io.latentwatch.util.Json;
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
        header = "Breaks detectors and the broker while images flow; counts every input's outputs.",
        description = {"Runs detectors as separate processes on a broker process of its own",
                "(or --bootstrap-servers) and writes uniquely keyed images, some of them garbage",
                "for the dead-letter topic, at --rate. While they work it kills detectors",
                "(SIGKILL), stops them (SIGTERM), stops and starts the broker and swaps the model",
                "live, one fault at a time, starting again what it stopped. Then it reads every",
                "topic with read_committed and counts lost, duplicated and misrouted inputs, and",
                "times each fault's recovery. Prints a table on stderr and one JSON line on",
                "stdout; exits 0 when every input is accounted for as the guarantee promises",
                "(nothing lost; under exactly_once_v2 nothing duplicated), else 1.", "See docs/reliability.md."})
public final class FaultSuiteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ExternalBrokerOptions broker;

    @Option(names = "--size", defaultValue = "full", paramLabel = "ci|full",
            description = {"Preset of the flags below: ci (600 inputs at 100/s, 2 kills, 1 SIGTERM, 1 broker restart,"
                    + " 1 swap, a 6 s session timeout: about a minute) or full (20000 inputs at 100/s, 5 kills,"
                    + " 2 SIGTERMs, 2 broker restarts, 3 swaps, the detectors' own defaults: some minutes)."
                    + " A flag given wins over its preset (default: ${DEFAULT-VALUE})."})
    String size;

    @Option(names = "--images", paramLabel = "N",
            description = "Inputs to write at least; the faults are spread over them, and inputs keep coming until"
                    + " the last fault has recovered.")
    Long images;

    @Option(names = "--rate", paramLabel = "N", description = "Inputs per second.")
    Double rate;

    @Option(names = "--garbage-every", paramLabel = "N",
            description = "Every N-th input is garbage that must be dead-lettered; 0 for none.")
    Integer garbageEvery;

    @Option(names = "--kills", paramLabel = "N",
            description = "kill -9 of a detector, taking the detectors in turn; each is started again at once.")
    Integer kills;

    @Option(names = "--sigterms", paramLabel = "N",
            description = "SIGTERM of a detector, which is started again.")
    Integer sigterms;

    @Option(names = "--broker-restarts", paramLabel = "N",
            description = "Stops of the broker (SIGTERM) and starts again on the same port and data.")
    Integer brokerRestarts;

    @Option(names = "--swaps", paramLabel = "N",
            description = "New models published on the models topic while the detectors run.")
    Integer swaps;

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
            description = "A Kafka/Streams property for the detectors only, e.g. session.timeout.ms=10000, added to"
                    + " the size's; {instance} stands for the detector's name, which a restart keeps, as in"
                    + " group.instance.id=lw-{instance}; repeatable.")
    List<String> detectorProperties = new ArrayList<>();

    @Option(names = "--detector-arg", paramLabel = "ARG",
            description = "A further 'detect' argument, e.g. --detector-arg=--stream-threads --detector-arg=2;"
                    + " {instance} as in --detector-property; repeatable.")
    List<String> detectorArgs = new ArrayList<>();

    @Option(names = "--detector-jvm-option", paramLabel = "OPTION",
            description = "A JVM option of the detector processes, e.g. --detector-jvm-option=-Xmx1g; repeatable;"
                    + " replaces the size's (full: -Xmx512m).")
    List<String> detectorJvmOptions = new ArrayList<>();

    @Option(names = "--recovery-timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "How long to wait for a fault to recover before noting it and going on"
                    + " (default: ${DEFAULT-VALUE}).")
    int recoveryTimeout;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Keep the processes' logs here (default: a temporary directory removed at the end).")
    Path workDir;

    /** Builds and validates the settings; a bad value is a usage error that names the flag. */
    SuiteSettings settings() {
        CommandLine cl = spec.commandLine();
        FaultSize preset = switch (size) {
            case "ci" -> FaultSize.CI;
            case "full" -> FaultSize.FULL;
            default -> throw new CommandLine.ParameterException(cl, "--size must be ci or full, got " + size);
        };
        long n = images != null ? images : preset.images();
        double perSecond = rate != null ? rate : preset.rate();
        int garbage = garbageEvery != null ? garbageEvery : preset.garbageEvery();
        if (n < 1 || perSecond <= 0 || instances < 1 || partitions < 1 || garbage < 0 || recoveryTimeout < 1) {
            throw new CommandLine.ParameterException(cl, "--images, --rate, --instances, --partitions and"
                    + " --recovery-timeout must be positive, --garbage-every 0 or more");
        }
        Map<String, String> detectorProps = new LinkedHashMap<>(preset.detectorProperties());
        for (String p : detectorProperties) {
            int eq = p.indexOf('=');
            if (eq < 1) {
                throw new CommandLine.ParameterException(cl, "--detector-property " + p + ": give KEY=VALUE");
            }
            detectorProps.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        Faults presetFaults = preset.faults();
        try {
            Faults faults = new Faults(
                    kills != null ? kills : presetFaults.kills(),
                    sigterms != null ? sigterms : presetFaults.sigterms(),
                    brokerRestarts != null ? brokerRestarts : presetFaults.brokerRestarts(),
                    swaps != null ? swaps : presetFaults.swaps());
            return new SuiteSettings(broker.bootstrapServers, broker.properties(), n, perSecond,
                    garbage, instances, partitions, processingGuarantee, faults, detectorProps, detectorArgs,
                    detectorJvmOptions.isEmpty() ? preset.detectorJvmOptions() : detectorJvmOptions, null, workDir,
                    Duration.ofSeconds(recoveryTimeout));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        SuiteSettings settings = settings();
        FaultReport report = FaultSuite.run(settings, System.err);
        System.err.print(report.table());
        System.out.println(Json.MAPPER.writeValueAsString(report.asMap()));
        return report.passed() ? 0 : 1;
    }
}
