package io.latentwatch.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlTest {
    @Test
    void shouldFindTheMetricsAnExpressionReads() {
        // Given an alert-like expression with functions, aggregations, matchers, ranges and keywords
        String expr = "sum by (job, instance) (rate(latentwatch_anomalies_total{reason=\"a b\"}[10m]))"
                + " / (sum by (job) (rate(latentwatch_images_scored_total[10m])) > 0)"
                + " > on (job) group_left () 5 * ((1 - latentwatch_model_calibration_quantile) > 0"
                + " or on (job) (0 * latentwatch_model_threshold + 1e-2)) and up offset 5m";

        // When read  Then only the metric names come out
        assertThat(PromQl.metricNames(expr)).containsExactly("latentwatch_anomalies_total",
                "latentwatch_images_scored_total", "latentwatch_model_calibration_quantile",
                "latentwatch_model_threshold", "up");
    }

    @Test
    void shouldFindMetricsSelectedByName() {
        // Given a selector by __name__  When read  Then its name comes out
        assertThat(PromQl.metricNames("count({__name__=\"jvm_memory_used_bytes\", area=\"heap\"})"))
                .containsExactly("jvm_memory_used_bytes");
    }
}
