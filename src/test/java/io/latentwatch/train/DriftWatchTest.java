package io.latentwatch.train;

import io.latentwatch.drifttopic.DriftSummary;
import io.latentwatch.drifttopic.DriftTopic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DriftWatchTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private final DriftWatch watch = new DriftWatch("default");

    @Test
    void shouldCombineTheInstancesPsiWeightedByTheirWindows() {
        // Given two detectors serving v2, one with three times the scores of the other
        publish("pod-a", "v2", 0.8, 3000, NOW);
        publish("pod-b", "v2", 0.4, 1000, NOW);

        // When the drift of v2 is read
        DriftWatch.Reading reading = watch.read("v2", NOW);

        // Then it is the window-weighted mean, resting on both
        assertThat(reading.psi()).isCloseTo(0.7, within(1e-9));
        assertThat(reading.instances()).isEqualTo(2);
        assertThat(reading.window()).isEqualTo(4000);
        assertThat(reading.above(0.5)).isTrue();
        assertThat(reading.above(0.7)).isFalse();
    }

    @Test
    void shouldIgnoreSummariesAboutOtherVersionsStaleOnesAndThoseWithoutPsi() {
        // Given a summary of the replaced model, one of a detector that stopped a while ago, one under 100 scores,
        // and one about another model name
        publish("pod-a", "v1", 5.0, 8192, NOW);
        publish("pod-b", "v2", 5.0, 8192, NOW.minusSeconds(91));
        publish("pod-c", "v2", Double.NaN, 40, NOW);
        watch.accept(DriftTopic.key("other", "pod-d"), new DriftSummary("other", "v2", "pod-d", 5.0, 0.9, 8192, 8192,
                Duration.ofSeconds(30), NOW).toJson());

        // When the drift of v2 is read
        DriftWatch.Reading reading = watch.read("v2", NOW);

        // Then nothing counts, and the reading says why
        assertThat(reading.hasPsi()).isFalse();
        assertThat(reading.above(0.1)).isFalse();
        assertThat(reading.describe()).contains("no PSI yet", "1 still under 100 scores", "1 about other versions",
                "1 stale");
        assertThat(watch.otherFreshVersions("v2", NOW)).containsExactly("v1");
    }

    @Test
    void shouldForgetAnInstanceOnItsTombstoneAndKeepOnlyItsLatestSummary() {
        // Given a detector that published twice, and another that stopped cleanly
        publish("pod-a", "v2", 2.0, 1000, NOW.minusSeconds(10));
        publish("pod-a", "v2", 0.2, 1000, NOW);
        publish("pod-b", "v2", 3.0, 1000, NOW);
        watch.accept(DriftTopic.key("default", "pod-b"), null);

        // When the drift is read
        DriftWatch.Reading reading = watch.read("v2", NOW);

        // Then only pod-a's latest figure counts
        assertThat(reading.instances()).isEqualTo(1);
        assertThat(reading.psi()).isEqualTo(0.2);
    }

    @Test
    void shouldRefuseARecordThatIsNoSummaryAndCountIt() {
        assertThatThrownBy(() -> watch.accept("default/x", "{}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default/x");
        assertThat(watch.unreadable()).isEqualTo(1);
    }

    private void publish(String instance, String version, double psi, int window, Instant at) {
        watch.accept(DriftTopic.key("default", instance), new DriftSummary("default", version, instance, psi, 0.1,
                window, window, Duration.ofSeconds(30), at).toJson());
    }
}
