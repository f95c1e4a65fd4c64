package io.latentwatch.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run ({@link FaultSize} has the two usual sizes).
 *
 * @param bootstrapServers  external broker, or null for a broker process of the suite's own (needed
 *                          for broker restarts)
 * @param kafkaProperties   client properties for the suite and the detectors (security)
 * @param images            inputs to write at least, and over which the faults are spread
 * @param rate              inputs per second
 * @param garbageEvery      every n-th input is garbage for the dead-letter topic (0: none)
 * @param instances         detector processes
 * @param partitions        partitions of the run's topics
 * @param guarantee         {@code exactly_once_v2} or {@code at_least_once}
 * @param faults            how many faults of each kind
 * @param detectorProperties Kafka/Streams properties for the detectors only (session timeout, ...);
 *                          {@value FaultSuite#INSTANCE_PLACEHOLDER} in a value stands for the detector's name
 * @param detectorArgs      further {@code detect} flags, with {@value FaultSuite#INSTANCE_PLACEHOLDER} too
 * @param detectorJvmOptions JVM options of the detector processes (heap size; empty: {@code -Xmx512m})
 * @param classpath         class path of latentwatch for the child JVMs; null: this JVM's
 * @param workDir           where logs go (kept); null: a temporary directory removed at the end
 * @param recoveryTimeout   how long to wait for a fault to recover before noting it and going on
 */
public record SuiteSettings(String bootstrapServers, Map<String, String> kafkaProperties, long images, double rate,
                            int garbageEvery, int instances, int partitions, String guarantee, Faults faults,
                            Map<String, String> detectorProperties, List<String> detectorArgs,
                            List<String> detectorJvmOptions, String classpath, Path workDir, Duration recoveryTimeout) {
    public SuiteSettings {
        detectorJvmOptions = detectorJvmOptions.isEmpty() ? List.of("-Xmx512m") : List.copyOf(detectorJvmOptions);
        kafkaProperties = Map.copyOf(kafkaProperties);
        detectorProperties = Map.copyOf(detectorProperties);
        detectorArgs = List.copyOf(detectorArgs);
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(recoveryTimeout, "recovery timeout");
        if (images < 1 || rate <= 0 || instances < 1 || partitions < 1 || garbageEvery < 0) {
            throw new IllegalArgumentException("images, rate, instances and partitions must be positive");
        }
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw new IllegalArgumentException("the processing guarantee must be exactly_once_v2 or at_least_once,"
                    + " got " + guarantee);
        }
        if (bootstrapServers != null && faults.brokerRestarts() > 0) {
            throw new IllegalArgumentException("broker restarts need the suite's own broker: leave out"
                    + " --bootstrap-servers, or run with --broker-restarts 0");
        }
    }
}
