package io.latentwatch.faults;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite at its CI size: two detector processes and a broker process, each fault once
 * or twice, every input accounted for under exactly-once. Runs after {@code package}, on the
 * packaged jar; the processes' logs stay in {@code target/fault-suite-it/logs}.
 */
class FaultSuiteIT {
    /** The CI size, as {@code scripts/fault-suite.sh --size ci} runs it. */
    static FaultSuite.Settings ciSize(Path workDir) {
        return new FaultSuite.Settings(null, Map.of(), 600, 100, 20, 2, 4, "exactly_once_v2",
                new FaultSuite.Faults(2, 1, 1, 1),
                // a short session timeout keeps the killed member's partitions from waiting 45 s each
                Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"), List.of(),
                // no timing is asserted here: a quicker start of the restarted detectors keeps CI short
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                "target/latentwatch.jar:target/lib/*", workDir, Duration.ofSeconds(120));
    }

    @Test
    void shouldAccountForEveryInputExactlyOnceThroughKillsABrokerRestartASwapAndASigterm() {
        // Given the packaged detector, and a suite of two kills, a SIGTERM, a broker restart and a live swap
        assertThat(Path.of("target/latentwatch.jar")).exists();
        FaultSuite.Settings settings = ciSize(Path.of("target/fault-suite-it"));

        // When it runs
        FaultReport report = FaultSuite.run(settings, System.out);
        System.out.print(report.table());

        // Then every fault happened, and every input has exactly one output of the right kind
        assertThat(report.count("kill")).isEqualTo(2);
        assertThat(report.count("sigterm")).isEqualTo(1);
        assertThat(report.count("broker-restart")).isEqualTo(1);
        assertThat(report.count("swap")).isEqualTo(1);
        assertThat(report.inputs()).isGreaterThanOrEqualTo(600);
        assertThat(report.garbageInputs()).isPositive();
        assertThat(report.lost()).as("lost inputs").isZero();
        assertThat(report.duplicated()).as("duplicated inputs").isZero();
        assertThat(report.misrouted()).as("misrouted inputs").isZero();
        assertThat(report.passed()).isTrue();
        // and both models scored some of them
        assertThat(report.embeddingsPerVersion()).hasSize(2);
        // and nothing is left running or lying around but the logs
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(settings.workDir().resolve("broker-data")).doesNotExist();
        assertThat(settings.workDir().resolve("state")).doesNotExist();
        assertThat(Files.isDirectory(settings.workDir().resolve("logs"))).isTrue();
    }
}
