package io.latentwatch.faults;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryProbeTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldCountOnlyOutputsWrittenAfterTheFault() {
        // Given a fault at t=10 s with the output partitions' ends at 100 and 50 once it was complete
        RecoveryProbe probe = new RecoveryProbe(10 * SECOND, 2);
        probe.mark(Map.of(0, 100L, 1, 50L));

        // When the old process's last outputs are read late, and then new ones for one input partition
        probe.observe(0, 99, 0, 11 * SECOND);
        probe.observe(1, 49, 1, 11 * SECOND);
        probe.observe(0, 100, 0, 12 * SECOND);

        // Then it has not recovered: input partition 1 has no new output yet
        assertThat(probe.recovered()).isFalse();
        assertThat(probe.partitionsRecovered()).isEqualTo(1);
        assertThat(probe.recoveryMillis()).isEmpty();
    }

    @Test
    void shouldMeasureUpToTheLastInputPartitionToResume() {
        // Given a fault at t=10 s
        RecoveryProbe probe = new RecoveryProbe(10 * SECOND, 2);
        probe.mark(Map.of(0, 100L, 1, 50L));

        // When input partition 0 resumes at 12 s (twice) and input partition 1 at 15 s, on any output partition
        probe.observe(1, 50, 0, 12 * SECOND);
        probe.observe(1, 51, 0, 13 * SECOND);
        probe.observe(0, 120, 1, 15 * SECOND);

        // Then recovery took 5 s, and the first partition resumed after 2 s
        assertThat(probe.recovered()).isTrue();
        assertThat(probe.recoveryMillis()).hasValue(5000);
        assertThat(probe.firstResumedMillis()).hasValue(2000);
    }

    @Test
    void shouldKeepOutputsReadBeforeTheEndOffsetsWereKnown() {
        // Given a probe whose output ends are not known yet
        RecoveryProbe probe = new RecoveryProbe(0, 1);

        // When an output is read before they are, and the ends then show it was written after the fault
        probe.observe(0, 7, 0, 2 * SECOND);
        assertThat(probe.recovered()).isFalse();
        probe.mark(Map.of(0, 7L));

        // Then it counts
        assertThat(probe.recoveryMillis()).hasValue(2000);
    }
}
