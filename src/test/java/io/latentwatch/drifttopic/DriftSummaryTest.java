package io.latentwatch.drifttopic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriftSummaryTest {
    private static final Instant T = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void shouldWriteTheDocumentedFieldsAndReadThemBack() throws Exception {
        // Given a summary with figures
        DriftSummary summary = new DriftSummary("default", "v1", "pod-a", 0.31, 0.12, 8192, 20_000,
                Duration.ofSeconds(30), T);

        // When it is written as a record value
        byte[] json = summary.toJson();

        // Then the value carries the documented snake-case fields and reads back to the same summary
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.fieldNames()).toIterable().containsExactly("model", "model_version", "instance", "psi", "ks",
                "window_scores", "scored", "interval_ms", "time");
        assertThat(node.get("interval_ms").asLong()).isEqualTo(30_000);
        assertThat(node.get("time").asText()).isEqualTo("2026-11-29T12:00:00Z");
        assertThat(DriftSummary.fromJson(json)).isEqualTo(summary);
    }

    @Test
    void shouldWriteFiguresNotYetComputedAsNull() throws Exception {
        // Given a summary under 100 scores: no PSI or KS
        DriftSummary summary = new DriftSummary("default", "v1", "pod-a", Double.NaN, Double.NaN, 40, 40,
                Duration.ofSeconds(30), T);

        // When written and read back
        JsonNode node = new ObjectMapper().readTree(summary.toJson());
        DriftSummary read = DriftSummary.fromJson(summary.toJson());

        // Then JSON holds null, and the summary read has no PSI
        assertThat(node.get("psi").isNull()).isTrue();
        assertThat(node.get("ks").isNull()).isTrue();
        assertThat(read.hasPsi()).isFalse();
    }

    @Test
    void shouldRefuseAValueThatIsNoSummaryWithWhatIsWrong() {
        assertThatThrownBy(() -> DriftSummary.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> DriftSummary.fromJson("{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model_version");
    }

    @Test
    void shouldGoStaleAfterThreePublishingIntervals() {
        DriftSummary summary = new DriftSummary("default", "v1", "pod-a", 0.1, 0.1, 500, 500,
                Duration.ofSeconds(30), T);
        assertThat(summary.freshAt(T.plusSeconds(90))).isTrue();
        assertThat(summary.freshAt(T.plusSeconds(91))).isFalse();
    }

    @Test
    void shouldKeyEachInstancesSummariesOfAModelApart() {
        assertThat(DriftTopic.key("default", "pod-a")).isEqualTo("default/pod-a");
        assertThat(DriftTopic.key("default", "pod-a")).isNotEqualTo(DriftTopic.key("default", "pod-b"));
    }
}
