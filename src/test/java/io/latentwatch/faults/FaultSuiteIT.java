package io.latentwatch.faults;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite at its CI size: two detector processes and a broker process, each fault once
 * or twice, every input accounted for under exactly-once. Runs after {@code package}, on the
 * packaged jar; the processes' logs stay in {@code target/fault-suite-it/logs}.
 */
class FaultSuiteIT {
    @Test
    void shouldAccountForEveryInputExactlyOnceThroughKillsABrokerRestartASwapAndASigterm() {
        // Given the packaged detector, and a suite of two kills, a SIGTERM, a broker restart and a live swap
        assertThat(Path.of("target/latentwatch.jar")).exists();
        SuiteSettings settings = FaultSuite.settings(FaultSize.CI, "target/latentwatch.jar:target/lib/*",
                Path.of("target/fault-suite-it"));

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
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("io.latentwatch.cli.Main"))).isEmpty();
        assertThat(settings.workDir().resolve("broker-data")).doesNotExist();
        assertThat(settings.workDir().resolve("state")).doesNotExist();
        assertThat(Files.isDirectory(settings.workDir().resolve("logs"))).isTrue();
    }
}
