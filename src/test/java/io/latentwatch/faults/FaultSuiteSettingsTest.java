package io.latentwatch.faults;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultSuiteSettingsTest {
    @Test
    void shouldInterleaveTheFaultKinds() {
        // Given two kills, one swap, one SIGTERM and two broker restarts
        Faults faults = new Faults(2, 1, 2, 1);

        // When they are planned
        List<String> plan = faults.plan();

        // Then they take turns, each kind as often as asked
        assertThat(plan).containsExactly("kill", "swap", "sigterm", "broker-restart", "kill", "broker-restart");
    }

    @Test
    void shouldRefuseBrokerRestartsOnAnExternalBroker() {
        assertThatThrownBy(() -> new SuiteSettings("kafka:9092", Map.of(), 100, 10, 0, 2, 4, "exactly_once_v2",
                new Faults(1, 0, 1, 0), Map.of(), List.of(), List.of(), null, null, Duration.ofSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker restarts need the suite's own broker");
    }
}
